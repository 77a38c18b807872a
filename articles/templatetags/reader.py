"""Reads: reader-page widgets (each with its own template under articles/includes/) and SEO helpers."""

import datetime
import functools
import html
import json

from django import template
from django.template.defaultfilters import date
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import _datetime_ambiguous_or_imaginary
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles import sections, seo
from articles.feeds import xml_text
from articles.media import renditions
from articles.models import Article
from newsroom import cached_reverse

register = template.Library()

# The characters that could end a <script> element or open a comment inside one (as json_script escapes).
# (Three `replace`s: 1 µs for an article's payload, where `str.translate` with a table took 8.)
_SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


@register.inclusion_tag("articles/includes/related.html")
def related_widget(articles: list[Article]) -> dict:
    return {"articles": articles}


@register.inclusion_tag("articles/includes/ranking.html")
def ranking_widget(
    articles: list[Article],
    heading: str | None = None,
    heading_id: str = "ranking-heading",
    empty_message: str = "",
    thumbnails: bool = False,
) -> dict:
    """A ranked list: in the sidebar (headlines only), or on /most-read/ with each story's picture."""
    return {
        "articles": articles,
        "heading": heading or _("Ranking"),
        "heading_id": heading_id,
        "empty_message": empty_message,
        "thumbnails": thumbnails,
    }


@register.inclusion_tag("articles/includes/recommendation.html")
def recommendation_widget(articles: list[Article]) -> dict:
    return {"articles": articles}


@register.simple_tag
def cached_url(viewname: str, pk: int | None = None) -> str:
    """`{% url %}` for the links on every page (feeds, search, home, the vote form), without running the
    resolver each time (newsroom/cached_reverse.py)."""
    if pk is None:
        return cached_reverse.cached_url(viewname)
    return cached_reverse.cached_reverse_pk(viewname, pk=pk)


@register.simple_tag
def widget_item(item: Article) -> SafeString:
    """One story of a widget list (Related, Ranking, Recommendation): its link, section and date.

    Written in Python rather than as an included template: a first view shows ten of them, and the include, its
    three lookups and two date filters per story were a third of the page's template time.
    """
    return widget_row(item, url=item.get_absolute_url(), zone=timezone.get_current_timezone())


def widget_row(item: Article, *, url: str, zone) -> SafeString:
    """`widget_item` with the story's URL and the time zone worked out by the caller (once for a whole list)."""
    return _row(url, item.title, item.section.name, item.published_at, zone)


# Rows kept per process: a row is a function of the values it shows alone, and the same stories are rows of many pages
# (Related's 18 on every true miss: 0.18 ms of CPU written afresh, most of them written for another page before).
WIDGET_ROWS_KEPT = 4096


@functools.lru_cache(maxsize=WIDGET_ROWS_KEPT)
def _row(url: str, title: str, section_name: str, published_at: datetime.datetime | None, zone) -> SafeString:
    published, when = _local_and_machine(published_at, zone)
    day = f"{published.year:04d}-{published.month:02d}-{published.day:02d}" if published else ""
    # Each text escaped as `format_html` would (Django's `escape` is `html.escape` made safe; called directly for
    # every story of every widget).
    return mark_safe(  # noqa: S308 — every value escaped
        f'<a href="{html.escape(url)}">{html.escape(title)}</a>\n<span class="meta">'
        f'{html.escape(section_name)} · <time datetime="{when}">{day}</time></span>\n'
    )


def _local_and_machine(published: datetime.datetime | None, zone) -> tuple[datetime.datetime | None, str]:
    """A story's publish time in `zone`, and as `machine_time` writes it (nothing to escape): for the rows written by
    string joins, which work out the zone once per list."""
    if published is not None and timezone.is_aware(published):
        published = timezone.localtime(published, zone)
    return published, published.replace(microsecond=0).isoformat() if published else ""


@register.simple_tag
def tag_items(tags: list) -> SafeString:
    """The article's tags as the `<li>`s of its tag list, each a link to the tag's page (a tag without one: its name),
    spaced as the `{% for %}` loop they replace was (`TAG_ITEMS_LOOP` in tests/test_true_miss.py): a `{% with %}`, an
    `{% if %}` and three lookups per tag were a tenth of an article's template time."""
    items = []
    for tag in tags:
        url, name = tag.get_absolute_url(), conditional_escape(tag.name)
        inner = f'<a href="{conditional_escape(url)}">{name}</a>' if url else name
        items.append(f"\n      <li>{inner}</li>\n      ")
    return mark_safe("".join(items))  # noqa: S308 — every value escaped


@register.simple_tag
def crumb_items(breadcrumb: list, article=None) -> SafeString:
    """The breadcrumb's `<li>`s, the last marked as the current page unless the page is an article's, spaced as the
    `{% for %}` loop they replace was (`CRUMB_ITEMS_LOOP` in tests/test_true_miss.py): on every page."""
    items, last = [], len(breadcrumb) - 1
    for at, crumb in enumerate(breadcrumb):
        separator = '\n      <span class="sep" aria-hidden="true">&gt;</span>\n      ' if at else ""
        current = ' aria-current="page"' if at == last and not article else ""
        link = f'<a href="{conditional_escape(crumb.url)}"{current}>{conditional_escape(crumb.name)}</a>'
        items.append(f"\n    <li>\n      {separator}\n      {link}\n    </li>\n    ")
    return mark_safe("".join(items))  # noqa: S308 — every value escaped


# The main column's width (static/css/site.css: .wrap 72rem less 1rem padding each side; beside the 20rem sidebar and
# its 3rem gap from 64em, 47rem = 752 px from 72em), measured in Chromium by tests/browser/test_pictures_browser.py.
LEAD_SIZES = "(min-width: 72em) 47rem, (min-width: 64em) calc(100vw - 25rem), calc(100vw - 2rem)"


@register.simple_tag
def lead_picture(image, alt: str) -> SafeString:
    """The story's picture in the main column: the article's hero and the front page's lead. It is the largest
    picture of the page (LCP): fetched first, never lazily. A format or width not made yet is not offered.

    Written in Python rather than as an included template (`LEAD_PICTURE` in tests/test_true_miss.py, which it
    matches byte for byte): the include, its `{% with %}` and a dozen lookups were a tenth of an article's template.
    """
    avif, webp, jpeg = image.srcset_avif, image.srcset_webp, image.srcset_jpeg
    sizes = f' sizes="{LEAD_SIZES}"'
    return mark_safe(  # noqa: S308 — every value escaped
        "\n<picture>\n  "
        + (f'<source type="image/avif" srcset="{conditional_escape(avif)}"{sizes}>' if avif else "")
        + "\n  "
        + (f'<source type="image/webp" srcset="{conditional_escape(webp)}"{sizes}>' if webp else "")
        + f'\n  <img src="{conditional_escape(image.file_url)}"'
        + (f' srcset="{conditional_escape(jpeg)}"{sizes}' if jpeg else "")
        + f' alt="{conditional_escape(alt)}"'
        + (f' width="{localize(image.width)}" height="{localize(image.height)}"' if image.width else "")
        + ' fetchpriority="high">\n</picture>\n'
    )


# A list's thumbnail is 7rem square from 40em, 4.5rem on phones and in narrow lists (static/css/site.css, `.thumb`).
THUMBNAIL_SIZES = {False: "(min-width: 40em) 7rem, 4.5rem", True: "4.5rem"}
EAGER_THUMBNAILS = 3  # a list's first pictures are in the first screen: fetched at once, the rest when scrolled to


@register.simple_tag
def list_thumbnail(item: Article, position: int = 1, eager=EAGER_THUMBNAILS, narrow=False) -> SafeString:
    """A story's square picture beside its headline in a list, or "" when it has none.

    `alt=""`: the picture repeats the story the headline names (WAI's "image with adjacent text"), so a screen
    reader hears each headline once, not an image description before it; the link around it is a second way in for
    a pointer, hidden from screen readers and left out of the tab order. `width`/`height` fix its box (no layout
    shift); pictures after the first `eager` load lazily. The article comes from a list query with
    `select_related("hero")` (`for_listing()`): no query, and no storage call (`renditions.thumbnail`).
    """
    if not item.hero_id:
        return SafeString("")
    src, srcset = renditions.thumbnail(item.hero)
    eager = EAGER_THUMBNAILS if eager in ("", None) else int(eager)
    # Each value escaped as `format_html` would escape it (written directly: twenty per list page).
    sized = f' srcset="{conditional_escape(srcset)}" sizes="{THUMBNAIL_SIZES[bool(narrow)]}"' if srcset else ""
    lazy = ' loading="lazy"' if int(position) > eager else ""
    return mark_safe(  # noqa: S308 — every value escaped
        f'<a class="thumb" href="{conditional_escape(item.get_absolute_url())}" tabindex="-1" aria-hidden="true">'
        f'<img src="{conditional_escape(src)}"{sized} alt="" width="160" height="160"{lazy}></a>'
    )


@register.simple_tag
def article_items(articles, heading="", eager="", compact="") -> SafeString:
    """The `<li>`s of a list of stories (`templates/articles/includes/article_list.html`): each its thumbnail, headline,
    section, time and summary (a search result's highlighted snippet instead), spaced as the `{% for %}` loop they
    replace was (`ARTICLE_ITEMS_LOOP` in tests/test_true_miss.py). On every list page rendered (home, sections,
    tags, search): the loop's ~25 lookups and filters per story were two thirds of such a page's time."""
    heading = conditional_escape(heading or "h2")
    zone, items = timezone.get_current_timezone(), []
    for position, item in enumerate(articles, start=1):
        published, when = _local_and_machine(item.published_at, zone)
        shown = f"{published:%Y-%m-%d %H:%M}" if published and published.year >= 1000 else date(published, "Y-m-d H:i")
        snippet, summary = getattr(item, "snippet", ""), item.summary
        text = snippet or (summary if summary and not compact else "")
        about = f'\n    <p class="summary">{conditional_escape(text)}</p>\n    ' if text else ""
        section = item.section
        items.append(
            f'\n  <li>\n    {list_thumbnail(item, position, eager, compact)}\n    <{heading} class="item-title">'
            f'<a href="{conditional_escape(item.get_absolute_url())}">{conditional_escape(item.title)}</a></{heading}>'
            f'\n    <p class="meta">\n      <a href="{conditional_escape(section.get_absolute_url())}">'
            f'{conditional_escape(section.name)}</a> ·\n      <time datetime="{when}">{shown}</time>\n    </p>\n'
            f"    {about}\n  </li>\n  "
        )
    return mark_safe("".join(items))  # noqa: S308 — every value escaped


@register.simple_tag
def section_nav(section_id: int | None = None) -> str:
    """The header's section menu: rendered once per section and shared by every page of it."""
    return sections.section_nav(section_id=section_id or None)


@register.simple_tag(takes_context=True)
def article_json_ld(context, article: Article) -> str:
    """A NewsArticle JSON-LD data block, escaped so editor text can never close the script element."""
    data = seo.article_json_ld(context["request"], context["site"], article, context.get("meta"))
    payload = json.dumps(data, ensure_ascii=False)
    for character, escaped in _SCRIPT_ESCAPES:
        payload = payload.replace(character, escaped)
    # A data block, never executed: it needs no nonce, so the page stays the same for every reader.
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 — escaped above, as json_script does


@register.inclusion_tag("articles/includes/site_card.html", takes_context=True)
def site_card(context) -> dict:
    """A page of no single story: the site's card for link previews (an absolute URL, as og:image wants)."""
    width, height = seo.SITE_CARD_SIZE
    return {"url": seo.static_url(context["request"], seo.SITE_CARD), "width": width, "height": height}


@register.filter(expects_localtime=True)
def machine_time(value: datetime.datetime | None) -> str:
    """A `<time datetime>` value: ISO 8601 in whole seconds (`date:'c'` adds microseconds, which HTML refuses)."""
    return _local_and_machine(value or None, timezone.get_current_timezone())[1]


@register.filter(expects_localtime=True)
def shown_time(value) -> str:
    """`date:"Y-m-d H:i:s T"` (an article's publish and update times as its readers read them), the same text
    written directly: Django's date formatting splits its format with a regular expression on every call (~25 µs)."""
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        return date(value, SHOWN_TIME)
    zone = value.tzinfo  # as Django names it: none at an ambiguous or imaginary local time (a clock change)
    name = "" if _datetime_ambiguous_or_imaginary(value, zone) else str(zone.tzname(value))
    return f"{value:%Y-%m-%d %H:%M:%S} {name}" if value.year >= 1000 else date(value, SHOWN_TIME)


SHOWN_TIME = "Y-m-d H:i:s T"


@register.filter(expects_localtime=True)
def iso_time(value) -> str:
    """`date:'c'` (an article's times in its page's head), the same text: a local time's `isoformat()`."""
    return value.isoformat() if isinstance(value, datetime.datetime) else date(value, "c")


@register.filter
def view_count(count) -> str:
    """An article's views as `{% blocktranslate count counter=… %}{{ counter }} view{% plural %}{{ counter }} views…`
    says them (the same message, so the same translation), by one `ngettext`: the tag flattens the context and
    renders its variable through the engine."""
    number = conditional_escape(localize(count))
    return mark_safe(ngettext("%(counter)s view", "%(counter)s views", count) % {"counter": number})  # noqa: S308 — as the tag


@register.filter
def xml_safe(value) -> str:
    """Text for an XML document (the news sitemap): the control characters XML 1.0 cannot carry dropped."""
    return xml_text(str(value))
