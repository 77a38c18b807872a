"""Writes: the trash: deleting an article moves it here (readers no longer see it; its tags, image, votes, view counts
and popularity buckets stay untouched), an editor restores it as it was, and only a purge deletes for good.

Writes go through model saves, so the cached pages forget the article (`articles.signals`).
"""

from django.db import transaction
from django.utils import timezone

from articles.desk import versions
from articles.models import Article


@transaction.atomic
def article_trash(*, article: Article, by=None) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)
    with versions.revision(by=by, comment="Moved to the trash."):
        article.trashed_at = timezone.now()
        article.version += 1
        article.save(update_fields=["trashed_at", "version", "updated_at"])
        versions.version_add(article)
    return article


@transaction.atomic
def article_restore_from_trash(*, article: Article, by=None) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)  # the article itself, not the trash's proxy
    with versions.revision(by=by, comment="Restored from the trash."):
        article.trashed_at = None
        article.version += 1
        article.save(update_fields=["trashed_at", "version", "updated_at"])
        versions.version_add(article)
    return article


@transaction.atomic
def article_purge(*, article: Article) -> None:
    """Delete for good: the row, its tags, votes and buckets. Its kept versions stay in reversion's tables."""
    article.delete()
