"""Serves: the desk's admin pages for one article: history, compare, restore, the edit-lock heartbeat and take-over,
autosave (a new article's first one creates its draft), and the admin's "view on site" shortcut.

Mounted by `DeskArticleAdminMixin.get_urls` and the admin site (so every one runs behind the admin's login and
permission checks). Each finds its article through the article admin's queryset (`articles.desk.visibility`).
"""

import json
import re

from django.contrib import messages
from django.contrib.contenttypes import views as contenttypes_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from articles.desk import autosave, history, locks, versions, workflow
from articles.desk.visibility import articles_visible_to
from articles.models import Article


def article_for(model_admin, request, object_id: str, *, change: bool = False) -> Article:
    article = model_admin.get_object(request, object_id)  # None for a missing id or one that is not a number
    if article is None:
        raise Http404("No such article.")
    allowed = model_admin.has_change_permission if change else model_admin.has_view_or_change_permission
    if not allowed(request, article):
        raise PermissionDenied
    return article


def page_context(model_admin, request, article: Article, title: str) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": article,
        "title": title,
        "subtitle": str(article),
        "can_restore": model_admin.has_change_permission(request, article),
    }


def history_view(request, object_id: str, *, model_admin):
    article = article_for(model_admin, request, object_id)
    context = {
        **page_context(model_admin, request, article, "History"),
        "rows": history.history_rows(article),
    }
    return TemplateResponse(request, "desk/history.html", context)


def compare_view(request, object_id: str, *, model_admin):
    article = article_for(model_admin, request, object_id)
    try:
        old_pk, new_pk = sorted(int(request.GET[key]) for key in ("from", "to"))
    except (KeyError, ValueError):
        messages.error(request, "Choose two versions to compare.")
        return redirect(reverse("admin:articles_article_history", args=[article.pk]))
    old, new = versions.version_get(article, pk=old_pk), versions.version_get(article, pk=new_pk)
    if old is None or new is None:
        raise Http404("No such version.")
    context = {
        **page_context(model_admin, request, article, f"Compare version {old.number} with {new.number}"),
        "old": old,
        "new": new,
        "diffs": history.compare(old, new),
    }
    return TemplateResponse(request, "desk/compare.html", context)


@require_http_methods(["GET", "POST"])
def restore_view(request, object_id: str, version_pk: int, *, model_admin):
    """Restore a version. On a live story it asks first (what readers would see change), and offers to stage the
    old text as a correction instead; a draft's restore needs no second step."""
    article = article_for(model_admin, request, object_id, change=True)
    kept = versions.version_get(article, pk=version_pk)
    if kept is None:
        raise Http404("No such version.")
    live = article.status == Article.Status.PUBLISHED
    if request.method == "GET" or (live and request.POST.get("confirm") not in ("restore", "stage")):
        return _restore_confirmation(request, model_admin, article, kept, live=live)
    if request.POST.get("confirm") == "stage":
        return _restore_as_correction(request, article, kept)
    try:
        restored = history.article_restore_version(article=article, version_pk=version_pk, by=request.user)
    except ValidationError as refused:
        messages.error(request, "Not restored — " + " ".join(refused.messages))
        return redirect(reverse("admin:articles_article_history", args=[article.pk]))
    model_admin.log_change(request, restored, "Restored an earlier version.")
    messages.success(request, f"Restored. “{restored}” is now version {restored.version}.")
    return redirect(reverse("admin:articles_article_change", args=[article.pk]))


def _restore_confirmation(request, model_admin, article: Article, kept, *, live: bool):
    current = versions.versions_of(article, limit=1)
    title = f"Restore version {kept.number}?"
    context = {
        **page_context(model_admin, request, article, title),
        "kept": kept,
        "live": live,
        "diffs": history.compare(current[0], kept) if current else [],
    }
    return TemplateResponse(request, "desk/restore_confirm.html", context)


def _restore_as_correction(request, article: Article, kept):
    """The old title, summary and body staged as a correction: readers keep the live text until it is approved."""
    link = request.build_absolute_uri(reverse("admin:articles_article_change", args=[article.pk]))
    note = f"Restores version {kept.number} ({kept.at:%Y-%m-%d %H:%M} UTC, {kept.by})."
    try:
        workflow.correction_propose(
            article=article,
            by=request.user,
            title=kept.article.title,
            summary=kept.article.summary,
            body=kept.article.body,
            note=note,
            link=link,
        )
    except ValidationError as refused:
        messages.error(request, "Not staged — " + " ".join(refused.messages))
    else:
        said = f"Version {kept.number} staged as a correction: readers see the live text until it is approved."
        messages.success(request, said)
    return redirect(reverse("admin:articles_article_change", args=[article.pk]))


def _lock_json(lock, user) -> JsonResponse:
    return JsonResponse(
        {
            "mine": lock.user_id == user.pk,
            "holder": locks.holder_name(lock),
            "since": timezone.localtime(lock.since).strftime("%H:%M"),
            "notice": locks.lock_notice(lock),
        }
    )


@require_POST
def heartbeat_view(request, object_id: str, *, model_admin):
    article = article_for(model_admin, request, object_id, change=True)
    return _lock_json(locks.lock_heartbeat(article=article, user=request.user), request.user)


@require_POST
def take_over_view(request, object_id: str, *, model_admin):
    article = article_for(model_admin, request, object_id, change=True)
    locks.lock_take_over(article=article, user=request.user)
    messages.info(request, "You are editing this article now; the previous editor is told when their page checks in.")
    return redirect(reverse("admin:articles_article_change", args=[article.pk]))


@require_POST
def autosave_view(request, object_id: str, *, model_admin):
    """The open form's text, kept as this editor's autosave (never written to the article)."""
    article = article_for(model_admin, request, object_id, change=True)
    autosave.autosave_store(article=article, by=request.user, data=request.POST)
    return JsonResponse({"saved_at": timezone.localtime().strftime("%H:%M:%S")})


AUTODRAFT_TOKEN = re.compile(r"[A-Za-z0-9-]{8,64}")
AUTODRAFTS_KEPT = 20  # a session remembers its last few new forms' drafts (a retried first autosave finds its own)


@require_POST
def autosave_new_view(request, *, model_admin):
    """A new article's autosave: the first one creates the draft (`autosave.autodraft_create`) and says where the
    form goes on (its change form's addresses, the version and fingerprints it is built on). The same form's
    next call, should it not have heard the answer (`autosave_token`), autosaves onto that draft instead."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    token = str(request.POST.get("autosave_token", ""))
    if not AUTODRAFT_TOKEN.fullmatch(token):
        return JsonResponse({"error": "Not autosaved: this form has no autosave token. Reload the page."}, status=400)
    made = request.session.get("desk_autodrafts", {})
    article = model_admin.get_object(request, str(made[token])) if token in made else None
    if article is not None and model_admin.has_change_permission(request, article):
        autosave.autosave_store(article=article, by=request.user, data=request.POST)
    else:
        try:
            article = autosave.autodraft_create(by=request.user, data=request.POST)
        except ValidationError as refused:
            return JsonResponse({"error": " ".join(refused.messages)}, status=400)
        model_admin.log_addition(request, article, "Created by autosave.")
        made = {**made, token: article.pk}
        request.session["desk_autodrafts"] = dict(list(made.items())[-AUTODRAFTS_KEPT:])
    locks.lock_open(article=article, user=request.user)

    def url(name: str) -> str:
        return reverse(f"admin:articles_article_{name}", args=[article.pk])

    return JsonResponse(
        {
            "saved_at": timezone.localtime().strftime("%H:%M:%S"),
            "id": article.pk,
            "change_url": url("change"),
            "autosave_url": url("autosave"),
            "heartbeat_url": url("heartbeat"),
            "take_over_url": url("take_over"),
            "base_version": article.version,
            "base_state": json.dumps(versions.fingerprints(versions.state_of(article))),
            "author": article.author_id,
            "byline": article.byline,
        }
    )


@require_POST
def autosave_discard_view(request, object_id: str, *, model_admin):
    article = article_for(model_admin, request, object_id, change=True)
    autosave.autosave_discard(article=article, user=request.user)
    messages.info(request, "Autosaved text discarded.")
    return redirect(reverse("admin:articles_article_change", args=[article.pk]))


def view_on_site(request, content_type_id: str, object_id: str):
    """The admin's `r/<type>/<id>/` shortcut: a redirect to the object's URL, which for a story is its slug (its
    title, near enough), so a story the person may not see is missing here too."""
    is_article = content_type_id == str(ContentType.objects.get_for_model(Article).pk)
    if is_article and not (object_id.isdigit() and articles_visible_to(request.user).filter(pk=object_id).exists()):
        raise Http404("No such article.")
    return contenttypes_views.shortcut(request, content_type_id, object_id)
