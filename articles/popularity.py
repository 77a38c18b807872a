from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

from articles.models import Article, Category


def rank_popular_articles(
    *,
    window: timedelta | None = timedelta(days=7),
    limit: int = 8,
    category: Category | None = None,
    exclude_ids: Iterable[int] = (),
) -> list[Article]:
    """Most popular published articles first (ties: newest first), never those excluded from ranking.

    `window` keeps articles published within that trailing period (None: all time); `category` includes
    its sub-sections. Ranks by the denormalised vote count until popularity buckets exist. One query.
    """
    from articles.selectors import category_descendant_ids

    articles = Article.objects.published().filter(exclude_from_ranking=False).select_related("category")
    if window is not None:
        articles = articles.filter(published_at__gte=timezone.now() - window)
    if category is not None:
        articles = articles.filter(category_id__in=category_descendant_ids(category.pk))
    exclude_ids = list(exclude_ids)
    if exclude_ids:
        articles = articles.exclude(pk__in=exclude_ids)
    return list(articles.order_by("-vote_count", "-published_at", "-id")[:limit])
