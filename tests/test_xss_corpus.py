"""Issue 11, "attack tests that keep it so": the XSS corpus (tests/fixtures/xss_corpus.txt) stored in every field
an editor or a reader can set never comes back as live markup, on any page that shows it.

Each payload goes into every such field at once (headline, summary, body, byline, dateline, the four SEO
fields, the canonical URL when a URL field takes it, a tag, the section's name and description, the hero
image's alt, caption and credit, the site's name) and into a reader's search. Then every page that shows them
is parsed (html.parser for pages, ElementTree for feeds and sitemaps, json for JSON-LD), and what a browser or a
feed reader would run is looked for: a script that is not ours, an event-handler attribute, a javascript: URL,
a frame, an object, SVG or MathML, a <base> or a refresh. Escaped text is fine: that is what readers should see.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import User
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.core.exceptions import ValidationError
from taggit.models import Tag

from articles.models import Article, Section
from tests.builders import library_image

pytestmark = pytest.mark.django_db

CORPUS_FILE = Path(__file__).parent / "fixtures" / "xss_corpus.txt"
# split("\n"), not splitlines(): U+2028 and friends inside a payload are part of it.
CORPUS = [line for line in CORPUS_FILE.read_text("utf-8").split("\n") if line and not line.startswith("# ")]
TEMPLATE_EVALUATED = "13377331"  # what the corpus's template-injection lines would print if a template ran them
ARTICLE_FIELDS = ["title", "summary", "body", "byline", "dateline", "meta_title", "meta_description",
                  "social_title", "social_description", "canonical_url"]  # fmt: skip


def fits(model, field: str, value: str) -> str | None:
    """`value` as the admin would store it in `field`, or None when its form would refuse it (too long for a
    headline, not a URL): an editor cannot store that, so it is tried cut to the field's length instead."""
    model_field = model._meta.get_field(field)
    if model_field.max_length:
        value = value[: model_field.max_length]
    try:
        model_field.clean(value, None)
    except ValidationError:
        return None
    return value


# What a browser would run or load if it came from a payload. None of it is on any of our pages.
RUNNABLE_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "base", "style",
                     "template", "noscript", "xss", "animate", "set", "portal", "\u017fcript"}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "srcset",
                  "codebase", "cite", "ping", "values", "to", "from"}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")
OUR_SCRIPTS = ("/static/", "/admin/jsi18n/")
DATA_SCRIPTS = {"application/ld+json", "application/json", "importmap"}  # JSON, never run
# In a <script>, these would end it or switch the HTML parser into its "double-escaped" state.
SCRIPT_BREAKERS = re.compile(r"</script|<script|<!--", re.IGNORECASE)


class Markup(HTMLParser):
    """Every element with its attributes, the text of each <script>, and the page's text as a reader sees it."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.text: list[str] = []
        self._script: tuple[dict, list] | None = None
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag == "script":
            self._script = (attributes, [])

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None

    def handle_data(self, data):
        (self._script[1] if self._script is not None else self.text).append(data)


def _squeezed(value: str) -> str:
    """A URL as a browser reads its scheme: control characters and spaces ignored, any case."""
    return re.sub(r"[\x00-\x20]", "", value).lower()


def _urls(name: str, value: str) -> list[str]:
    """The URL(s) an attribute holds (srcset and SVG's animate values hold several), as a browser reads them."""
    separator = {"srcset": ",", "values": ";"}.get(name)
    return [_squeezed(part) for part in (value.split(separator) if separator else [value])]


# The page's own <noscript>: the view beacon of readers without JavaScript, one image of ours and nothing else.
OUR_NOSCRIPT_BEACON = re.compile(r"/news/\d+/seen\.gif")


def _our_noscript_beacon(elements: list[tuple[str, dict]], at: int) -> bool:
    following = elements[at + 1] if at + 1 < len(elements) else ("", {})
    return following[0] == "img" and bool(OUR_NOSCRIPT_BEACON.fullmatch(following[1].get("src", "")))


def live_markup_in_html(source: str) -> list[str]:
    markup = Markup(source)
    problems = []
    for at, (tag, attributes) in enumerate(markup.elements):
        if tag == "noscript" and _our_noscript_beacon(markup.elements, at):
            continue
        # The admin draws its icons with inline SVG (aria-hidden, <use href="#…">); a payload's SVG is caught
        # by what makes it run (handlers, scripts, URLs) as well as by not being hidden decoration.
        icon = tag == "use" or (
            tag == "svg" and (attributes.get("aria-hidden") == "true" or attributes.get("class") == "base-svgs")
        )
        if tag in RUNNABLE_ELEMENTS and not icon:
            problems.append(f"<{tag}> element")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            problems.append("<meta http-equiv=refresh>")
        if (
            tag == "link"
            and "stylesheet" in attributes.get("rel", "")
            and not attributes.get("href", "").startswith(OUR_SCRIPTS)
        ):
            problems.append(f"a stylesheet from {attributes.get('href')!r}")
        for name, value in attributes.items():
            if name.startswith("on") or name == "srcdoc":
                problems.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and any(part.startswith(BAD_SCHEMES) for part in _urls(name, value)):
                problems.append(f"<{tag} {name}={value[:60]!r}>")
            if name == "style" and re.search(r"javascript:|expression\(|url\(|behavior:|binding", _squeezed(value)):
                problems.append(f"<{tag} style={value[:60]!r}>")
    for attributes, body in markup.scripts:
        kind = attributes.get("type", "").lower()
        if kind in DATA_SCRIPTS:
            if SCRIPT_BREAKERS.search(body):
                problems.append(f"a {kind} script that could end early: {body[:80]!r}")
            else:
                json.loads(body)  # data, and nothing but data
        elif not attributes.get("src", "").startswith(OUR_SCRIPTS) or body.strip():
            problems.append(f"a script that is not ours: {attributes} {body[:80]!r}")
    return problems


def live_markup_in_feed(source: str) -> list[str]:
    """A feed or sitemap must stay well-formed XML with only its own elements; the parts feed readers render as
    HTML (RSS descriptions, Atom type="html" text) must hold no live markup either."""
    root = ElementTree.fromstring(source.encode())
    problems = []
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in RUNNABLE_ELEMENTS | {"script", "img", "a", "body", "div", "p", "form", "input", "button", "meta"}:
            problems.append(f"<{name}> element in the XML")
        rendered_as_html = name == "description" or element.get("type") == "html"
        if rendered_as_html and element.text:
            problems += [f"in <{name}>: {problem}" for problem in live_markup_in_html(element.text)]
    return problems


def page_text(source: str) -> str:
    return "".join(Markup(source).text)


@pytest.fixture
def site_with(make_article, django_user_model):
    """Store `payload` everywhere an editor can, and return the pages that show it."""

    def plant(payload: str) -> dict:
        site = Site.objects.get_current()
        site.name = payload[: Site._meta.get_field("name").max_length]
        site.save()
        Site.objects.clear_cache()
        section = Section.objects.create(name=fits(Section, "name", payload) or "Section", slug="xss-desk",
                                         description=payload)  # fmt: skip
        image = library_image(alt=fits(Article.hero.field.related_model, "alt", payload) or "alt",
                              caption=payload[:300], credit=payload[:150], ready=False)  # fmt: skip
        fields = {field: fits(Article, field, payload) for field in ARTICLE_FIELDS}
        if fields["canonical_url"] is None:  # a URL an editor could paste with the payload in its path
            fields["canonical_url"] = fits(Article, "canonical_url", "https://example.org/" + payload.replace(" ", ""))
        fields = {name: value for name, value in fields.items() if value is not None}
        fields["title"] = fields.get("title") or "Headline"
        fields["body"] = f"<p>Harbour news.</p>{payload}"
        tag_name = fits(Tag, "name", payload.strip()) or "tag"
        article = make_article(slug="xss-story", section=section, hero=image, social_image=image, tags=[tag_name],
                               **fields)  # fmt: skip
        tag = Tag.objects.get(name=tag_name)
        cache.clear()
        return {"article": article, "section": section, "tag": tag}

    return plant


def reader_pages(planted: dict, payload: str) -> list[str]:
    article, section, tag = planted["article"], planted["section"], planted["tag"]
    return ["/", "/latest/", "/most-read/", article.get_absolute_url(), f"/section/{section.slug}/",
            f"/tag/{tag.slug}/", "/search/?q=harbour", "/search/?" + _query(payload)]  # fmt: skip


def editor_pages(planted: dict) -> list[str]:
    pk = planted["article"].pk
    return [f"/preview/{pk}/", "/admin/", "/admin/articles/article/", f"/admin/articles/article/{pk}/change/",
            f"/admin/articles/article/{pk}/history/", "/admin/taggit/tag/", "/admin/articles/section/",
            "/admin/library/image/"]  # fmt: skip


def feed_pages(planted: dict) -> list[str]:
    section, tag = planted["section"].slug, planted["tag"].slug
    return ["/feed/", "/atom/", f"/section/{section}/feed/", f"/section/{section}/atom/", f"/tag/{tag}/feed/",
            f"/tag/{tag}/atom/", "/sitemap.xml", "/news-sitemap.xml"]  # fmt: skip


def _query(payload: str) -> str:
    return urlencode({"q": payload})


@pytest.mark.parametrize("payload", CORPUS, ids=range(len(CORPUS)))
def test_no_payload_becomes_live_markup_on_any_page(client, site_with, payload):
    planted = site_with(payload)
    editor = User.objects.create_superuser("xss-editor", "xss@example.com", "a-long-password-1")
    pages = [(client, url, "html") for url in reader_pages(planted, payload)]
    pages += [(client, url, "feed") for url in feed_pages(planted)]
    editor_client = type(client)()
    editor_client.force_login(editor)
    pages += [(editor_client, url, "html") for url in editor_pages(planted)]

    found = {}
    for who, url, kind in pages:
        response = who.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        content = response.content.decode()
        problems = live_markup_in_html(content) if kind == "html" else live_markup_in_feed(content)
        if TEMPLATE_EVALUATED in content:
            problems.append(f"a template evaluated the payload: {TEMPLATE_EVALUATED} in the page")
        if problems:
            found[url] = problems
    assert not found, "\n".join(f"{url}: {problems}" for url, problems in found.items())

    # Not vacuous: the headline reached the reader as the text it is (escaped, not dropped or mangled).
    article_page = client.get(planted["article"].get_absolute_url()).content.decode()
    assert planted["article"].title in page_text(article_page)


def test_the_corpus_is_wide():
    """Every family of trick the security test used is in the corpus."""
    text = "\n".join(CORPUS).lower()
    for needle in ["<script", "onerror=", "javascript:", "<svg", "<math", '">', "{{", "</description>", "]]>",
                   "data:text/html", "\u2028", "\uff1cscript"]:  # fmt: skip
        assert needle in text, needle
    assert len(CORPUS) >= 60


def test_the_checks_see_live_markup_and_pass_escaped_text():
    """The checks can fail: each payload dropped raw into a page (as a template with |safe would) is caught,
    bar the ones that are only text even raw in HTML (encoded forms, comments, template and JavaScript-context
    syntax: 17 of them); the same escaped is clean."""
    from django.utils.html import escape

    raw = [p for p in CORPUS if live_markup_in_html(f"<p>{p}</p><a href='{p}'>x</a><div title=\"{p}\"></div>")]
    escaped = [p for p in CORPUS if live_markup_in_html(f"<p>{escape(p)}</p><a href='{escape(p)}'>x</a>")]
    assert len(raw) >= len(CORPUS) - 17, sorted(set(CORPUS) - set(raw))
    assert escaped == [p for p in CORPUS if _squeezed(p).startswith(BAD_SCHEMES)]  # a URL stays a URL escaped
    assert live_markup_in_feed("<rss><channel><description>&lt;b&gt;fine&lt;/b&gt;</description></channel></rss>") == []
    assert live_markup_in_feed(
        "<rss><channel><description>&lt;img src=x onerror=alert(1)&gt;</description></channel></rss>"
    )


def test_feeds_and_sitemaps_stay_well_formed_with_a_control_character_in_a_headline(client, make_article):
    """A vertical tab pasted into a headline was a 500 on every feed (XML 1.0 cannot carry it) and made the news
    sitemap unreadable: it is dropped from both."""
    make_article(title="Harbour\x0breopens", tags=["port"], byline="By A\x0cWriter")
    for url in ["/feed/", "/atom/", "/section/world/feed/", "/tag/port/atom/", "/news-sitemap.xml", "/sitemap.xml"]:
        response = client.get(url)
        assert response.status_code == 200, url
        root = ElementTree.fromstring(response.content)
        assert any(element.text == "Harbourreopens" for element in root.iter()) or url == "/sitemap.xml", url


def test_a_section_description_is_escaped_in_its_rss_channel(client, make_article):
    """RSS readers render a channel's <description> as HTML, as they do an item's (item 9 escaped those)."""
    section = Section.objects.create(name="Ports", slug="ports", description="<img src=x onerror=alert(1)>")
    make_article(section=section)
    description = ElementTree.fromstring(client.get("/section/ports/feed/").content).find("channel/description")
    assert description.text == "&lt;img src=x onerror=alert(1)&gt;"
