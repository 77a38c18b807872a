"""Reads: rankings from popularity buckets: one bounded aggregate query, cached for about a minute.

The cost depends on the number of articles with buckets in the window (at most 48 hourly + one daily bucket
per day each), never on how many votes or views there were, nor on the archive: the window's buckets are one
range of the covering index `popularity_window_idx`, summed without reading the table
(docs/ranking-benchmark.md).
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections
from django.db.models import Case, ExpressionWrapper, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from articles.engagement.models import PopularityBucket, RankingSnapshot
from articles.models import Article, Section
from articles.sections import section_descendant_ids
from articles.slices import newest_first
from newsroom.cache import FRONT, ranking_key, shows_list, shows_section_list
from newsroom.cache_entries import get_or_build

# Cache this many more candidates than asked for, so excluding the current article and its Related list
# (≤ 11 ids) is done in Python from the cached list instead of by a new query per page.
CANDIDATE_MARGIN = 24
TRENDING_BANDS = 24  # the decay is applied in this many steps across the window
# Site-wide, the window's best are summed without checking which are rankable, this many more than needed.
ACTIVITY_MARGIN = 50
# The site-wide rankings over these windows are also kept summed, every minute, by the view flush
# (`buckets.ranking_snapshot_refresh`): their best SNAPSHOT_SIZE, read through an index while the snapshot is
# younger than SNAPSHOT_FRESH_SECONDS (the flush runs every minute), summed from the buckets otherwise — in the
# same query, so a site without the job pays no query more (`_from_snapshot_or`).
SNAPSHOT_WINDOWS = (timedelta(days=7),)
SNAPSHOT_SIZE = 500
SNAPSHOT_FRESH_SECONDS = 150


def _ranked_list(*, section: Section | None = None, **options) -> list[str]:
    """A ranking is a list over its section (or the whole site): what joins it is what joins that list."""
    return [shows_section_list(section.pk) if section is not None else FRONT]


@shows_list(_ranked_list)
def rank_popular_articles(
    *,
    window: timedelta | None = timedelta(days=7),
    limit: int = 8,
    section: Section | None = None,
    exclude_ids: Iterable[int] = (),
) -> list[Article]:
    """Most popular published articles over a trailing window (None: all time); pinned ones first.

    Score = views * NEWSROOM_POPULARITY_VIEW_WEIGHT + net votes * NEWSROOM_POPULARITY_VOTE_WEIGHT; ties go to
    the newest.
    Articles excluded from ranking, unpublished ones and `exclude_ids` never appear.
    """
    return _ranked(window=window, half_life=None, limit=limit, section=section, exclude_ids=exclude_ids)


@shows_list(_ranked_list)
def rank_trending_articles(
    *,
    window: timedelta = timedelta(days=3),
    half_life: timedelta | None = None,
    limit: int = 8,
    section: Section | None = None,
    exclude_ids: Iterable[int] = (),
) -> list[Article]:
    """Like `rank_popular_articles`, but a view or vote counts half as much every `half_life` ago (time decay)."""
    half_life = half_life or timedelta(hours=settings.NEWSROOM_POPULARITY_TRENDING_HALF_LIFE_HOURS)
    return _ranked(window=window, half_life=half_life, limit=limit, section=section, exclude_ids=exclude_ids)


def _ranked(*, window, half_life, limit, section, exclude_ids) -> list[Article]:
    if limit <= 0:
        return []
    exclude = {int(pk) for pk in exclude_ids}
    section_ids = _section_ids(section)
    key = ranking_key(
        window=int(window.total_seconds()) if window else None,
        half_life=int(half_life.total_seconds()) if half_life else None,
        section_id=section.pk if section else None,
        limit=limit,
        weights=f"{settings.NEWSROOM_POPULARITY_VIEW_WEIGHT}:{settings.NEWSROOM_POPULARITY_VOTE_WEIGHT}",
    )
    size = limit + CANDIDATE_MARGIN
    built: list[Article] = []

    def build() -> dict:
        built.extend(_ranking(window, half_life, section_ids, exclude=(), limit=size))
        return {"ids": [a.pk for a in built], "complete": len(built) < size}

    cached = get_or_build(key, build, settings.NEWSROOM_POPULARITY_CACHE_SECONDS)
    if built:  # computed just now: the articles are loaded already
        return [a for a in built if a.pk not in exclude][:limit]
    ids = [pk for pk in cached["ids"] if pk not in exclude][:limit]
    if len(ids) < limit and not cached["complete"]:
        return _ranking(window, half_life, section_ids, exclude=exclude, limit=limit)
    # Re-check visibility: an article unpublished within the cache lifetime drops out at once.
    found = _rankable(None).for_listing().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _section_ids(section: Section | None) -> list[int] | None:
    return sorted(section_descendant_ids(section.pk)) if section is not None else None


def _rankable(section_ids: list[int] | None):
    articles = Article.objects.published().filter(exclude_from_ranking=False)
    return articles.filter(section_id__in=section_ids) if section_ids is not None else articles


def _ranking(window, half_life, section_ids, *, exclude, limit: int) -> list[Article]:
    """Pinned first, then activity in the window (from buckets), then newcomers by all-time score.

    Two queries, each bounded by the window's activity, never by the archive: the buckets of the window are
    summed per article first (best few kept); then one fetch of those that are rankable, together with pinned
    ones and — only when the active ones are too few — the newest stories published in the window that have
    no recorded activity yet (a fresh site, a story published a minute ago). When too many of the window's
    best turn out not to be rankable (unpublished, excluded), it ranks again with the filter inside the sums.
    """
    ranked = _ranking_from(window, half_life, section_ids, exclude=exclude, limit=limit, filtered=False)
    if ranked is None:
        ranked = _ranking_from(window, half_life, section_ids, exclude=exclude, limit=limit, filtered=True)
    return ranked


def _ranking_from(window, half_life, section_ids, *, exclude, limit: int, filtered: bool) -> list[Article] | None:
    now = timezone.now()
    pinned = Q(ranking_pinned_until__gt=now)
    rankable = _rankable(section_ids).exclude(pk__in=exclude)
    # Over the whole site, sum the window's buckets alone and keep a margin: joining the sums to the rankable
    # articles made PostgreSQL scan every article (90 ms at 100,000 articles, against 8 ms for the sums).
    # A section's ranking filters inside the sums (its own few articles).
    unfiltered = section_ids is None and not filtered
    wanted = limit + ACTIVITY_MARGIN if unfiltered else limit
    if window is None:  # all time: from the counters (a full sort; no page uses it)
        scores: dict[int, float] = {}
        candidates = rankable
    else:
        since = now - window
        in_sums = None if unfiltered else rankable
        snapshot = unfiltered and half_life is None and window in SNAPSHOT_WINDOWS and wanted <= SNAPSHOT_SIZE
        scores = _window_scores(
            in_sums, since=since, now=now, half_life=half_life, window=window, limit=wanted, snapshot=snapshot
        )
        # Newcomers fill in when the window's activity may not fill the list (then all of it is in `scores`).
        newcomers = Q(published_at__gte=since) if len(scores) < wanted else Q(pk__in=[])
        candidates = rankable.filter(Q(pk__in=list(scores)) | pinned | newcomers)
    articles = list(
        candidates.for_listing()
        .annotate(
            is_pinned=Case(When(pinned, then=Value(1)), default=Value(0)),
            is_active=Case(When(pk__in=list(scores), then=Value(1)), default=Value(0)),
            all_time_score=_score(F("view_count"), F("vote_count")),
        )
        .order_by("-is_pinned", "-is_active", "-all_time_score", "-published_at", "-pk")[: limit + len(scores)]
    )
    active = sum(1 for a in articles if a.is_active)
    if unfiltered and window is not None and active < limit and len(scores) == wanted:
        return None  # too many of the window's best are not rankable, and its activity goes on past the margin

    def rank(article: Article) -> tuple:
        return (-article.is_pinned, -scores.get(article.pk, 0), -article.all_time_score, *newest_first(article))

    return sorted(articles, key=rank)[:limit]


def _score(views, votes) -> ExpressionWrapper:
    """views * view weight + votes * vote weight, in floating point (PostgreSQL summed the window's buckets
    as `numeric` otherwise: 36 ms against 22 ms for 10,000 buckets)."""
    weights = [
        Cast(Value(w), FloatField())
        for w in (settings.NEWSROOM_POPULARITY_VIEW_WEIGHT, settings.NEWSROOM_POPULARITY_VOTE_WEIGHT)
    ]
    points = Cast(views, FloatField()) * weights[0] + Cast(votes, FloatField()) * weights[1]
    return ExpressionWrapper(points, output_field=FloatField())


def best_in_window(window: timedelta, *, now: datetime, limit: int) -> dict[int, float]:
    """The whole site's best `limit` stories by points in the trailing `window`, summed from its buckets."""
    return _window_scores(None, since=now - window, now=now, half_life=None, window=window, limit=limit)


def _window_scores(rankable, *, since, now, half_life, window, limit: int, snapshot=False) -> dict[int, float]:
    """The best `limit` articles by points in the window, summed from its buckets: {article id: score}.

    Only `rankable` articles when given; every article with activity in the window when None. With `snapshot`,
    the same query reads them from the snapshot while it is fresh (`_from_snapshot_or`): no query more either way."""
    in_window = _in_window(since)
    points = _score(F("views"), F("votes"))
    if half_life is not None:
        points = ExpressionWrapper(points * _decay(now, window, half_life), output_field=FloatField())
    buckets = PopularityBucket.objects.filter(in_window)
    if rankable is not None:
        buckets = buckets.filter(article__in=rankable)
    rows = (
        buckets.values("article_id")
        .annotate(score=Sum(points))
        .filter(score__gt=0)
        .order_by("-score", "-article_id")  # ties: newest first, sorted again by publish time afterwards
        .values_list("article_id", "score")[:limit]
    )
    return _from_snapshot_or(rows, window=window, now=now, limit=limit) if snapshot else dict(rows)


def _from_snapshot_or(summed, *, window: timedelta, now: datetime, limit: int) -> dict[int, float]:
    """The snapshot's best `limit` of `window` while it is younger than `SNAPSHOT_FRESH_SECONDS` (an index range),
    else the window's sums (`summed`), in one query: the sums run only when the snapshot gives no row (PostgreSQL
    gates them on the `NOT EXISTS`, evaluated once)."""
    fresh = RankingSnapshot.objects.filter(
        window_seconds=int(window.total_seconds()), computed_at__gte=now - timedelta(seconds=SNAPSHOT_FRESH_SECONDS)
    )
    kept = fresh.order_by("-score", "-article_id").values_list("article_id", "score")[:limit]
    kept_sql, kept_params = kept.query.sql_with_params()
    summed_sql, summed_params = summed.query.sql_with_params()
    sql = (
        f"SELECT * FROM ({kept_sql}) AS kept UNION ALL SELECT * FROM ({summed_sql}) AS summed"  # noqa: S608 — ORM SQL
        f" WHERE NOT EXISTS ({kept_sql})"
    )
    with connections[summed.db].cursor() as cursor:
        cursor.execute(sql, [*kept_params, *summed_params, *kept_params])
        return {article_id: score for article_id, score in cursor.fetchall()}


def _in_window(since: datetime) -> Q:
    """Hourly buckets from the hour of `since`, daily ones from its day: written as one range of
    `period_start` (from the day) so the window is a single scan of the covering index `popularity_window_idx`
    (two OR-ed ranges made PostgreSQL combine bitmaps and read the table)."""
    hour = PopularityBucket.Granularity.HOUR
    day = PopularityBucket.Granularity.DAY
    from_hour = Q(granularity=hour, period_start__gte=PopularityBucket.hour_of(since))
    return Q(period_start__gte=PopularityBucket.day_of(since)) & (Q(granularity=day) | from_hour)


def _decay(now: datetime, window: timedelta, half_life: timedelta) -> Case:
    """A step approximation of 0.5 ** (age / half_life): portable SQL, no vendor date arithmetic."""
    band = window / TRENDING_BANDS
    whens = []
    for n in range(TRENDING_BANDS):
        middle_age = band * (n + 0.5)
        whens.append(When(period_start__gte=now - band * (n + 1), then=Value(0.5 ** (middle_age / half_life))))
    return Case(*whens, default=Value(0.5 ** (window / half_life)), output_field=FloatField())


def window_rank(*, article_id: int, window: timedelta = timedelta(days=1)) -> int | None:
    """Where a story stands among rankable ones by points over the trailing `window` (1 = first), from the
    window's buckets as the rankings sum them (pinned stories not put first); None without points in it.
    For the desk's story form: two aggregate queries over the window's buckets, not cached."""
    now = timezone.now()
    rankable = PopularityBucket.objects.filter(_in_window(now - window), article__in=_rankable(None))
    scores = rankable.values("article_id").annotate(score=Sum(_score(F("views"), F("votes")))).order_by()
    mine = scores.filter(article_id=article_id).values_list("score", flat=True).first()
    if not mine or mine <= 0:
        return None
    return scores.filter(score__gt=mine).count() + 1
