"""Writes: merge tags that differ only in case into the most used one (see articles/tags/merge.py)."""

from django.core.management.base import BaseCommand

from articles.tags.merge import tags_merge_case_duplicates


class Command(BaseCommand):
    help = "Merge tags whose names differ only in case into the most used one. --dry-run only lists them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would be merged; change nothing.")

    def handle(self, *args, dry_run: bool, **options) -> None:
        merges = tags_merge_case_duplicates(dry_run=dry_run)
        verb = "Would merge" if dry_run else "Merged"
        for merge in merges:
            names = ", ".join(f"“{name}”" for name in merge.merged)
            self.stdout.write(f"{verb} {names} into “{merge.kept}” ({merge.retagged} article(s) retagged).")
        if not merges:
            self.stdout.write("No tags differ only in case.")
