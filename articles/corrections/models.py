"""Defines: the corrections' own table (the `corrections` app): one row per correction an editor marked for readers."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

NOTE_LENGTH = 300  # a sentence or two: what the earlier version said


def clean_note(note: str) -> str:
    """The note as stored (one line), or a refusal an editor can act on."""
    note = " ".join((note or "").split())
    if not note:
        raise ValidationError("Say what the correction fixes, for readers (e.g. “an earlier version said 40 minutes”).")
    if len(note) > NOTE_LENGTH:
        raise ValidationError(f"Keep the correction note under {NOTE_LENGTH} characters.")
    return note


class Correction(models.Model):
    """A note readers see on a corrected story, with when it was made and by whom (the desk's record)."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="corrections")
    note = models.CharField(
        max_length=NOTE_LENGTH, help_text="What readers read, e.g. “an earlier version said 40 minutes”."
    )
    made_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["made_at", "pk"]  # oldest first, as the story's page lists them
        indexes = [models.Index(fields=["article", "made_at"], name="correction_article_idx")]

    def __str__(self) -> str:
        return f"Correction to {self.article_id}, {self.made_at:%Y-%m-%d}: {self.note}"
