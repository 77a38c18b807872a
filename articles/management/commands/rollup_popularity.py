"""Writes: `manage.py rollup_popularity`: old hourly buckets rolled into daily ones, expired ones into totals."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.engagement.buckets import popularity_prune, popularity_rollup


class Command(BaseCommand):
    help = (
        "Roll hourly popularity buckets older than NEWSROOM_POPULARITY_HOURLY_DAYS into daily ones, then fold buckets "
        "older than the retention period into each article's total. Schedule hourly (or at least daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--retention-days",
            type=int,
            default=settings.NEWSROOM_POPULARITY_RETENTION_DAYS,
            help="Keep hourly/daily buckets this many days (default: NEWSROOM_POPULARITY_RETENTION_DAYS).",
        )

    def handle(self, *args, retention_days: int, **options):
        if retention_days < settings.NEWSROOM_POPULARITY_HOURLY_DAYS:
            raise CommandError(f"--retention-days must be at least {settings.NEWSROOM_POPULARITY_HOURLY_DAYS}.")
        rolled = popularity_rollup()
        pruned = popularity_prune(retention_days=retention_days)
        self.stdout.write(f"Rolled {rolled} hourly bucket(s) into days; folded {pruned} expired bucket(s) into totals.")
