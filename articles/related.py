"""Related articles: the published articles sharing the most tags, newest first on ties, filled from the section."""

from django.db.models import Count, Max

from articles.models import Article, TaggedArticle
from articles.slices import union_all_in
from newsroom.cache import get_or_build, related_key

RELATED_LIMIT = 10
# Look at no more than this many tags of the article and this many newest articles per tag,
# so a tag on 100,000 articles costs the same as a tag on ten.
RELATED_TAGS_CONSIDERED = 20
RELATED_CANDIDATES_PER_TAG = 50
RELATED_CACHE_SECONDS = 300


def related_articles(*, article: Article, tag_ids: list[int], limit: int = RELATED_LIMIT) -> list[Article]:
    """Published articles sharing the most tags with `article`, newest first on ties; filled from its section.

    Bounded whatever a tag's size: candidates are at most RELATED_CANDIDATES_PER_TAG articles per tag, newest
    by id (a backward walk of the (tag, article) index that stops early; ordering by publish time would sort
    every article on the tag). At most three queries: shared-tag counts of the candidates, the top articles,
    and the same-section fill when fewer than `limit` share a tag.
    """
    published = Article.objects.published()
    tag_ids = sorted(tag_ids)[:RELATED_TAGS_CONSIDERED]
    # Cached briefly: a story published meanwhile joins within minutes; one unpublished meanwhile is
    # dropped at once by the `published` fetch below.
    ranked_ids = get_or_build(
        related_key(article.pk, limit, tag_ids),
        lambda: _most_shared_tags(article=article, tag_ids=tag_ids, limit=limit),
        RELATED_CACHE_SECONDS,
    )
    rank = {pk: i for i, pk in enumerate(ranked_ids)}
    related = sorted(published.filter(pk__in=ranked_ids).for_listing(), key=lambda a: rank[a.pk])
    if len(related) < limit:
        fill = (
            published.filter(section_id=article.section_id)
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
