"""Embeds: supported URLs on a line of their own become our click-to-load embeds; the CSP frames only them."""

import pytest
from django.conf import settings

from articles.editor import embeds
from articles.editor.forms import BodyField

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
    assert f"https://{embed.frame_host}" in settings.SECURE_CSP["frame-src"]


@pytest.mark.parametrize(
    "url", ["https://example.com/video", "https://mastodon.example/@a/1", "https://www.youtube.com/@channel"]
)
def test_other_urls_are_not_embeds(url):
    assert embeds.embed_for_url(url) is None


def test_the_csp_frames_exactly_the_embed_hosts():
    assert settings.SECURE_CSP["frame-src"] == embeds.frame_hosts()


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
    assert "frame-src https://www.youtube-nocookie.com" in csp and "'unsafe-inline'" not in csp
