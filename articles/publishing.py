"""Writes: articles created, edited, published, scheduled, unpublished and placed: every write on an article.

The admin (form saves and bulk actions), commands and tests all write through these services, so every path
gets the same stamps and side effects: the publish time, the old slug kept as a redirect, a version kept
(`articles.desk.versions`) and a save from a stale form refused (`articles.desk.conflicts`). Pictures are
library images, uploaded through `articles.media.services`. `Article.save()` itself only sanitises the body
(the last line of defence); cached pages forget the old article through `articles.signals`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from articles.desk import conflicts, versions
from articles.desk.models import Review
from articles.media.services import body_uses_sync
from articles.models import Article, SlugRedirect

PUBLISH_PERMISSION = "articles.publish_article"


def can_publish(user) -> bool:
    return user is not None and user.has_perm(PUBLISH_PERMISSION)


def check_slug_not_redirecting(*, article: Article) -> None:
    """Refuse a slug that still redirects readers to another published article.

    Taking it would delete that redirect, and links shared to the other story would lead to this one once it
    is published: the editor picks another slug (an old slug of an unpublished story, or its own, is free).
    """
    taken = (
        SlugRedirect.objects.filter(old_slug=article.slug, article__status=Article.Status.PUBLISHED)
        .exclude(article_id=article.pk)
        .select_related("article")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            {
                "slug": ValidationError(
                    "This slug still redirects readers to “%(title)s”, whose address it used to be. "
                    "Choose another slug.",
                    code="slug_redirects",
                    params={"title": taken.article.title},
                )
            }
        )


def slug_taken(*, slug: str, article_pk: int | None) -> bool:
    """Whether another article (the trash's too) has this address. (An old address still redirecting to a published
    story is refused by `check_slug_not_redirecting`, with its reason.)"""
    others = Article.objects.exclude(pk=article_pk) if article_pk else Article.objects.all()
    return others.filter(slug=slug).exists()


def free_slug(*, slug: str, article_pk: int | None = None) -> str:
    """`slug`, or the next free address after it (`slug-2`, `slug-3`…): a repeated headline is not refused."""
    limit = Article._meta.get_field("slug").max_length
    candidate, n = slug, 1
    while slug_taken(slug=candidate, article_pk=article_pk):
        n += 1
        candidate = f"{slug[: limit - len(str(n)) - 1].rstrip('-')}-{n}"
    return candidate


def _keep_old_slug(article: Article) -> None:
    """Links shared before a published article's slug changed keep working (301 to the new slug)."""
    if article.pk is None:
        return
    old = Article.objects.filter(pk=article.pk).values("slug", "status").first()
    if old is None or old["slug"] == article.slug:
        return
    if old["status"] == Article.Status.PUBLISHED:
        SlugRedirect.objects.update_or_create(old_slug=old["slug"], defaults={"article_id": article.pk})
    SlugRedirect.objects.filter(old_slug=article.slug).delete()  # the slug is live again: no redirect loop


# Written by the services; a form or a crafted request never sets them (counters move only through engagement/).
NOT_SAVED_BY_EDITS = {"id", "vote_count", "view_count", "search_document", "trashed_at", "created_at", "corrected_at"}


@transaction.atomic
def _article_save(
    article: Article,
    *,
    by=None,
    base_version: int | None = None,
    tags: list[str | Tag] | None = None,
    comment: str = "",
) -> Article:
    """Save when something changed (a new version, one revision); refuse a save built on an older version."""
    if by is not None and not can_publish(by):
        # Writers save drafts only: enforced here, whatever the form or a crafted request says.
        article.status = Article.Status.DRAFT
    article.full_clean()  # Article.clean(): "publish" with no time means now
    check_slug_not_redirecting(article=article)
    with versions.revision(by=by, comment=comment or ("Edited." if article.pk else "Created.")):
        current = conflicts.article_lock_current(article=article, base_version=base_version)
        if current is not None and article.status == Article.Status.PUBLISHED:
            # Published or scheduled, by whatever route (review panel, form, bulk action, import): review is over.
            Review.objects.filter(article_id=article.pk).delete()
        names = None if tags is None else [getattr(tag, "name", tag) for tag in tags]  # names or Tag rows
        unchanged = current is not None and not versions.changed_fields(
            versions.state_of(current), versions.state_of(article, tags=names)
        )
        if unchanged:
            return article  # nothing changed: no save, no version, nothing logged
        _keep_old_slug(article)
        if current is None:
            article.save()
        else:
            article.version = current.version + 1
            fields = [f.attname for f in Article._meta.concrete_fields if f.name not in NOT_SAVED_BY_EDITS]
            article.save(update_fields=fields)
        body_uses_sync(article_id=article.pk, body=article.body, before=current.body if current else "")
        if tags is not None:
            article.tags.set(tags)
        versions.version_add(article)
    return article


def article_create(*, article: Article, by=None, tags: list[str] | None = None, comment: str = "") -> Article:
    """A new article, owned by `by` (and bylined with their name) unless the article names someone else."""
    if by is not None:
        article.author = article.author or by
        if not article.byline and by.get_full_name():
            article.byline = f"By {by.get_full_name()}"
    return _article_save(article, by=by, tags=tags, comment=comment)


def article_update(
    *,
    article: Article,
    by=None,
    base_version: int | None = None,
    tags: list[str | Tag] | None = None,
    comment: str = "",
) -> Article:
    """Save an edited article: body sanitised, publish time stamped, an old slug kept as a redirect.

    `base_version`: the version the editor's form was built on; a save over a newer one raises `EditConflict`.
    """
    return _article_save(article, by=by, base_version=base_version, tags=tags, comment=comment)


def article_publish(
    *,
    article: Article,
    at: datetime.datetime | None = None,
    by=None,
    base_version: int | None = None,
    as_new: bool = False,
) -> Article:
    """Publish now (or at `at`: a future time schedules it — see `article_schedule`).

    A story published before and unpublished since keeps its publish time: it goes back where it was on home,
    its sections and the feeds. `as_new` moves that time to now instead, the editor's explicit choice. A
    scheduled time still ahead, or none, becomes now.
    """
    now = timezone.now()
    article.status = Article.Status.PUBLISHED
    if at is not None:
        article.published_at = at
    elif as_new or article.published_at is None or article.published_at > now:
        article.published_at = now
    comment = "Published as new." if as_new else "Published."
    return _article_save(article, by=by, base_version=base_version, comment=comment)


def article_schedule(*, article: Article, at: datetime.datetime, by=None, base_version: int | None = None) -> Article:
    """Publish at a future time: readers see the article from `at` on, with no job to run."""
    if at <= timezone.now():
        raise ValidationError({"published_at": "A scheduled time must be in the future."})
    return article_publish(article=article, at=at, by=by, base_version=base_version)


def article_unpublish(*, article: Article, by=None, base_version: int | None = None) -> Article:
    """Back to draft: readers no longer see it (its old address answers 404)."""
    article.status = Article.Status.DRAFT
    return _article_save(article, by=by, base_version=base_version, comment="Unpublished.")


def article_set_editors_pick(*, article: Article, picked: bool, by=None, base_version: int | None = None) -> Article:
    article.is_editors_pick = picked
    comment = "Marked as editors' pick." if picked else "Removed from editors' picks."
    return _article_save(article, by=by, base_version=base_version, comment=comment)
