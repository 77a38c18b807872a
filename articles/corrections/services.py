"""Writes: a correction note on a live story (`correction_note_add`); an archive's notes merged (`corrections_merge`).

A note is added in the same transaction as the change it explains (an approved staged correction, or an editor's
own save of a live story). It stamps the story's `corrected_at` through `reader_visible_update`, which purges
after commit the pages, feeds and JSON-LD that show it (and a `Correction` saved or deleted purges them too).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.corrections.models import Correction, clean_note
from articles.models import Article
from articles.signals import reader_visible_update


def corrections_merge(*, article: Article, corrections: list[dict], users: dict) -> int:
    """An archive's notes on `article` that it does not carry yet (the same words at the same moment), with their
    times and, where this site has the account, their editor; `corrected_at` follows the newest. How many."""
    have = set(Correction.objects.filter(article=article).values_list("note", "made_at"))
    missing = [c for c in corrections if (c["note"], c["made_at"]) not in have]
    Correction.objects.bulk_create(
        Correction(article=article, note=c["note"], made_at=c["made_at"], by=users.get(c["by"])) for c in missing
    )
    if missing:
        newest = max([c["made_at"] for c in missing] + ([article.corrected_at] if article.corrected_at else []))
        reader_visible_update(Article.objects.filter(pk=article.pk), corrected_at=newest)
        article.corrected_at = newest
    return len(missing)


def correction_note_add(*, article: Article, note: str, by=None, at: datetime.datetime | None = None) -> Correction:
    """Show readers a correction note on `article`, which must be live (a draft has no readers to tell)."""
    if article.status != Article.Status.PUBLISHED:
        raise ValidationError("Only a published story carries a correction note.")
    correction = Correction.objects.create(article=article, note=clean_note(note), by=by, made_at=at or timezone.now())
    # The page reads notes only of a story corrected: its pages and lists are purged as by a save.
    article.corrected_at = max(correction.made_at, article.corrected_at or correction.made_at)
    reader_visible_update(Article.objects.filter(pk=article.pk), corrected_at=article.corrected_at)
    return correction
