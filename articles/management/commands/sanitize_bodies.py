"""Writes: clean every stored article body again with today's sanitiser (`articles.sanitize`).

A body is cleaned each time it is saved, so one stored before the sanitiser last tightened keeps what it had:
after the upgrade that drops images from hosts the CSP blocks (issue 11, finding 12), or after a media origin
is removed from the settings, such bodies show readers broken pictures until someone saves them. This command
cleans them all now, in small transactions, and purges the cached pages that show each changed story.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.media.services import body_uses_sync
from articles.models import Article
from articles.sanitize import sanitize_html
from articles.signals import reader_visible_update


class Command(BaseCommand):
    help = (
        "Clean every stored article body with the current sanitiser (bodies are cleaned on save; this reaches "
        "those saved before it changed) and purge the pages that show a changed one. Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument("--batch-size", type=int, default=500, help="Articles per transaction (default 500).")

    def handle(self, *args, dry_run: bool = False, batch_size: int = 500, **options):
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        changed: list[int] = []
        for start in range(0, len(ids), batch_size):
            with transaction.atomic():
                # Locked while cleaned: an editor's save in between waits, and is then cleaned by its own save.
                rows = Article.objects.select_for_update().filter(pk__in=ids[start : start + batch_size])
                for pk, body in rows.values_list("pk", "body"):
                    clean = sanitize_html(body)
                    if clean == body:
                        continue
                    changed.append(pk)
                    if not dry_run:
                        # Not a new version: the same story, with what the sanitiser no longer allows taken out.
                        reader_visible_update(Article.objects.filter(pk=pk), body=clean)  # purged after commit
                        body_uses_sync(article_id=pk, body=clean, before=body)  # a figure may have gone
        verb = "would change" if dry_run else "cleaned"
        self.stdout.write(f"{len(changed)} of {len(ids)} article bodies {verb}.")
        for pk in changed:
            self.stdout.write(f"  article {pk}")
