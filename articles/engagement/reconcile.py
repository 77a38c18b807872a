"""Writes: reconciliation: `vote_count` recomputed from vote rows and `view_count` from buckets; drift repaired."""

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import batched

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from articles.engagement.models import PopularityBucket, Vote
from articles.models import Article

RECONCILE_CHUNK = 500


@dataclass(frozen=True)
class CountDrift:
    article_id: int
    counter: str
    was: int
    now: int


def counts_reconcile(*, article_ids: Iterable[int] | None = None, views: bool = True) -> list[CountDrift]:
    """Recompute `vote_count` from vote rows and `view_count` from buckets; return the drift repaired.

    Articles are screened in chunks with one read-only query each (a statement sees one consistent snapshot,
    so a vote's row and its +1 are seen together); only suspects are then fixed, one small transaction per
    article with its row locked first: a vote or flush in flight either committed before (and is counted) or
    waits and applies its change on top of the corrected value.
    """
    ids = Article.objects.order_by("pk").values_list("pk", flat=True)
    if article_ids is not None:
        ids = ids.filter(pk__in=list(article_ids))
    drifts: list[CountDrift] = []
    for chunk in batched(ids.iterator(chunk_size=RECONCILE_CHUNK), RECONCILE_CHUNK):
        drifts += _reconcile_chunk(list(chunk), views=views)
    return drifts


def _sum_per_article(rows, aggregate):
    per_article = rows.filter(article_id=OuterRef("pk")).order_by().values("article_id").annotate(n=aggregate)
    return Coalesce(Subquery(per_article.values("n")), 0)


def _reconcile_chunk(chunk: list[int], *, views: bool) -> list[CountDrift]:
    screened = Article.objects.filter(pk__in=chunk).annotate(rows=_sum_per_article(Vote.objects, Count("pk")))
    drifted = ~Q(vote_count=F("rows"))
    if views:
        screened = screened.annotate(bucket_views=_sum_per_article(PopularityBucket.objects, Sum("views")))
        drifted |= ~Q(view_count=F("bucket_views"))
    drifts = []
    for article_id in screened.filter(drifted).values_list("pk", flat=True):
        drifts += _repair(article_id, views=views)
    return drifts


@transaction.atomic
def _repair(article_id: int, *, views: bool) -> list[CountDrift]:
    row = Article.objects.select_for_update().filter(pk=article_id).values("vote_count", "view_count").first()
    if row is None:
        return []
    changes = {}
    vote_rows = Vote.objects.filter(article_id=article_id).count()
    if vote_rows != row["vote_count"]:
        changes["vote_count"] = vote_rows
    if views:
        total = PopularityBucket.objects.filter(article_id=article_id).aggregate(v=Sum("views"))["v"] or 0
        if total != row["view_count"]:
            changes["view_count"] = total
    if changes:
        Article.objects.filter(pk=article_id).update(**changes)
    return [CountDrift(article_id, name, row[name], value) for name, value in changes.items()]
