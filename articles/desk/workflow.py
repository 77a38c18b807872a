"""Writes: the review workflow: draft → in review → published or scheduled, and corrections to live stories staged for
an editor.

Each step checks who may take it (`PermissionDenied`) and whether the article is where the step starts
(`ValidationError`), so a crafted POST gets no further than the buttons would. Publishing goes through
`articles.publishing`; e-mails go out after commit (`articles.desk.notify`).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles import publishing
from articles.corrections.models import clean_note
from articles.corrections.services import correction_note_add
from articles.desk import notify
from articles.desk.models import Review, StagedChange
from articles.models import Article
from articles.publishing import can_publish


def is_author(article: Article, user) -> bool:
    return article.author_id is not None and article.author_id == user.pk


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().not_in_trash().get(pk=article.pk)


def review_of(article: Article) -> Review | None:
    return Review.objects.select_related("submitted_by", "decided_by").filter(article=article).first()


@transaction.atomic
def review_submit(*, article: Article, by, link: str = "") -> Review:
    """The writer (or an editor) sends a draft to the editors."""
    article = _locked(article)
    if not (is_author(article, by) or can_publish(by)):
        raise PermissionDenied("Only the article's writer or an editor can submit it for review.")
    if article.status != Article.Status.DRAFT:
        raise ValidationError("Only a draft can be submitted for review.")
    review, _ = Review.objects.update_or_create(
        article=article,
        defaults={"state": Review.State.IN_REVIEW, "submitted_by": by, "submitted_at": timezone.now(), "note": ""},
    )
    notify.review_submitted_on_commit(article=article, by=by, link=link)
    return review


@transaction.atomic
def review_request_changes(*, article: Article, by, note: str, link: str = "") -> Review:
    """An editor sends the draft back to its writer with a note."""
    if not can_publish(by):
        raise PermissionDenied("Only an editor can request changes.")
    article = _locked(article)
    review = Review.objects.filter(article=article, state=Review.State.IN_REVIEW).first()
    if review is None:
        raise ValidationError("This article is not in review.")
    if not note.strip():
        raise ValidationError({"note": "Tell the writer what to change."})
    review.state, review.note, review.decided_by, review.decided_at = (
        Review.State.CHANGES_REQUESTED,
        note.strip(),
        by,
        timezone.now(),
    )
    review.save()
    notify.changes_requested_on_commit(article=article, by=by, note=review.note, link=link)
    return review


@transaction.atomic
def review_publish(*, article: Article, by, as_new: bool = False) -> Article:
    """An editor publishes the article now (`as_new`: with its publish time moved to now); the publishing
    service closes its review, as on every route."""
    if not can_publish(by):
        raise PermissionDenied("Only an editor can publish.")
    article = _locked(article)
    return publishing.article_publish(article=article, by=by, base_version=article.version, as_new=as_new)


@transaction.atomic
def review_schedule(*, article: Article, by, at: datetime.datetime) -> Article:
    """An editor schedules the article for `at` (in the future); its review is over, as when published."""
    if not can_publish(by):
        raise PermissionDenied("Only an editor can schedule.")
    article = _locked(article)
    return publishing.article_schedule(article=article, at=at, by=by, base_version=article.version)


@transaction.atomic
def correction_propose(*, article: Article, by, title: str, summary: str, body: str, note: str = "", link: str = ""):
    """Stage a correction to a live story; readers keep the published text until an editor approves it."""
    article = _locked(article)
    if not (is_author(article, by) or can_publish(by)):
        raise PermissionDenied("Only the story's writer or an editor can propose a correction.")
    if article.status != Article.Status.PUBLISHED:
        raise ValidationError("Corrections are for published stories; edit a draft directly.")
    staged, _ = StagedChange.objects.update_or_create(
        article=article,
        defaults={
            "title": title.strip(),
            "summary": summary.strip(),
            "body": body.replace("\r\n", "\n"),
            "note": note.strip(),
            "base_version": article.version,
            "proposed_by": by,
            "proposed_at": timezone.now(),
        },
    )
    notify.correction_proposed_on_commit(article=article, by=by, link=link)
    return staged


@transaction.atomic
def correction_approve(*, article: Article, by, reader_note: str | None = None) -> Article:
    """An editor puts the staged correction live (a new version). Refused if the story changed meanwhile.
    `reader_note`: the editor marked it a correction readers are told of (a note on the story)."""
    if not can_publish(by):
        raise PermissionDenied("Only an editor can approve a correction.")
    reader_note = clean_note(reader_note) if reader_note is not None else None
    article = _locked(article)
    staged = StagedChange.objects.filter(article=article).first()
    if staged is None:
        raise ValidationError("There is no correction waiting for this story.")
    if staged.base_version != article.version:
        raise ValidationError(
            "The story changed after this correction was written; compare it with the live text, "
            "then ask for it again or make the change yourself."
        )
    article.title, article.summary, article.body = staged.title, staged.summary, staged.body
    proposer = staged.proposed_by.get_username() if staged.proposed_by else "someone"
    comment = f"Correction by {proposer} approved."
    if reader_note is not None:
        comment += f" Readers are told: {reader_note}"
    updated = publishing.article_update(article=article, by=by, base_version=staged.base_version, comment=comment)
    if reader_note is not None:
        correction_note_add(article=updated, note=reader_note, by=by)
    staged.delete()
    return updated


@transaction.atomic
def correction_reject(*, article: Article, by) -> None:
    if not can_publish(by):
        raise PermissionDenied("Only an editor can turn a correction down.")
    StagedChange.objects.filter(article=article).delete()
