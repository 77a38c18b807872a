"""The reader widgets of a page — Related, Ranking, Recommendation — with no article twice and never the
page's own. Cached per page for a minute, and dropped after commit whenever content changes."""

from dataclasses import dataclass, field

from articles.engagement.ranking import rank_popular_articles
from articles.models import Article
from articles.related import related_articles
from articles.sections import section_descendant_ids, top_section_id
from articles.slices import articles_of_slices, newest_first
from newsroom.cache import get_or_build, widgets_key

# Widgets may lag a popularity change by this long; any edit to content drops them at once.
WIDGETS_CACHE_SECONDS = 60
RANKING_LIMIT = 8
RECOMMENDATION_LIMIT = 8


@dataclass
class Widgets:
    related: list[Article] = field(default_factory=list)
    ranking: list[Article] = field(default_factory=list)
    recommendation: list[Article] = field(default_factory=list)


def reader_widgets(*, article: Article | None = None, tag_ids: list[int] | None = None) -> Widgets:
    """The three widgets for an article page (or the front page, without Related)."""
    return get_or_build(
        widgets_key(article.pk if article else None),
        lambda: compute_reader_widgets(article=article, tag_ids=tag_ids),
        WIDGETS_CACHE_SECONDS,
    )


def compute_reader_widgets(*, article: Article | None = None, tag_ids: list[int] | None = None) -> Widgets:
    """Related is the most specific, so it picks first; Ranking then skips those; Recommendation skips both.

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
        section_id=top_section_id(article.section_id) if article else None,
    )
    return widgets


def recommended_articles(
    *, exclude_ids: set[int], popular: list[Article], section_id: int | None, limit: int = RECOMMENDATION_LIMIT
) -> list[Article]:
    """Editors' picks in their order, then popular and then recent articles from other sections. One query."""
    same_section = section_descendant_ids(section_id) if section_id else set()
    visible = Article.objects.published().exclude(pk__in=exclude_ids).for_listing()
    picks_and_recent = articles_of_slices(
        [
            visible.filter(is_editors_pick=True).order_by("editors_pick_order", "-published_at", "-id")[:limit],
            visible.filter(is_editors_pick=False)
            .exclude(section_id__in=same_section)
            .order_by("-published_at", "-id")[:limit],
        ]
    )
    picks = sorted(
        (a for a in picks_and_recent if a.is_editors_pick), key=lambda a: (a.editors_pick_order, *newest_first(a))
    )
    recent = sorted((a for a in picks_and_recent if not a.is_editors_pick), key=newest_first)
    chosen: list[Article] = []
    for candidate in [*picks[:limit], *(a for a in popular if a.section_id not in same_section), *recent[:limit]]:
        if len(chosen) == limit:
            break
        if candidate.pk not in exclude_ids and all(candidate.pk != c.pk for c in chosen):
            chosen.append(candidate)
    return chosen
