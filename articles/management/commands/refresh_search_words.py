"""Writes: `manage.py refresh_search_words`: the words search suggests, rebuilt from published stories."""

from django.core.management.base import BaseCommand

from articles.search_hints import search_words_refresh


class Command(BaseCommand):
    help = (
        'Rebuild the words search suggests ("did you mean") from the published stories. PostgreSQL only. '
        "Schedule hourly."
    )

    def handle(self, *args, **options):
        words = search_words_refresh()
        self.stdout.write(f"Search suggestions: {words} word(s).")
