"""Writes: edit locks: "Ana is editing since 10:42". Opening the form takes the lock when it is free; the form's
heartbeat keeps it; it goes stale on its own `NEWSROOM_EDIT_LOCK_SECONDS` after the last beat (tab closed,
laptop asleep). Another editor may take over, as in WordPress; the first one's heartbeat then says so.

A lock is a notice, not a guard: what stops a lost update is the version check (`articles.desk.conflicts`).
"""

from django.utils import timezone

from articles.desk.models import EditLock
from articles.models import Article


def lock_holder(*, article: Article) -> EditLock | None:
    """The live lock on `article`, whoever holds it."""
    return EditLock.objects.live().select_related("user").filter(article=article).first()


def lock_open(*, article: Article, user) -> EditLock:
    """`user` opens the form: take the lock when free or stale, keep it when theirs; else return the holder's."""
    holder = lock_holder(article=article)
    if holder is not None and holder.user_id != user.pk:
        return holder
    return _take(article=article, user=user, keep_since=holder is not None)


def lock_heartbeat(*, article: Article, user) -> EditLock:
    """The open form is still there. Returns the lock as it stands: someone else's if they took over."""
    return lock_open(article=article, user=user)


def lock_take_over(*, article: Article, user) -> EditLock:
    """Take the lock from whoever holds it (they are told by their next heartbeat)."""
    return _take(article=article, user=user, keep_since=False)


def lock_release(*, article: Article, user) -> None:
    EditLock.objects.filter(article=article, user=user).delete()


def locks_live() -> dict[int, EditLock]:
    """Every live lock by article id (a handful: one per open form)."""
    return {lock.article_id: lock for lock in EditLock.objects.live().select_related("user", "article")}


def _take(*, article: Article, user, keep_since: bool) -> EditLock:
    now = timezone.now()
    lock, created = EditLock.objects.get_or_create(
        article=article, defaults={"user": user, "since": now, "heartbeat_at": now}
    )
    if not created:
        if not (keep_since and lock.user_id == user.pk):
            lock.since = now
        lock.user, lock.heartbeat_at = user, now
        lock.save(update_fields=["user", "since", "heartbeat_at"])
    return lock


def holder_name(lock: EditLock) -> str:
    return lock.user.get_full_name() or lock.user.get_username()


def lock_notice(lock: EditLock) -> str:
    return f"{holder_name(lock)} is editing since {timezone.localtime(lock.since):%H:%M}"
