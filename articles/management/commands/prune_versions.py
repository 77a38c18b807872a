"""Writes: `manage.py prune_versions`: old article versions deleted (the newest N and the last of each day kept)."""

from django.core.management.base import BaseCommand, CommandError

from articles.desk.prune import versions_prune


class Command(BaseCommand):
    help = (
        "Prune old article versions: per article keep the newest --keep versions and, older than those, the "
        "last version of each day (in TIME_ZONE). Safe to run any time; schedule it nightly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep", type=int, default=50, help="Newest versions kept per article (default 50).")
        parser.add_argument("--dry-run", action="store_true", help="Only say how many revisions would go.")

    def handle(self, *args, keep=50, dry_run=False, **options):
        try:
            count = versions_prune(keep_last=keep, dry_run=dry_run)
        except ValueError as error:
            raise CommandError(str(error)) from error
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {count} old revision(s).")
