"""Images in article bodies display: the sanitiser keeps only those the page's CSP (img-src) lets the browser
load (this site's, the media bucket's or CDN's), and the CSP allows wherever the media store serves from."""

import re
from html import unescape
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.sanitize import sanitize_html
from newsroom.media_origins import origin_of
from tests.builders import settings_built_from

ROOT = Path(__file__).resolve().parent.parent
CDN = "https://cdn.example-media.net"

HOSTILE_SOURCES = [
    "https://tracker.example.com/pixel.png",
    "http://tracker.example.com/pixel.png",
    "//tracker.example.com/pixel.png",
    "/\\tracker.example.com/pixel.png",
    "https:tracker.example.com/pixel.png",
    " \thttps://tracker.example.com/pixel.png",
    "HTTPS://TRACKER.example.com/pixel.png",
    "https://cdn.example-media.net.tracker.example.com/x.png",
    "https://tracker.example.com/@cdn.example-media.net/x.png",
    "https://tracker.example.com:99999/x.png",  # a port out of range: dropped, never a 500 on save
    "https://[::1/x.png",
]


def img_sources(html: str) -> list[str]:
    return [unescape(src) for src in re.findall(r'<img[^>]*\ssrc="([^"]*)"', html)]


def img_src_allows(csp: str, src: str) -> bool:
    """Whether a browser loads `src` on a page with this CSP (only the forms the policy here uses)."""
    directive = next(d for d in csp.split(";") if d.strip().startswith("img-src")).split()[1:]
    origin = origin_of(src.replace("\\", "/"))
    if not origin:
        return "'self'" in directive and not urlsplit(src).scheme
    return origin in directive


@pytest.mark.parametrize("src", HOSTILE_SOURCES)
def test_an_image_from_another_host_is_left_out_with_its_figure(src):
    figure = f'<figure><img src="{src}" alt="Tracked"><figcaption>Caption</figcaption></figure>'
    body = f"<p>Before.</p>{figure}<p>After.</p>"
    assert sanitize_html(body) == "<p>Before.</p><p>After.</p>"  # never an empty <figure><img alt> stored


def test_this_sites_images_are_kept_and_its_own_addresses_made_relative(settings):
    settings.ALLOWED_HOSTS = ["news.example.org", ".example.org"]
    clean = sanitize_html(
        '<img src="/media/library/a.jpg" alt="a"><img src="https://news.example.org/media/b.jpg?v=2" alt="b">'
        '<img src="https://other.example.org/c.jpg" alt="c">'  # a wildcard is no promise of the same origin
    )
    assert img_sources(clean) == ["/media/library/a.jpg", "/media/b.jpg?v=2"]


def test_images_from_the_media_origin_are_kept(settings):
    settings.SECURE_CSP = {**settings.SECURE_CSP, "img-src": ["'self'", "data:", CDN]}
    clean = sanitize_html(f'<img src="{CDN}/media/library/a.jpg" alt="a"><img src="{HOSTILE_SOURCES[0]}" alt="b">')
    assert img_sources(clean) == [f"{CDN}/media/library/a.jpg"]


@pytest.mark.django_db
def test_every_image_that_survives_in_a_body_is_one_the_pages_csp_lets_through(client, make_article):
    sources = ["/media/library/ok.jpg", "https://testserver/media/own.jpg", *HOSTILE_SOURCES]
    article = make_article(body="".join(f'<p><img src="{s}" alt="picture {n}"></p>' for n, s in enumerate(sources)))
    response = client.get(article.get_absolute_url())
    page = response.content.decode()
    kept = img_sources(article.body)
    assert kept == ["/media/library/ok.jpg", "/media/own.jpg"]
    assert all(f'src="{src}"' in page for src in kept)
    assert all(img_src_allows(response["Content-Security-Policy"], src) for src in img_sources(page))


def settings_from_env(**env) -> dict:
    """The CSP's img-src and a stored file's URL, as production settings build them from this environment."""
    code = (
        "from django.conf import settings; from django.core.files.storage import default_storage as s;"
        "print(json.dumps({'img_src': settings.SECURE_CSP['img-src'], 'url': s.url('library/2026/a.jpg')}))"
    )
    return settings_built_from(env, code)


S3 = {"NEWSROOM_MEDIA_STORAGE": "s3", "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}


@pytest.mark.parametrize(
    "env",
    [
        {**S3, "AWS_STORAGE_BUCKET_NAME": "newsroom-media"},
        {**S3, "AWS_STORAGE_BUCKET_NAME": "newsroom.media", "AWS_S3_REGION_NAME": "eu-west-1"},
        {**S3, "AWS_STORAGE_BUCKET_NAME": "newsroom-media", "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000"},
        {**S3, "AWS_STORAGE_BUCKET_NAME": "newsroom-media", "AWS_S3_CUSTOM_DOMAIN": "cdn.example-media.net"},
        {"NEWSROOM_MEDIA_STORAGE": "local", "NEWSROOM_MEDIA_ORIGINS": CDN},
    ],
    ids=["aws", "aws-dotted-bucket", "s3-compatible", "cdn", "listed"],
)
def test_the_csp_lets_through_images_from_wherever_media_is_served(env):
    built = settings_from_env(**env)
    origin = origin_of(built["url"]) or CDN  # local storage: relative URLs, the listed origin is the CDN's
    assert origin in built["img_src"]
    assert built["img_src"][:2] == ["'self'", "data:"]


def test_the_editor_is_told_which_image_was_dropped():
    from articles.editor.removals import describe_removed

    found = describe_removed('<p><img src="https://tracker.example.com/p.png" alt="x"><img src="/media/a.jpg"></p>')
    assert found == ["an image from tracker.example.com (upload it to the media library)"]


def test_bodies_stored_before_the_sanitiser_tightened_are_cleaned_and_their_pages_purged(
    client, make_article, django_capture_on_commit_callbacks
):
    """`manage.py sanitize_bodies` reaches bodies saved before an upgrade (a save cleans; a stored body waits)."""
    kept = '<p>Harbour at dawn.</p><p><img src="/media/harbour.jpg" alt="Harbour"></p>'
    old = make_article(body="<p>Body.</p>")
    tidy = make_article(body=kept)
    stored_before = '<p>Harbour at dawn.</p><p><img src="https://tracker.example.com/pixel.png" alt="Pixel"></p>'
    Article.objects.filter(pk=old.pk).update(body=stored_before)  # as an earlier release stored it
    assert "tracker.example.com" in client.get(old.get_absolute_url()).content.decode()  # now in the page cache

    dry = _command("sanitize_bodies", "--dry-run")
    assert Article.objects.get(pk=old.pk).body == stored_before
    with django_capture_on_commit_callbacks(execute=True):
        cleaned = _command("sanitize_bodies")
    again = _command("sanitize_bodies")

    assert dry.startswith("1 of 2 article bodies would change.") and f"article {old.pk}" in dry
    assert cleaned.startswith("1 of 2 article bodies cleaned.")
    assert again.startswith("0 of 2 article bodies cleaned.")
    body = Article.objects.get(pk=old.pk).body
    assert "tracker.example.com" not in body and "Harbour at dawn." in body and "<img" not in body
    assert Article.objects.get(pk=tidy.pk).body == kept
    page = client.get(old.get_absolute_url()).content.decode()
    assert "tracker.example.com" not in page and "Harbour at dawn." in page  # the cached copy was purged


def _command(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
