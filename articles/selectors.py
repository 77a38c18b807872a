"""Reads for reader pages. Each returns data at a fixed query cost, whatever the data size."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import NamedTuple
from uuid import uuid4

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Category, TaggedArticle
from articles.popularity import rank_popular_articles
from articles.sections import category_descendant_ids, category_path, category_tree

CONTENT_VERSION_KEY = "articles:content-version"
# Widgets may lag a popularity change by this long; any edit to content drops them at once.
WIDGETS_CACHE_SECONDS = 60

RELATED_LIMIT = 10
RANKING_LIMIT = 8
RECOMMENDATION_LIMIT = 8
# Related: look at no more than this many tags of the article and this many newest articles per tag,
# so a tag on 100,000 articles costs the same as a tag on ten.
RELATED_TAGS_CONSIDERED = 20
RELATED_CANDIDATES_PER_TAG = 50
RELATED_CACHE_SECONDS = 300
SECTION_BLOCK_SIZE = 4
SEARCH_MAX_LENGTH = 100


class Crumb(NamedTuple):
    name: str
    url: str


def absolute_url(request, path: str) -> str:
    """`path` on the site's public domain (django.contrib.sites), as sitemaps and feeds build their links."""
    return f"{request.scheme}://{get_current_site(request).domain}{path}"


def category_by_slug(slug: str) -> Category | None:
    return next((c for c in category_tree().values() if c.slug == slug), None)


def top_section_id(category_id: int) -> int | None:
    path = category_path(category_id)
    return path[0].pk if path else None


def main_sections() -> list[Category]:
    return [c for c in category_tree().values() if c.parent_id is None]


def breadcrumb_for_category(category_id: int) -> list[Crumb]:
    home = Crumb("Home", reverse("articles:home"))
    return [home, *(Crumb(c.name, c.get_absolute_url()) for c in category_path(category_id))]


def latest_articles(*, category: Category | None = None):
    articles = Article.objects.published().for_listing()
    if category is not None:
        articles = articles.filter(category_id__in=category_descendant_ids(category.pk))
    return articles


def section_blocks(*, size: int = SECTION_BLOCK_SIZE) -> list[tuple[Category, list[Article]]]:
    """The newest `size` articles of each main section (sub-sections included), in one query."""
    sections = main_sections()
    if not sections:
        return []
    articles = _union_of_slices([latest_articles(category=s).order_by("-published_at", "-id")[:size] for s in sections])
    blocks = []
    for section in sections:
        ids = category_descendant_ids(section.pk)
        items = sorted((a for a in articles if a.category_id in ids), key=_newest_first)[:size]
        if items:
            blocks.append((section, items))
    return blocks


def _newest_first(article: Article) -> tuple:
    return (-article.published_at.timestamp(), -article.pk)


def union_all_in(slices: list[QuerySet]):
    """A right-hand side for `__in` taking the rows of several sliced one-column querysets, each slice using
    its own index.

    PostgreSQL: UNION ALL of the slices. SQLite refuses a sliced query directly inside a UNION but takes one
    wrapped in `SELECT * FROM (…)`. (An OR of IN-subqueries, the obvious alternative, makes SQLite walk the
    whole article index: 22 ms at 10,000 articles, ten times that at 100,000.)
    """
    if connection.features.supports_slicing_ordering_in_compound:
        return slices[0].union(*slices[1:], all=True) if len(slices) > 1 else slices[0]
    parts, params = [], []
    for piece in slices:
        sql, piece_params = piece.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql})")  # noqa: S608 — SQL compiled by the ORM, values are parameters
        params.extend(piece_params)
    return RawSQL(" UNION ALL ".join(parts), params)  # noqa: S611 — the same ORM-compiled SQL


def _union_of_slices(slices: list[QuerySet]) -> list[Article]:
    """Rows of several sliced Article querysets in one query."""
    if connection.features.supports_slicing_ordering_in_compound:
        return list(slices[0].union(*slices[1:], all=True)) if len(slices) > 1 else list(slices[0])
    ids = union_all_in([piece.values("pk") for piece in slices])
    return list(Article.objects.filter(pk__in=ids).for_listing())


def related_articles(*, article: Article, tag_ids: list[int], limit: int = RELATED_LIMIT) -> list[Article]:
    """Published articles sharing the most tags with `article`, newest first on ties; filled from its category.

    Bounded whatever a tag's size: candidates are at most RELATED_CANDIDATES_PER_TAG articles per tag, newest
    by id (a backward walk of the (tag, article) index that stops early; ordering by publish time would sort
    every article on the tag). At most three queries: shared-tag counts of the candidates, the top articles,
    and the same-section fill when fewer than `limit` share a tag.
    """
    published = Article.objects.published()
    tag_ids = sorted(tag_ids)[:RELATED_TAGS_CONSIDERED]
    # Cached briefly: a story published meanwhile joins within minutes; one unpublished meanwhile is
    # dropped at once by the `published` fetch below. Retagging this article changes the key.
    key = f"articles:related:v1:{article.pk}:{limit}:{','.join(map(str, tag_ids))}"
    ranked_ids = cache.get(key)
    if ranked_ids is None:
        ranked_ids = _most_shared_tags(article=article, tag_ids=tag_ids, limit=limit)
        cache.set(key, ranked_ids, RELATED_CACHE_SECONDS)
    rank = {pk: i for i, pk in enumerate(ranked_ids)}
    related = sorted(published.filter(pk__in=ranked_ids).for_listing(), key=lambda a: rank[a.pk])
    if len(related) < limit:
        fill = (
            published.filter(category_id=article.category_id)
            .exclude(pk__in=[article.pk, *ranked_ids])
            .for_listing()
            .order_by("-published_at", "-id")
        )
        related += list(fill[: limit - len(related)])
    return related


def _most_shared_tags(*, article: Article, tag_ids: list[int], limit: int) -> list[int]:
    """Ids of the published articles sharing most of `tag_ids`, among the newest few per tag. One query."""
    if not tag_ids:
        return []
    per_tag = [
        TaggedArticle.objects.filter(tag_id=tag_id, content_object__in=Article.objects.published())
        .exclude(content_object_id=article.pk)
        .order_by("-content_object_id")
        .values_list("content_object_id", flat=True)[:RELATED_CANDIDATES_PER_TAG]
        for tag_id in tag_ids
    ]
    # One semi-join against the union of the per-tag slices (index lookups only).
    candidates = union_all_in(per_tag)
    return list(
        TaggedArticle.objects.filter(content_object_id__in=candidates, tag_id__in=tag_ids)
        .values("content_object_id")
        .annotate(shared=Count("id"), newest=Max("content_object__published_at"))
        .order_by("-shared", "-newest", "-content_object_id")
        .values_list("content_object_id", flat=True)[:limit]
    )


@dataclass
class Widgets:
    related: list[Article] = field(default_factory=list)
    ranking: list[Article] = field(default_factory=list)
    recommendation: list[Article] = field(default_factory=list)


def content_version() -> str:
    """A token that changes whenever an article, its tags or a section changes (see `articles.signals`)."""
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        cache.add(CONTENT_VERSION_KEY, uuid4().hex, None)
        version = cache.get(CONTENT_VERSION_KEY)
    return version


def content_changed() -> None:
    """Drop every cached widget at once: the next page view computes them afresh."""
    cache.set(CONTENT_VERSION_KEY, uuid4().hex, None)


def reader_widgets(*, article: Article | None = None, tag_ids: list[int] | None = None) -> Widgets:
    """The three widgets for a page, cached briefly and dropped whenever content changes."""
    key = f"articles:widgets:{content_version()}:{article.pk if article else 'front'}"
    widgets = cache.get(key)
    if widgets is None:
        widgets = compute_reader_widgets(article=article, tag_ids=tag_ids)
        cache.set(key, widgets, WIDGETS_CACHE_SECONDS)
    return widgets


def compute_reader_widgets(*, article: Article | None = None, tag_ids: list[int] | None = None) -> Widgets:
    """Related (article pages only), Ranking and Recommendation, with no article twice and never `article`.

    Related is the most specific, so it picks first; Ranking then skips those; Recommendation skips both.
    One ranking query serves Ranking and Recommendation's popular fill.
    """
    widgets = Widgets()
    used: set[int] = set()
    if article is not None:
        used.add(article.pk)
        widgets.related = related_articles(article=article, tag_ids=tag_ids or [])
        used.update(a.pk for a in widgets.related)

    popular = rank_popular_articles(limit=RANKING_LIMIT + RECOMMENDATION_LIMIT + len(used), exclude_ids=used)
    popular = [a for a in popular if a.pk not in used]
    widgets.ranking = popular[:RANKING_LIMIT]
    used.update(a.pk for a in widgets.ranking)

    widgets.recommendation = recommended_articles(
        exclude_ids=used,
        popular=popular[RANKING_LIMIT:],
        section_id=top_section_id(article.category_id) if article else None,
    )
    return widgets


def recommended_articles(
    *, exclude_ids: set[int], popular: list[Article], section_id: int | None, limit: int = RECOMMENDATION_LIMIT
) -> list[Article]:
    """Editors' picks in their order, then popular and then recent articles from other sections. One query."""
    same_section = category_descendant_ids(section_id) if section_id else set()
    visible = Article.objects.published().exclude(pk__in=exclude_ids).for_listing()
    picks_and_recent = _union_of_slices(
        [
            visible.filter(is_editors_pick=True).order_by("editors_pick_order", "-published_at", "-id")[:limit],
            visible.filter(is_editors_pick=False)
            .exclude(category_id__in=same_section)
            .order_by("-published_at", "-id")[:limit],
        ]
    )
    picks = sorted(
        (a for a in picks_and_recent if a.is_editors_pick), key=lambda a: (a.editors_pick_order, *_newest_first(a))
    )
    recent = sorted((a for a in picks_and_recent if not a.is_editors_pick), key=_newest_first)
    chosen: list[Article] = []
    for candidate in [*picks[:limit], *(a for a in popular if a.category_id not in same_section), *recent[:limit]]:
        if len(chosen) == limit:
            break
        if candidate.pk not in exclude_ids and all(candidate.pk != c.pk for c in chosen):
            chosen.append(candidate)
    return chosen


def clean_search_query(raw: str) -> tuple[str, bool]:
    """The query readers typed, trimmed and capped; and whether it had to be shortened."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw)  # NUL and control characters
    query = " ".join(printable.split())
    return query[:SEARCH_MAX_LENGTH], len(query) > SEARCH_MAX_LENGTH


def search_articles(query: str):
    """Published articles matching `query`, best first.

    PostgreSQL: full-text search weighted title > summary > body, ranked. Elsewhere (SQLite): every word
    must appear in the title, summary or body, newest first.
    """
    articles = Article.objects.published().for_listing()
    if not query:
        return articles.none()
    if connection.vendor == "postgresql":
        # `search_document` is the stored, GIN-indexed weighted vector (migration 0005 keeps it current).
        search_query = SearchQuery(query, search_type="websearch", config="english")
        return (
            articles.filter(search_document=search_query)
            .annotate(rank=SearchRank(F("search_document"), search_query))
            .order_by("-rank", "-published_at", "-id")
        )
    for word in query.split()[:10]:
        articles = articles.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word))
    return articles.order_by("-published_at", "-id")


def news_sitemap_articles(*, hours: int = 48, limit: int = 1000):
    since = timezone.now() - timedelta(hours=hours)
    return Article.objects.published().filter(published_at__gte=since).order_by("-published_at")[:limit]
