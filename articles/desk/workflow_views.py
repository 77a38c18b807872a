"""Serves: the review workflow's admin endpoints: submit, request changes, publish or schedule, staged fixes (propose,
preview, approve, turn down). The services decide who may; these turn their refusals into messages or 403s."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles import views as reader_views
from articles.desk import history, workflow
from articles.desk.forms import normalise_line_endings
from articles.desk.models import StagedChange
from articles.desk.views import article_for, page_context
from articles.editor.forms import BodyField
from articles.editor.previews import may_preview
from articles.publishing import can_publish


def _change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def _done(request, article, step, success: str):
    try:
        step()
    except ValidationError as refused:
        messages.error(request, "Not done — " + " ".join(refused.messages))
    else:
        messages.success(request, success)
    return redirect(_change_url(article))


@require_POST
def submit_view(request, object_id: str, *, model_admin):
    article = article_for(model_admin, request, object_id)
    link = request.build_absolute_uri(_change_url(article))
    return _done(
        request,
        article,
        lambda: workflow.review_submit(article=article, by=request.user, link=link),
        "Submitted for review; the editors have been told.",
    )


@require_POST
def request_changes_view(request, object_id: str, *, model_admin):
    article = article_for(model_admin, request, object_id)
    link = request.build_absolute_uri(_change_url(article))
    note = request.POST.get("note", "")
    return _done(
        request,
        article,
        lambda: workflow.review_request_changes(article=article, by=request.user, note=note, link=link),
        "Sent back to the writer with your note.",
    )


@require_POST
def publish_view(request, object_id: str, *, model_admin):
    article = article_for(model_admin, request, object_id)
    as_new = request.POST.get("as_new") == "on"
    return _done(
        request,
        article,
        lambda: workflow.review_publish(article=article, by=request.user, as_new=as_new),
        "Published.",
    )


def _local_time(value: str) -> datetime.datetime:
    """A `datetime-local` input's value (in the site's time zone), or a refusal an editor can act on."""
    try:
        at = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("Choose a date and time to publish it at.") from None
    return at if at.tzinfo else timezone.make_aware(at)


@require_POST
def schedule_view(request, object_id: str, *, model_admin):
    article = article_for(model_admin, request, object_id)
    try:
        at = _local_time(request.POST.get("at", ""))
        workflow.review_schedule(article=article, by=request.user, at=at)
    except ValidationError as refused:
        messages.error(request, "Not scheduled — " + " ".join(refused.messages))
    else:
        messages.success(request, f"Scheduled: readers see it from {timezone.localtime(at):%Y-%m-%d %H:%M}.")
    return redirect(_change_url(article))


class CorrectionForm(forms.Form):
    """The article form's text fields: the same rich editor, word count and allowlist for the body (removed
    markup named after staging), so a correction can say what the story's form can, and nothing else."""

    title = forms.CharField(max_length=200)
    summary = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    body = BodyField(label="Body")
    note = forms.CharField(
        label="What it corrects (for the editor)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )

    def __init__(self, *args, stored_body: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stored_body = stored_body

    def clean_body(self) -> str:
        """The live body byte for byte when the editor sends back the same document: the diff says "(same)"."""
        return self.fields["body"].keep_stored(cleaned=self.cleaned_data["body"], stored=self.stored_body)


def correction_view(request, object_id: str, *, model_admin):
    """Write (or rewrite) a correction to a live story."""
    article = article_for(model_admin, request, object_id)
    if not (workflow.is_author(article, request.user) or can_publish(request.user)):
        raise PermissionDenied
    staged = StagedChange.objects.filter(article=article).first()
    source = staged or article
    initial = {
        "title": source.title,
        "summary": source.summary,
        "body": source.body,
        "note": getattr(source, "note", ""),
    }
    data = normalise_line_endings(request.POST) if request.method == "POST" else None
    form = CorrectionForm(data, initial=initial, stored_body=article.body)
    if request.method == "POST" and form.is_valid():
        link = request.build_absolute_uri(_change_url(article))
        try:
            workflow.correction_propose(article=article, by=request.user, link=link, **form.cleaned_data)
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, "Correction staged: readers see the published text until an editor approves it.")
            if removed := form.fields["body"].removed:  # never dropped silently, as on the article form
                messages.warning(request, "Body — removed: " + "; ".join(removed) + ".")
            return redirect(_change_url(article))
    context = {**page_context(model_admin, request, article, "Propose a correction"), "form": form}
    return TemplateResponse(request, "desk/correction.html", context)


def correction_preview_view(request, object_id: str, *, model_admin):
    """The story as readers would see it with the correction applied (staff only, never cached)."""
    article = article_for(model_admin, request, object_id)
    if not may_preview(request.user, article):  # a writer sees corrections to their own stories only
        raise PermissionDenied
    staged = StagedChange.objects.filter(article=article).first()
    if staged is None:
        return redirect(_change_url(article))
    article.title, article.summary, article.body = staged.title, staged.summary, staged.body
    response = reader_views._render_article(request, article, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def correction_approve_view(request, object_id: str, *, model_admin):
    """Approve; with "Tell readers" ticked, the note is shown on the story (page, feeds, JSON-LD)."""
    article = article_for(model_admin, request, object_id)
    reader_note = request.POST.get("reader_note", "") if request.POST.get("is_correction") == "on" else None
    return _done(
        request,
        article,
        lambda: workflow.correction_approve(article=article, by=request.user, reader_note=reader_note),
        "Correction approved: it is live." + (" Readers see the correction note." if reader_note is not None else ""),
    )


@require_POST
def correction_reject_view(request, object_id: str, *, model_admin):
    article = article_for(model_admin, request, object_id)
    return _done(
        request,
        article,
        lambda: workflow.correction_reject(article=article, by=request.user),
        "Correction turned down.",
    )


def correction_diff(article, staged: StagedChange) -> list[history.FieldDiff]:
    """Live text against the staged one, field by field, as History compares versions ("(same)" when unchanged)."""
    body = history.text_diff(history.body_text(article.body), history.body_text(staged.body))
    return [
        history.FieldDiff("Title", article.title != staged.title, history.text_diff(article.title, staged.title)),
        history.FieldDiff(
            "Summary", article.summary != staged.summary, history.text_diff(article.summary, staged.summary)
        ),
        history.FieldDiff("Body", article.body != staged.body, body),
    ]
