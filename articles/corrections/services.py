"""Writes: a correction note on a live story (`correction_note_add`), refusing an empty or overlong one.

A note is added in the same transaction as the change it explains (an approved staged correction, or an editor's
own save of a live story). It stamps the story's `corrected_at` through `reader_visible_update`, which purges
after commit the pages, feeds and JSON-LD that show it (and a `Correction` saved or deleted purges them too).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.corrections.models import NOTE_LENGTH, Correction
from articles.models import Article
from articles.signals import reader_visible_update


def clean_note(note: str) -> str:
    """The note as stored (one line), or a refusal an editor can act on."""
    note = " ".join((note or "").split())
    if not note:
        raise ValidationError("Say what the correction fixes, for readers (e.g. “an earlier version said 40 minutes”).")
    if len(note) > NOTE_LENGTH:
        raise ValidationError(f"Keep the correction note under {NOTE_LENGTH} characters.")
    return note


def correction_note_add(*, article: Article, note: str, by=None, at: datetime.datetime | None = None) -> Correction:
    """Show readers a correction note on `article`, which must be live (a draft has no readers to tell)."""
    if article.status != Article.Status.PUBLISHED:
        raise ValidationError("Only a published story carries a correction note.")
    correction = Correction.objects.create(article=article, note=clean_note(note), by=by, made_at=at or timezone.now())
    # The page reads notes only of a story corrected: its pages and lists are purged as by a save.
    article.corrected_at = max(correction.made_at, article.corrected_at or correction.made_at)
    reader_visible_update(Article.objects.filter(pk=article.pk), corrected_at=article.corrected_at)
    return correction
