"""Embeds: supported URLs on a line of their own become our click-to-load embeds; the CSP frames only them."""

from pathlib import Path

import pytest
from django.conf import settings

from articles.editor import embeds
from articles.editor.forms import BodyField
from tests.builders import settings_built_from

ROOT = Path(__file__).resolve().parents[1]

CASES = [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
    (
        "https://x.com/newsroom/status/1234567890",
        "https://platform.twitter.com/embed/Tweet.html?id=1234567890&dnt=true",
    ),
    ("https://twitter.com/newsroom/status/42", "https://platform.twitter.com/embed/Tweet.html?id=42&dnt=true"),
    ("https://www.instagram.com/p/C1a2b3c4/", "https://www.instagram.com/p/C1a2b3c4/embed/"),
    (
        "https://bsky.app/profile/news.example.com/post/3kabc",
        "https://embed.bsky.app/embed/news.example.com/app.bsky.feed.post/3kabc",
    ),
    ("https://mastodon.social/@newsroom/112233", "https://mastodon.social/@newsroom/112233/embed"),
    ("https://datawrapper.dwcdn.net/AbC12/3/", "https://datawrapper.dwcdn.net/AbC12/"),
    ("https://public.flourish.studio/visualisation/1234567/", "https://flo.uri.sh/visualisation/1234567/embed"),
]


@pytest.mark.parametrize(("url", "frame"), CASES)
def test_each_supported_url_names_a_privacy_friendly_frame(url, frame):
    embed = embeds.embed_for_url(url)
    assert embed is not None and embed.frame_src == frame
    assert f"https://{embed.frame_host}" in settings.NEWSROOM_EMBED_FRAME_HOSTS


@pytest.mark.parametrize(
    "url", ["https://example.com/video", "https://mastodon.example/@a/1", "https://www.youtube.com/@channel"]
)
def test_other_urls_are_not_embeds(url):
    assert embeds.embed_for_url(url) is None


def test_pages_frame_at_most_the_embed_hosts():
    """No page frames anything by default; a page with embeds frames their hosts (tests/test_browser_policies.py),
    never one outside this list."""
    assert embeds.frame_origins(settings.NEWSROOM_EMBED_MASTODON_HOSTS) == settings.NEWSROOM_EMBED_FRAME_HOSTS
    assert "frame-src" not in settings.SECURE_CSP


def test_a_body_s_frame_origins_are_those_of_the_embeds_drawn_from_it():
    body = (
        "<p>https://youtu.be/dQw4w9WgXcQ</p><p>https://www.youtube.com/watch?v=aaaaaaaaaaa</p><p>See https://vimeo.com/1.</p>"
        '<p><a href="https://vimeo.com/2">https://example.org/other</a></p><p>https://mastodon.online/@ana/7</p>'
    )
    assert embeds.frame_origins_in(body) == ["https://www.youtube-nocookie.com", "https://mastodon.online"]
    assert embeds.frame_origins_in("<p>No embeds.</p>") == embeds.frame_origins_in("") == []


def test_a_url_on_its_own_line_is_drawn_as_a_click_to_load_placeholder():
    body = (
        "<p>Before.</p><p>https://www.youtube.com/watch?v=dQw4w9WgXcQ</p>"
        '<p><a href="https://vimeo.com/76979871" rel="noopener noreferrer">https://vimeo.com/76979871</a></p>'
        "<p>See https://vimeo.com/1 in a sentence.</p>"
        '<p><a href="https://vimeo.com/2">https://example.org/other</a></p>'
    )
    html = embeds.render_embeds(body)
    assert html.count('<figure class="embed embed-video">') == 2
    assert "<iframe" not in html
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html  # works without JavaScript too
    assert "<p>See https://vimeo.com/1 in a sentence.</p>" in html
    assert '<a href="https://vimeo.com/2">https://example.org/other</a>' in html


def test_a_pasted_provider_iframe_is_kept_as_its_url_and_others_are_reported():
    field = BodyField()
    cleaned = field.clean(
        '<p>Intro</p><iframe width="560" src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?si=x" '
        'allowfullscreen></iframe><iframe src="https://ads.example.com/x"></iframe>'
    )
    assert cleaned == "<p>Intro</p><p>https://www.youtube.com/watch?v=dQw4w9WgXcQ</p>"
    assert field.removed == ["an iframe from ads.example.com"]


@pytest.mark.django_db
def test_reader_page_shows_the_embed_behind_a_button_and_loads_no_third_party_script(client, make_article):
    article = make_article(body="<p>Watch:</p><p>https://youtu.be/dQw4w9WgXcQ</p>")
    response = client.get(article.get_absolute_url())
    page = response.content.decode()
    assert "Load YouTube content" in page and "<iframe" not in page
    assert "youtube.com/iframe_api" not in page and "platform.twitter.com/widgets.js" not in page
    csp = response.headers["Content-Security-Policy"]
    directives = dict(directive.strip().split(" ", 1) for directive in csp.split(";"))
    assert directives["frame-src"] == "https://www.youtube-nocookie.com" and "'unsafe-inline'" not in csp


def test_the_csp_frame_src_and_the_embed_providers_agree_for_any_mastodon_servers():
    """What pages may frame is built from the providers' own frame hosts: an embed's frame loads from a host a
    page's CSP allows, and no host is allowed that no embed loads from, whichever Mastodon servers are configured."""
    code = (
        "from django.conf import settings; from articles.editor import embeds;"
        "urls = ['https://social.example.org/@ana/42', 'https://youtu.be/dQw4w9WgXcQ'];"
        "body = ''.join(f'<p>{url}</p>' for url in urls);"
        "print(json.dumps({'page': embeds.frame_origins_in(body), 'hosts': settings.NEWSROOM_EMBED_FRAME_HOSTS,"
        "'frames': [embeds.embed_for_url(url).frame_src for url in urls],"
        "'providers': [h for p in embeds.providers() for h in p.frame_hosts]}))"
    )
    built = settings_built_from({"NEWSROOM_EMBED_MASTODON_HOSTS": "social.example.org"}, code)
    assert built["frames"] == [
        "https://social.example.org/@ana/42/embed",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    ]
    assert built["hosts"] == [f"https://{host}" for host in built["providers"]]
    assert "https://social.example.org" in built["hosts"] and "https://mastodon.social" not in built["hosts"]
    assert built["page"] == ["https://social.example.org", "https://www.youtube-nocookie.com"]


def test_each_embed_frame_host_is_written_once_in_the_code():
    """One definition (the provider's `frame_hosts`); the CSP's frame-src and the Permissions-Policy derive from it."""
    code = [path.read_text() for package in ("articles", "newsroom") for path in (ROOT / package).rglob("*.py")]
    for provider in embeds.providers(mastodon_hosts=[]):
        for host in provider.frame_hosts:
            assert sum(text.count(f'"{host}"') for text in code) == 1, host
