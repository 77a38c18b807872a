"""Writes: e-mails of the review workflow, sent after commit through Django's e-mail framework (`EMAIL_BACKEND`:
the console by default, SMTP by settings). A failure to send is logged, never fatal to the editor's action."""

import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q

from articles.models import Article
from articles.publishing import PUBLISH_PERMISSION

logger = logging.getLogger(__name__)


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def editors_to_tell(*, besides=None) -> list[str]:
    """Addresses of everyone who may publish (through a group or directly), except `besides`."""
    app_label, codename = PUBLISH_PERMISSION.split(".")
    granted = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label) | Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    )
    users = get_user_model().objects.filter(granted | Q(is_superuser=True), is_active=True).exclude(email="")
    if besides is not None:
        users = users.exclude(pk=besides.pk)
    return sorted(set(users.values_list("email", flat=True)))


def _send_on_commit(*, subject: str, message: str, to: list[str]) -> None:
    if not to:
        return

    def send() -> None:
        try:
            send_mail(subject, message, None, to)
        except OSError:
            logger.exception("Could not send %r to %s", subject, to)

    transaction.on_commit(send)


def review_submitted_on_commit(*, article: Article, by, link: str) -> None:
    _send_on_commit(
        subject=f"For review: {article.title}",
        message=f"{_name(by)} submitted “{article.title}” for review.\n\n{link}\n",
        to=editors_to_tell(besides=by),
    )


def changes_requested_on_commit(*, article: Article, by, note: str, link: str) -> None:
    author = article.author
    _send_on_commit(
        subject=f"Changes requested: {article.title}",
        message=f"{_name(by)} asks for changes to “{article.title}”:\n\n{note}\n\n{link}\n",
        to=[author.email] if author and author.email and author.pk != by.pk else [],
    )


def correction_proposed_on_commit(*, article: Article, by, link: str) -> None:
    _send_on_commit(
        subject=f"Correction proposed: {article.title}",
        message=f"{_name(by)} proposed a correction to the live story “{article.title}”.\n\n{link}\n",
        to=editors_to_tell(besides=by),
    )
