"""Writes on articles: creating, editing, publishing, scheduling, unpublishing and placing them.

The admin (form saves and bulk actions), commands and tests all write through these services, so every path
gets the same stamps and side effects: the publish time and the old slug kept as a redirect. Pictures are
library images, uploaded through `articles.media.services`. `Article.save()` itself only sanitises the body
(the last line of defence); cached pages forget the old article through `articles.signals`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, SlugRedirect

PUBLISH_PERMISSION = "articles.publish_article"


def can_publish(user) -> bool:
    return user is not None and user.has_perm(PUBLISH_PERMISSION)


def _keep_old_slug(article: Article) -> None:
    """Links shared before a published article's slug changed keep working (301 to the new slug)."""
    if article.pk is None:
        return
    old = Article.objects.filter(pk=article.pk).values("slug", "status").first()
    if old and old["slug"] != article.slug and old["status"] == Article.Status.PUBLISHED:
        SlugRedirect.objects.update_or_create(old_slug=old["slug"], defaults={"article_id": article.pk})
    SlugRedirect.objects.filter(old_slug=article.slug).delete()  # the slug is live again: no redirect loop


@transaction.atomic
def _article_save(article: Article, *, by=None) -> Article:
    if by is not None and not can_publish(by):
        # Writers save drafts only: enforced here, whatever the form or a crafted request says.
        article.status = Article.Status.DRAFT
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()  # "publish" with no time means now
    article.full_clean()
    _keep_old_slug(article)
    article.save()
    return article


def article_create(*, article: Article, by=None) -> Article:
    """A new article, owned by `by` (and bylined with their name) unless the article names someone else."""
    if by is not None:
        article.author = article.author or by
        if not article.byline and by.get_full_name():
            article.byline = f"By {by.get_full_name()}"
    return _article_save(article, by=by)


def article_update(*, article: Article, by=None) -> Article:
    """Save an edited article: body sanitised, publish time stamped, an old slug kept as a redirect."""
    return _article_save(article, by=by)


def article_publish(*, article: Article, at: datetime.datetime | None = None, by=None) -> Article:
    """Publish now (or at `at`: a future time schedules it — see `article_schedule`)."""
    article.status = Article.Status.PUBLISHED
    article.published_at = at or timezone.now()
    return _article_save(article, by=by)


def article_schedule(*, article: Article, at: datetime.datetime, by=None) -> Article:
    """Publish at a future time: readers see the article from `at` on, with no job to run."""
    if at <= timezone.now():
        raise ValidationError({"published_at": "A scheduled time must be in the future."})
    return article_publish(article=article, at=at, by=by)


def article_unpublish(*, article: Article, by=None) -> Article:
    """Back to draft: readers no longer see it (its old address answers 404)."""
    article.status = Article.Status.DRAFT
    return _article_save(article, by=by)


def article_set_editors_pick(*, article: Article, picked: bool, by=None) -> Article:
    article.is_editors_pick = picked
    return _article_save(article, by=by)
