"""Writes: `manage.py flush_view_counts`: buffered views moved into popularity buckets and `view_count`; then the
Ranking's snapshot of the window's best summed again (`buckets.ranking_snapshot_refresh`)."""

from django.core.management.base import BaseCommand

from articles.engagement.buckets import ranking_snapshot_refresh
from articles.engagement.view_counts import view_counts_flush


class Command(BaseCommand):
    help = "Move buffered views from the cache into popularity buckets and view_count. Schedule every minute."

    def add_arguments(self, parser):
        parser.add_argument(
            "--lookback-hours",
            type=int,
            default=None,
            help="How many past hours of buffers to sweep (default: NEWSROOM_VIEW_BUFFER_LOOKBACK_HOURS).",
        )

    def handle(self, *args, lookback_hours=None, **options):
        result = view_counts_flush(lookback_hours=lookback_hours)
        ranking_snapshot_refresh()  # the Ranking's window sums, once a minute here rather than on a cold page
        self.stdout.write(f"Flushed {result.views} view(s) for {result.articles} article(s).")
