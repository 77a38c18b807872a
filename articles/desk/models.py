"""Defines: the desk's own rows: who has an article open (edit locks), the trash (a proxy listing trashed articles),
where a draft stands in review, and corrections to live stories waiting for an editor.

The `desk` app's models (articles/desk/apps.py); their tables keep the names they had in `articles`.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models import Article

# The revision comment that marks an autosaved form (`articles.desk.autosave`), kept apart from the history.
AUTOSAVE_COMMENT = "Autosave."


class EditLockQuerySet(models.QuerySet):
    def live(self) -> "EditLockQuerySet":
        """Locks whose form still beats: a lock lapses `NEWSROOM_EDIT_LOCK_SECONDS` after its last heartbeat."""
        lapse = datetime.timedelta(seconds=settings.NEWSROOM_EDIT_LOCK_SECONDS)
        return self.filter(heartbeat_at__gte=timezone.now() - lapse)


class EditLock(models.Model):
    """Someone has this article open in the admin. Kept alive by the form's heartbeat; stale once it stops."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="edit_lock")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(help_text="When this person opened the article.")
    heartbeat_at = models.DateTimeField(help_text="Last sign of life from their open form.")

    objects = EditLockQuerySet.as_manager()

    class Meta:
        db_table = "articles_editlock"  # from before the desk was an app of its own (desk/migrations/0001)
        indexes = [models.Index(fields=["heartbeat_at"], name="edit_lock_heartbeat_idx")]

    def __str__(self) -> str:
        return f"{self.user} editing {self.article_id} since {self.since:%H:%M}"


class TrashedArticle(Article):
    """The trash: articles an editor deleted, restorable with their tags, image and counts until purged."""

    class Meta:
        proxy = True
        verbose_name = "article in the trash"
        verbose_name_plural = "trash"


class Review(models.Model):
    """Where a draft stands in review. No row: a plain draft, or a published story."""

    class State(models.TextChoices):
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="review")
    state = models.CharField(max_length=20, choices=State, db_index=True)
    note = models.TextField(blank=True, help_text="The editor's note to the writer when changes are requested.")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "articles_review"  # from before the desk was an app of its own

    def __str__(self) -> str:
        return f"{self.article_id}: {self.get_state_display()}"


class StagedChange(models.Model):
    """A correction to a live story, waiting for an editor: readers keep seeing the published text until then."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="staged_change")
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=500, blank=True)
    body = models.TextField()
    note = models.TextField(blank=True, help_text="What the correction fixes, for the editor.")
    base_version = models.PositiveIntegerField(help_text="The article's version the correction was written on.")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField()

    class Meta:
        db_table = "articles_stagedchange"  # from before the desk was an app of its own

    def __str__(self) -> str:
        return f"Correction to {self.article_id}"
