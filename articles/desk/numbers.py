"""Reads: the numbers editors ask for — a story's views and votes by hour since publication (by day once it is
older than its hourly buckets), and its rank today — from the popularity buckets (articles/engagement/), one
query each, never a third-party script (the chart is drawn server-side: `articles.desk.charts`)."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from articles.engagement.models import PopularityBucket
from articles.engagement.ranking import window_rank
from articles.models import Article

HOUR, DAY = datetime.timedelta(hours=1), datetime.timedelta(days=1)
HOURLY_FOR = datetime.timedelta(hours=48)  # hourly buckets are kept at least this long (then they roll into days)
MOST_POINTS = 90  # a longer life is shown as its last 90 days


@dataclass(frozen=True)
class Point:
    start: datetime.datetime  # the hour or day (UTC) this point covers
    views: int
    votes: int


@dataclass(frozen=True)
class StorySeries:
    step: datetime.timedelta  # HOUR or DAY
    points: tuple[Point, ...]

    @property
    def views(self) -> int:
        return sum(p.views for p in self.points)

    @property
    def votes(self) -> int:
        return sum(p.votes for p in self.points)

    @property
    def busiest(self) -> Point | None:
        best = max(self.points, key=lambda p: p.views, default=None)
        return best if best is not None and best.views > 0 else None

    @property
    def unit(self) -> str:
        return "hour" if self.step == HOUR else "day"


def _periods(published_at: datetime.datetime, now: datetime.datetime) -> tuple[datetime.timedelta, list]:
    """The hours (or, for an older story, the days) from publication to now, oldest first."""
    step = HOUR if now - published_at <= HOURLY_FOR else DAY
    first = PopularityBucket.hour_of(published_at) if step == HOUR else PopularityBucket.day_of(published_at)
    last = PopularityBucket.hour_of(now) if step == HOUR else PopularityBucket.day_of(now)
    count = min(int((last - first) / step) + 1, MOST_POINTS if step == DAY else int(HOURLY_FOR / HOUR) + 1)
    return step, [last - step * n for n in reversed(range(count))]


def series_for(articles: Iterable[Article], *, now: datetime.datetime | None = None) -> dict[int, StorySeries]:
    """Each published story's series (one query for all of them); unpublished ones have none."""
    now = now or timezone.now()
    shapes = {a.pk: _periods(a.published_at, now) for a in articles if a.published_at and a.published_at <= now}
    if not shapes:
        return {}
    since = min(periods[0] for _, periods in shapes.values())
    rows = PopularityBucket.objects.filter(
        article_id__in=list(shapes),
        granularity__in=[PopularityBucket.Granularity.HOUR, PopularityBucket.Granularity.DAY],
        period_start__gte=PopularityBucket.day_of(since),
    ).values_list("article_id", "granularity", "period_start", "views", "votes")
    sums: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for article_id, granularity, start, views, votes in rows:
        step, _ = shapes[article_id]
        if step == DAY or granularity == PopularityBucket.Granularity.HOUR:
            key = PopularityBucket.day_of(start) if step == DAY else start
            sums[article_id][key][0] += views
            sums[article_id][key][1] += votes
    return {
        pk: StorySeries(step, tuple(Point(s, *sums[pk].get(s, (0, 0))) for s in periods))
        for pk, (step, periods) in shapes.items()
    }


@dataclass(frozen=True)
class StoryNumbers:
    series: StorySeries
    rank_today: int | None  # among stories ranked by the last 24 hours' reads and votes; None: not ranked
    ranked: bool  # False: kept out of the ranking by an editor


def story_numbers(article: Article) -> StoryNumbers | None:
    """The admin form's chart and rank, for a story that is live (None before)."""
    series = series_for([article]).get(article.pk)
    if series is None or article.status != Article.Status.PUBLISHED:
        return None
    rank = None if article.exclude_from_ranking else window_rank(article_id=article.pk, window=DAY)
    return StoryNumbers(series=series, rank_today=rank, ranked=not article.exclude_from_ranking)
