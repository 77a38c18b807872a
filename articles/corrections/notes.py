"""Reads: a story's correction notes as readers see them: on the page, in the feeds and in the JSON-LD."""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext

from articles.corrections.models import Correction
from articles.models import Article


def notes_of(article: Article) -> list[Correction]:
    """The story's correction notes, oldest first: one query for a story ever corrected (`corrected_at`), none
    for the others or when prefetched (the feeds), kept on the article so the page and its JSON-LD share it."""
    if not hasattr(article, "_correction_notes"):
        prefetched = "corrections" in getattr(article, "_prefetched_objects_cache", {})
        corrected = prefetched or (article.pk is not None and article.corrected_at is not None)
        article._correction_notes = list(article.corrections.all()) if corrected else []
    return article._correction_notes


def last_corrected_at(article: Article) -> datetime.datetime | None:
    return max((c.made_at for c in notes_of(article)), default=None)


def modified_at(article: Article) -> datetime.datetime:
    """When readers last saw the story change: its last edit, its publication or its last correction note."""
    moments = [article.updated_at, article.published_at, last_corrected_at(article)]
    return max(m for m in moments if m is not None)


def note_date(correction: Correction) -> str:
    """“4 December” in the site's time zone (“4 December 2025” when not this year's)."""
    made = timezone.localtime(correction.made_at)
    return formats.date_format(made, "j F" if made.year == timezone.localtime().year else "j F Y")


def note_text(correction: Correction) -> str:
    """“Correction, 4 December: an earlier version said 40 minutes”."""
    return gettext("Correction, %(date)s: %(note)s") % {"date": note_date(correction), "note": correction.note}


def page_notes(article: Article) -> list[tuple[Correction, str]]:
    """Each note with its date as the page prints it."""
    return [(c, note_date(c)) for c in notes_of(article)]
