"""Serves: the desk in the admin: `DeskArticleAdminMixin` (conflict-checked form, history with diff and restore, edit
locks on the list and the form, delete → trash) for `ArticleAdmin`, and the trash's own list."""

import dataclasses
from functools import partial, update_wrapper

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.text import capfirst

from articles.desk import autosave, locks, numbers, trash, views, workflow, workflow_views
from articles.desk.conflicts import EditConflict
from articles.desk.forms import DeskArticleFormMixin
from articles.desk.models import Review, StagedChange, TrashedArticle
from articles.publishing import can_publish


class ReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return Review.State.choices

    def queryset(self, request, queryset):
        return queryset.filter(review__state=self.value()) if self.value() in Review.State.values else queryset


# The desk's pages under an article's admin URL: (route, view, URL name suffix).
ROUTES = [
    ("history/compare/", views.compare_view, "compare"),
    ("history/<int:version_pk>/restore/", views.restore_view, "restore"),
    ("review/submit/", workflow_views.submit_view, "submit"),
    ("review/request-changes/", workflow_views.request_changes_view, "request_changes"),
    ("review/publish/", workflow_views.publish_view, "publish"),
    ("review/schedule/", workflow_views.schedule_view, "schedule"),
    ("correction/", workflow_views.correction_view, "correction"),
    ("correction/preview/", workflow_views.correction_preview_view, "correction_preview"),
    ("correction/approve/", workflow_views.correction_approve_view, "correction_approve"),
    ("correction/reject/", workflow_views.correction_reject_view, "correction_reject"),
    ("autosave/", views.autosave_view, "autosave"),
    ("autosave/discard/", views.autosave_discard_view, "autosave_discard"),
    ("lock/", views.heartbeat_view, "heartbeat"),
    ("lock/take-over/", views.take_over_view, "take_over"),
]


class DeskArticleAdminMixin:
    change_form_template = "desk/article_change_form.html"

    # --- the form: built on a version, merged or refused -------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = kwargs.pop("form", self.form)
        kwargs["form"] = type(f"Desk{form.__name__}", (DeskArticleFormMixin, form), {"editor": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict as conflict:  # a colleague saved between our check and our save: nothing was written
            messages.error(request, " ".join(conflict.messages))
            return redirect(request.path)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "GET" and request.GET.get("autosave") == "restore":
            saved = autosave.autosave_latest(article=obj, user=request.user)
            if saved is not None:
                autosave.autosave_apply(article=obj, autosave=saved)
                request._desk_autosave_restored = saved
        return obj

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            if request.method == "GET" and self.has_change_permission(request, obj):
                lock = locks.lock_open(article=obj, user=request.user)
                context["edit_lock_notice"] = "" if lock.user_id == request.user.pk else locks.lock_notice(lock)
                context["adminform"].form.fields["edit_lock"].initial = "" if context["edit_lock_notice"] else "held"
                context["autosave_restored"] = getattr(request, "_desk_autosave_restored", None)
                if context["autosave_restored"] is None:
                    context["autosave"] = autosave.autosave_latest(article=obj, user=request.user)
            context.update(self._workflow_context(request, obj))
            context["story_numbers"] = numbers.story_numbers(obj) if request.method == "GET" else None
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _workflow_context(self, request, obj) -> dict:
        editor, author = can_publish(request.user), workflow.is_author(obj, request.user)
        review = workflow.review_of(obj)
        # A staged correction is unpublished text: for its story's writer and the editors (who may propose one).
        corrects = editor or author
        staged = StagedChange.objects.select_related("proposed_by").filter(article=obj).first() if corrects else None
        live = obj.status == obj.Status.PUBLISHED
        return {
            "review": review,
            "staged": staged,
            "staged_diff": workflow_views.correction_diff(obj, staged) if staged and editor else [],
            "may_submit": not live and (author or editor) and not (review and review.state == review.State.IN_REVIEW),
            "may_decide": editor and review is not None and review.state == review.State.IN_REVIEW,
            "may_publish_now": editor and not live,
            "published_before": obj.published_at is not None and obj.published_at <= timezone.now(),
            "may_correct": live and corrects,
        }

    def response_change(self, request, obj):
        form_merge = getattr(request, "_desk_merge", None)
        if form_merge and form_merge.taken_from_them:
            kept = ", ".join(
                f"{capfirst(c.label)} ({c.by}, {timezone.localtime(c.at):%H:%M})" for c in form_merge.taken_from_them
            )
            self.message_user(request, f"Merged with changes saved meanwhile; kept theirs: {kept}.", messages.INFO)
        locks.lock_release(article=obj, user=request.user)
        autosave.autosave_discard(article=obj, user=request.user)  # saved for real
        if getattr(request, "_desk_unchanged", False):
            request._desk_says = f"No changes to save: “{obj}” is as it was."
        return super().response_change(request, obj)

    def save_form(self, request, form, change):
        request._desk_merge = getattr(form, "merge", None)
        return super().save_form(request, form, change)

    def log_change(self, request, obj, message):
        if not message:
            return None  # an unchanged save is not an event
        return super().log_change(request, obj, message)

    # --- the list: who is editing what -----------------------------------------------------------------

    def get_list_filter(self, request):
        return [ReviewFilter, *super().get_list_filter(request)]

    def get_list_display(self, request):
        others = {pk: lock for pk, lock in locks.locks_live().items() if lock.user_id != request.user.pk}

        @admin.display(description="Being edited")
        def being_edited(obj) -> str:  # one query for the page (the live locks), not one per row
            return locks.lock_notice(others[obj.pk]) if obj.pk in others else ""

        return [*super().get_list_display(request), being_edited]

    # --- delete means the trash ----------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).not_in_trash()

    delete_confirmation_template = "desk/article_delete_confirmation.html"

    def get_deleted_objects(self, objs, request):
        # Nothing related is deleted (votes, tags, locks stay with the article in the trash): nothing to list or lack.
        return [str(obj) for obj in objs], {self.opts.verbose_name_plural: len(objs)}, set(), []

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if "delete_selected" in actions:
            wording = {"description": "Move to the trash", "plural_description": "Move to the trash"}
            actions["delete_selected"] = dataclasses.replace(actions["delete_selected"], **wording)
        return actions

    delete_selected_confirmation_template = "desk/article_trash_selected_confirmation.html"

    def delete_model(self, request, obj) -> None:
        trash.article_trash(article=obj, by=request.user)
        request._desk_says = f"“{obj}” was moved to the trash: an editor can restore it from there."

    def delete_queryset(self, request, queryset) -> None:
        count = 0
        for article in queryset:
            trash.article_trash(article=article, by=request.user)
            count += 1
        request._desk_says = f"Moved {count} article(s) to the trash: an editor can restore them from there."

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs) -> None:
        """Django's own "deleted successfully" (a move to the trash) and "changed successfully" (on a save that
        changed nothing) say what happened instead: `request._desk_says`, set by the step itself."""
        says = getattr(request, "_desk_says", None)
        if says and level == messages.SUCCESS:
            request._desk_says = None
            message = says
        super().message_user(request, message, level, *args, **kwargs)

    # --- history, compare, restore, the lock's heartbeat ---------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        return views.history_view(request, object_id, model_admin=self)

    def get_urls(self):
        def wrap(view):
            bound = partial(view, model_admin=self)
            return self.admin_site.admin_view(update_wrapper(bound, view))

        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        first = path("autosave/", wrap(views.autosave_new_view), name=f"{prefix}_autosave_new")
        own = [path(f"<path:object_id>/{route}", wrap(view), name=f"{prefix}_{name}") for route, view, name in ROUTES]
        return [first, *own, *super().get_urls()]


@admin.register(TrashedArticle)
class TrashedArticleAdmin(admin.ModelAdmin):
    """Restore or purge; nothing else. Editors only (writers' deletes land here for an editor to judge)."""

    list_display = ["title", "section", "status", "trashed_at", "vote_count", "view_count"]
    list_select_related = ["section"]
    search_fields = ["title", "slug"]
    ordering = ["-trashed_at"]
    actions = ["restore", "purge"]

    def get_queryset(self, request):
        return super().get_queryset(request).in_trash()

    def has_module_permission(self, request) -> bool:
        return can_publish(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return can_publish(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return can_publish(request.user) and request.user.has_perm("articles.delete_article")

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)  # purge says what it does
        return actions

    @admin.action(description="Restore (back where it was, with its tags, image and counts)", permissions=["view"])
    def restore(self, request, queryset) -> None:
        count = 0
        for article in queryset:
            trash.article_restore_from_trash(article=article, by=request.user)
            count += 1
        self.message_user(request, f"Restored {count} article(s).", messages.SUCCESS)

    @admin.action(description="Delete permanently (cannot be undone)", permissions=["delete"])
    def purge(self, request, queryset) -> None:
        count = 0
        for article in queryset:
            trash.article_purge(article=article)
            count += 1
        self.message_user(request, f"Deleted {count} article(s) permanently.", messages.SUCCESS)

    def delete_model(self, request, obj) -> None:
        trash.article_purge(article=obj)
