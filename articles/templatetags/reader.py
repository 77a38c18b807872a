"""Reads: reader-page widgets (each with its own template under articles/includes/) and SEO helpers."""

import datetime
import json

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from articles import sections, seo
from articles.feeds import xml_text
from articles.models import Article
from newsroom import cached_reverse

register = template.Library()

# The characters that could end a <script> element or open a comment inside one (as json_script escapes).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.inclusion_tag("articles/includes/related.html")
def related_widget(articles: list[Article]) -> dict:
    return {"articles": articles}


@register.inclusion_tag("articles/includes/ranking.html")
def ranking_widget(
    articles: list[Article], heading: str | None = None, heading_id: str = "ranking-heading", empty_message: str = ""
) -> dict:
    return {
        "articles": articles,
        "heading": heading or _("Ranking"),
        "heading_id": heading_id,
        "empty_message": empty_message,
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
    published = item.published_at
    if published is not None and timezone.is_aware(published):
        published = timezone.localtime(published)
    return format_html(
        '<a href="{}">{}</a>\n<span class="meta">{} · <time datetime="{}">{}</time></span>\n',
        item.get_absolute_url(),
        item.title,
        item.section.name,
        machine_time(published),
        f"{published.year:04d}-{published.month:02d}-{published.day:02d}" if published else "",
    )


@register.simple_tag
def section_nav(section_id: int | None = None) -> str:
    """The header's section menu: rendered once per section and shared by every page of it."""
    return sections.section_nav(section_id=section_id or None)


@register.simple_tag(takes_context=True)
def article_json_ld(context, article: Article) -> str:
    """A NewsArticle JSON-LD data block, escaped so editor text can never close the script element."""
    data = seo.article_json_ld(context["request"], context["site"], article)
    payload = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    # A data block, never executed: it needs no nonce, so the page stays the same for every reader.
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload),  # noqa: S308 — escaped above, as json_script does
    )


@register.inclusion_tag("articles/includes/site_card.html", takes_context=True)
def site_card(context) -> dict:
    """A page of no single story: the site's card for link previews (an absolute URL, as og:image wants)."""
    width, height = seo.SITE_CARD_SIZE
    return {"url": seo.static_url(context["request"], seo.SITE_CARD), "width": width, "height": height}


@register.filter(expects_localtime=True)
def machine_time(value: datetime.datetime | None) -> str:
    """A `<time datetime>` value: ISO 8601 in whole seconds (`date:'c'` adds microseconds, which HTML refuses)."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()


@register.filter
def xml_safe(value) -> str:
    """Text for an XML document (the news sitemap): the control characters XML 1.0 cannot carry dropped."""
    return xml_text(str(value))
