"""The desk's own rows: who has an article open (edit locks) and the trash (a proxy listing trashed articles).

Imported at the end of `articles.models`, so they belong to the `articles` app.
"""

from django.conf import settings
from django.db import models

from articles.models import Article


class EditLock(models.Model):
    """Someone has this article open in the admin. Kept alive by the form's heartbeat; stale once it stops."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="edit_lock")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(help_text="When this person opened the article.")
    heartbeat_at = models.DateTimeField(help_text="Last sign of life from their open form.")

    class Meta:
        indexes = [models.Index(fields=["heartbeat_at"], name="edit_lock_heartbeat_idx")]

    def __str__(self) -> str:
        return f"{self.user} editing {self.article_id} since {self.since:%H:%M}"


class TrashedArticle(Article):
    """The trash: articles an editor deleted, restorable with their tags, image and counts until purged."""

    class Meta:
        proxy = True
        verbose_name = "article in the trash"
        verbose_name_plural = "trash"
