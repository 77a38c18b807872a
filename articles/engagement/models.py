"""Defines: the engagement feature's own tables: readers' votes, popularity buckets and the Ranking's snapshot (the
`engagement` app; the older tables keep the names they had in `articles`)."""

import datetime

from django.db import models


class PopularityBucket(models.Model):
    """Views and net votes of one article in one period. Storage grows with articles x periods, never with hits.

    Hourly buckets are written by the view flush and by votes; after two days they roll up into daily ones;
    buckets past retention fold into one `total` bucket per article, so the sum over an article's buckets
    always equals its all-time counts (what `reconcile_counts` checks `view_count` against).
    """

    class Granularity(models.TextChoices):
        HOUR = "hour", "Hour"
        DAY = "day", "Day"
        TOTAL = "total", "Total before retention"

    # The period of every `total` bucket: before any hour or day a bucket can cover.
    TOTAL_PERIOD_START = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

    # No index of its own: the unique constraint below starts with the article.
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="popularity_buckets", db_index=False
    )
    granularity = models.CharField(max_length=5, choices=Granularity, default=Granularity.HOUR)
    period_start = models.DateTimeField(help_text="Start of the hour or day (UTC) this bucket covers.")
    views = models.PositiveBigIntegerField(default=0)
    votes = models.BigIntegerField(default=0, help_text="Votes cast minus votes withdrawn in this period.")

    class Meta:
        db_table = "articles_popularitybucket"  # from before engagement was an app of its own
        constraints = [
            models.UniqueConstraint(fields=["article", "granularity", "period_start"], name="popularity_bucket_unique"),
        ]
        indexes = [
            # Covers the ranking's window sums (and the rollup's age scan): the window's buckets are one range of
            # this index, read without visiting the table, so the cost follows the window's rows, not how the
            # table is laid out (at 100,000 articles the window's 10,000 rows sat on 2,400 table pages).
            # Plain key columns rather than INCLUDE, so SQLite's index covers the query too.
            models.Index(
                fields=["period_start", "article", "granularity", "views", "votes"], name="popularity_window_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.granularity} {self.period_start:%Y-%m-%d %H:%M}: {self.views}v {self.votes}+"

    @staticmethod
    def hour_of(moment: datetime.datetime) -> datetime.datetime:
        """Start of the UTC hour `moment` falls in: the period of its hourly bucket."""
        return moment.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)

    @staticmethod
    def day_of(moment: datetime.datetime) -> datetime.datetime:
        """Start of the UTC day `moment` falls in: the period of its daily bucket."""
        return moment.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


class Vote(models.Model):
    """One reader's vote on one article. The unique key is what makes counts exact."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="votes")
    voter_key = models.CharField(
        max_length=64, help_text="`u:<user id>` for signed-in readers, otherwise `a:<random id>` from a signed cookie."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "articles_vote"  # from before engagement was an app of its own (engagement/migrations/0001)
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["article", "voter_key"], name="vote_one_per_voter")]

    def __str__(self) -> str:
        return f"{self.voter_key} → {self.article_id}"


class RankingSnapshot(models.Model):
    """The window's best stories by points, summed from the buckets by the minute's view flush
    (`buckets.ranking_snapshot_refresh`): the site-wide Ranking, rebuilt with every cache empty, reads them through
    an index instead of summing the window's buckets, whose number grows with the window's activity. Derived data:
    rebuilt whole every minute, never exported."""

    window_seconds = models.PositiveIntegerField()
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+", db_index=False)
    score = models.FloatField()
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["window_seconds", "-score", "-article"], name="ranking_snapshot_best_idx")]

    def __str__(self) -> str:
        return f"{self.window_seconds}s: {self.article_id} {self.score}"
