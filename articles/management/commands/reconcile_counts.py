"""Writes: `manage.py reconcile_counts`: vote and view counters recomputed from their rows, drift repaired."""

from django.core.management.base import BaseCommand

from articles.engagement.reconcile import counts_reconcile


class Command(BaseCommand):
    help = (
        "Recompute each article's vote_count from its vote rows and view_count from its popularity buckets, "
        "and report the drift repaired. Safe while the site takes traffic (one small transaction per article)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--article", type=int, action="append", dest="article_ids", help="Only this article id.")
        parser.add_argument("--skip-views", action="store_true", help="Only reconcile vote_count.")

    def handle(self, *args, article_ids=None, skip_views=False, **options):
        drifts = counts_reconcile(article_ids=article_ids, views=not skip_views)
        for drift in drifts:
            self.stdout.write(f"article {drift.article_id}: {drift.counter} {drift.was} -> {drift.now}")
        self.stdout.write(f"Fixed {len(drifts)} drifted counter(s)." if drifts else "No drift: all counters agree.")
