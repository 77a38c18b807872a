"""Issue 22, item 6: pictures where readers expect them. Every list (home, section, tag, search, most read, author,
latest) shows each story's square thumbnail at no query more; the story's lead picture offers a 960-px rendition,
AVIF beside WebP where Pillow writes it, fetches first and says the width of its real slot; new widths reach old
pictures through `manage.py make_renditions`, and until then their pages use the original."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PillowImage
from PIL import features

from articles import images
from articles.authors.models import Author
from articles.media import renditions
from articles.media.models import Image
from articles.media.tasks import make_image_renditions
from articles.models import Article
from tests.builders import add_stories, build_newsroom, jpeg_bytes, library_image, record_views

pytestmark = pytest.mark.django_db

THUMB = re.compile(r'<a class="thumb" href="([^"]+)" tabindex="-1" aria-hidden="true"><img ([^>]*)></a>')
LEAD_SIZES = "(min-width: 72em) 47rem, (min-width: 64em) calc(100vw - 25rem), calc(100vw - 2rem)"
PILLOW_WRITES_AVIF = features.check("avif")


def picture_every_story(pictures: list[Image]) -> None:
    """Every published story gets one of `pictures` as its hero (an N+1 would show as one query per story)."""
    for n, pk in enumerate(Article.objects.published().order_by("pk").values_list("pk", flat=True)):
        Article.objects.filter(pk=pk).update(hero=pictures[n % len(pictures)])


def newsroom_with_pictures(count: int = 30):
    room = build_newsroom(count=count)
    pictures = [library_image(content=jpeg_bytes(1600, 900), alt=f"Picture {n}") for n in range(3)]
    picture_every_story(pictures)
    writer = User.objects.create_user("test-writer", password="x" * 12)
    Author.objects.create(user=writer, name="Test Writer", slug="test-writer")
    Article.objects.update(author=writer)
    for article in room.articles[:12]:
        record_views(article, 5)
    return room, pictures


def first_visit(client, url: str) -> tuple[str, int]:
    cache.clear()  # as a fresh server process: no cached page, block or list
    Site.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


def story_links(html: str) -> list[str]:
    """The stories the page's lists name, beside the sidebar: each headline's link (the lead's, the lists', the
    ranked lists' of /most-read/)."""
    html = html.split('<aside class="sidebar"')[0]
    lists = re.findall(r'<(?:ul|ol) class="(?:article-list|widget-list ranked)[^"]*">(.*?)</(?:ul|ol)>', html, re.S)
    lead = re.findall(r'<h3 class="lead-title"><a href="([^"]+)"', html)
    return lead + [href for block in lists for href in re.findall(r'<a href="(/news/[^"]+)">', block)]


# The budgets of test_pages.py's query-count test: a picture per story adds no query.
BUDGETS = {
    "/": 9,
    "/latest/": 5,
    "/section/world/": 7,
    "/tag/topic-3/": 6,
    "/search/?q=story": 5,
    "/most-read/": 11,
    "/author/test-writer/": 6,
}


def test_every_list_shows_each_story_s_picture_at_the_same_query_count(client):
    """One newsroom for every list (building it is most of the time), each page a first visit."""
    room, pictures = newsroom_with_pictures()
    small = {}
    for url in BUDGETS:
        html, small[url] = first_visit(client, url)
        thumbnails = [href for href, _ in THUMB.findall(html)]
        listed = [href for href in story_links(html) if f'<h3 class="lead-title"><a href="{href}"' not in html]
        assert len(listed) >= 4 and thumbnails == listed, url  # one picture per story, beside it, linking to it

    add_stories(room, count=40, tags_per_article=6)
    picture_every_story(pictures)
    Article.objects.update(author=User.objects.get(username="test-writer"))
    for url, budget in BUDGETS.items():
        html, large = first_visit(client, url)
        assert small[url] == large <= budget, url
        assert THUMB.search(html), url


def test_a_thumbnail_is_decorative_fixed_in_size_and_lazy_below_the_first_screen(client):
    _, pictures = newsroom_with_pictures()
    html, _ = first_visit(client, "/section/world/")
    found = THUMB.findall(html)
    square = renditions.square_name(pictures[0], 160)
    for n, (_, attributes) in enumerate(found):
        assert 'alt=""' in attributes and 'width="160" height="160"' in attributes
        assert ("loading=" in attributes) == (n >= 3), n  # the first three are in the first screen
        assert re.search(r'srcset="/media/renditions/\S+-sq160-\S+\.jpg 160w, /media/renditions/\S+-sq320-', attributes)
    assert 'sizes="(min-width: 40em) 7rem, 4.5rem"' in found[0][1] and f"/media/{square}" in html

    home, _ = first_visit(client, "/")  # below the lead's picture: every one waits until scrolled to
    assert all('loading="lazy"' in attributes for _, attributes in THUMB.findall(home))
    compact = home.split('class="section-blocks"')[1]
    assert 'sizes="4.5rem"' in compact and "7rem" not in compact


def test_a_thumbnail_uses_what_exists_while_its_squares_are_made(client, make_article):
    picture = library_image(content=jpeg_bytes(1600, 900), alt="Harbour")
    make_article(title="Harbour reopens", hero=picture)
    Image.objects.filter(pk=picture.pk).update(crops_ready=False)
    html, _ = first_visit(client, "/latest/")
    smallest = images.rendition_name(picture.file.name, 320, "jpg")
    assert re.search(rf'<img src="/media/{re.escape(smallest)}" alt="" width="160" height="160"', html)

    Image.objects.filter(pk=picture.pk).update(sizes_ready=False)
    html, _ = first_visit(client, "/latest/")
    assert re.search(rf'<img src="/media/{re.escape(picture.file.name)}" alt="" width="160"', html)
    assert "srcset" not in THUMB.search(html).group(2)


def test_a_story_without_a_picture_is_listed_without_one(client, make_article):
    make_article(title="Words only")
    html, _ = first_visit(client, "/latest/")
    assert "Words only" in html and 'class="thumb"' not in html


def lead_picture(html: str) -> str:
    return re.search(r"<picture>(.*?)</picture>", html, re.S).group(1)


@pytest.mark.parametrize("where", ["article", "front page"])
def test_the_lead_picture_fetches_first_with_a_960_px_rendition_and_the_slot_s_width(client, make_article, where):
    picture = library_image(content=jpeg_bytes(1600, 900), alt="Ships in the bay")
    article = make_article(title="Harbour reopens", hero=picture)
    html, _ = first_visit(client, article.get_absolute_url() if where == "article" else "/")
    found = lead_picture(html)
    img = re.search(r"<img [^>]*>", found).group(0)
    assert 'fetchpriority="high"' in img and "loading=" not in img
    assert f'sizes="{LEAD_SIZES}"' in img and found.count(f'sizes="{LEAD_SIZES}"') == found.count("srcset=")
    for ext in ("webp", "jpg"):
        name = images.rendition_name(picture.file.name, 960, ext)
        assert f"/media/{name} 960w" in found and default_storage.exists(name)
    with default_storage.open(images.rendition_name(picture.file.name, 960, "webp")) as stored:
        assert PillowImage.open(stored).size == (960, 540)


@pytest.mark.parametrize(
    "writes_avif", [PILLOW_WRITES_AVIF], ids=[f"this-pillow-{'writes' if PILLOW_WRITES_AVIF else 'cannot-write'}-avif"]
)
def test_pages_offer_avif_first_where_pillow_writes_it(client, make_article, writes_avif):
    """This machine's Pillow 13.0 writes AVIF (libavif 1.4): the test id says which case ran."""
    picture = library_image(content=jpeg_bytes(1600, 900), alt="Ships in the bay")
    article = make_article(hero=picture)
    found = lead_picture(first_visit(client, article.get_absolute_url())[0])
    avif = images.rendition_name(picture.file.name, 960, "avif")
    assert ('<source type="image/avif"' in found) == writes_avif == default_storage.exists(avif)
    if writes_avif:
        assert found.index("image/avif") < found.index("image/webp") and f"/media/{avif} 960w" in found
        with default_storage.open(avif) as stored:
            assert PillowImage.open(stored).format == "AVIF"


def test_without_an_avif_writer_pages_offer_webp_and_jpeg_only(client, make_article, monkeypatch):
    monkeypatch.delitem(images.RENDITION_FORMATS, "avif", raising=False)  # a Pillow built without libavif
    picture = library_image(content=jpeg_bytes(1600, 900), alt="Ships in the bay")
    article = make_article(hero=picture)
    found = lead_picture(first_visit(client, article.get_absolute_url())[0])
    assert "avif" not in found and '<source type="image/webp"' in found
    assert not default_storage.exists(images.rendition_name(picture.file.name, 960, "avif"))


def test_make_renditions_brings_a_new_width_to_old_pictures_and_pages_use_the_original_meanwhile(
    client, make_article, database_queue, django_capture_on_commit_callbacks
):
    picture = library_image(content=jpeg_bytes(1600, 900), alt="Harbour")
    library_image(content=jpeg_bytes(1200, 800), alt="Complete")  # has every rendition: not queued again
    article = make_article(hero=picture)
    for ext in images.RENDITION_FORMATS:  # made before 960 px was a width (or before AVIF)
        default_storage.delete(images.rendition_name(picture.file.name, 960, ext))

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the flag's change drops the cached page
        call_command("make_renditions", stdout=out)
    assert "Queued renditions for 1 of 2 library image(s)." in out.getvalue()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<img src="/media/{picture.file.name}" alt="Harbour"' in html and "srcset" not in lead_picture(html)

    with django_capture_on_commit_callbacks(execute=True):  # the worker's run
        make_image_renditions.call(picture.pk)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "-960.webp 960w" in lead_picture(html)
