"""Serves: the editors' desk: sections, articles (bulk actions through the publishing services), redirects, votes."""

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.html import format_html

from articles import admin_lists, publishing
from articles.authors import admin as authors_admin  # noqa: F401 — registers the authors' profiles
from articles.corrections.forms import ReaderNoteAdminMixin
from articles.desk.admin import DeskArticleAdminMixin
from articles.desk.visibility import article_visible_to, articles_visible_to
from articles.editor.previews import search_result_preview, social_card_preview
from articles.engagement.models import Vote
from articles.engagement.votes import votes_remove_fraudulent
from articles.forms import ArticleAdminForm
from articles.media import admin as media_admin  # noqa: F401 — registers the media library's admin
from articles.models import Article, Section, SlugRedirect
from articles.publishing import can_publish
from articles.tags import admin as tags_admin  # noqa: F401 — registers the tag list with usage counts


def bulk_action(description: str, service, *, only: Q, logged: str, done: str, **options):
    """An admin action running `service` on each selected article matching `only`; refusals are reported."""

    @admin.action(description=description, permissions=["publish"])
    def action(model_admin, request, queryset) -> None:
        changed, refused = 0, []
        for article in queryset.filter(only):
            try:
                # Built on the version just read: a colleague's save in between is refused, never overwritten.
                service(article=article, by=request.user, base_version=article.version, **options)
            except ValidationError as error:
                refused.append(f"“{article.title}”: {' '.join(error.messages)}")
                continue
            model_admin.log_change(request, article, logged)
            changed += 1
        model_admin.message_user(request, done.format(count=changed), messages.SUCCESS)
        if refused:
            model_admin.message_user(request, "Not changed — " + "; ".join(refused), messages.ERROR)

    return action


EDITORS_PICK_WORDING = {  # picked: (action, history entry, message)
    True: ("Mark as editors' pick", "Marked as editors' pick.", "Marked {count} article(s) as editors' pick."),
    False: (
        "Remove from editors' picks",
        "Removed from editors' picks.",
        "Removed {count} article(s) from editors' picks.",
    ),
}


def editors_pick_action(*, picked: bool):
    description, logged, done = EDITORS_PICK_WORDING[picked]
    service = publishing.article_set_editors_pick
    only = Q(is_editors_pick=not picked)
    return bulk_action(description, service, only=only, picked=picked, logged=logged, done=done)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "position"]
    list_editable = ["position"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


class PublicationStatusFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("live", "Live"), ("scheduled", "Scheduled"), ("draft", "Draft")]

    def queryset(self, request, queryset):
        match self.value():
            case "live":
                return queryset.published()
            case "scheduled":
                return queryset.scheduled()
            case "draft":
                return queryset.drafts()
        return queryset


@admin.register(Article)
class ArticleAdmin(ReaderNoteAdminMixin, DeskArticleAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    # Title and author first: at 1280 px with the admin's sidebars, both stay on screen.
    list_display = [
        "title",
        "author",
        "section",
        "publication_status",
        "published_at",
        "is_editors_pick",
        "editors_pick_order",
        "votes_and_views",
    ]
    list_display_links = ["title"]
    list_editable = ["editors_pick_order"]  # editors' picks ordered from the list (editors only: see below)
    # One status filter; tags and authors are typed (with suggestions), not 55-line lists.
    list_filter = [
        PublicationStatusFilter,
        "section",
        admin_lists.TagFilter,
        admin_lists.AuthorFilter,
        "published_at",
        "is_editors_pick",
    ]
    action_form = admin_lists.TagActionForm
    list_select_related = ["section", "author"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "-id"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section"]  # the images have the library's chooser (articles/media/chooser.py)
    raw_id_fields = ["author"]
    readonly_fields = [
        "search_preview",
        "social_preview",
        "reader_link",
        "vote_count",
        "view_count",
        "created_at",
        "updated_at",
    ]
    actions = [
        "publish_now",
        "publish_as_new",
        "unpublish",
        "mark_editors_pick",
        "unmark_editors_pick",
        "add_tags",
        "remove_tags",
    ]
    save_on_top = True
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        ("Hero image", {"fields": ["hero"]}),  # the chooser shows the picture
        ("Section and tags", {"fields": ["section", "tags"]}),
        (
            "Search and social",
            {
                "fields": [
                    "meta_title",
                    "meta_description",
                    "search_preview",
                    "social_title",
                    "social_description",
                    "social_image",
                    "social_preview",
                    "canonical_url",
                    "noindex",
                ],
                "description": "All optional: empty fields use the headline, the summary and the hero image.",
            },
        ),
        ("Byline", {"fields": ["byline", "dateline", "author"]}),
        ("Publishing", {"fields": ["status", "published_at", "reader_link"]}),
        (
            "Placement",
            {"fields": ["is_editors_pick", "editors_pick_order", "exclude_from_ranking", "ranking_pinned_until"]},
        ),
        ("Counters", {"fields": ["vote_count", "view_count", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    # --- what editors see -------------------------------------------------------------------------

    @admin.display(description="Status", ordering="status")
    def publication_status(self, obj: Article) -> str:
        if obj.is_published:
            return "Live"
        return "Scheduled" if obj.is_scheduled else "Draft"

    @admin.display(description="Votes / views", ordering="-view_count")
    def votes_and_views(self, obj: Article) -> str:
        return f"{obj.vote_count:,} / {obj.view_count:,}"

    @admin.display(description="In search results")
    def search_preview(self, obj: Article) -> str:
        return search_result_preview(obj)

    @admin.display(description="In link previews")
    def social_preview(self, obj: Article) -> str:
        return social_card_preview(obj)

    @admin.display(description="Reader link")
    def reader_link(self, obj: Article) -> str:
        if obj.pk is None:
            return "Save first."
        if obj.is_published:
            return format_html('<a href="{}">View on site</a>', obj.get_absolute_url())
        return format_html('<a href="{}">Preview</a> (staff only, not indexed)', obj.get_preview_url())

    def view_on_site(self, obj: Article) -> str | None:
        return obj.get_absolute_url() if obj.is_published else obj.get_preview_url()

    # --- who may do what --------------------------------------------------------------------------

    def get_queryset(self, request):
        # The list, its search, the autocomplete and every page of one article (`get_object`) start here, so a
        # colleague's draft or embargoed story is, for a writer, missing everywhere (articles/desk/visibility.py).
        return articles_visible_to(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or article_visible_to(request.user, obj))

    def _own_draft(self, request, obj: Article) -> bool:
        return obj.author_id == request.user.pk and obj.status == Article.Status.DRAFT

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or can_publish(request.user):
            return allowed
        return self._own_draft(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        if not allowed or obj is None or can_publish(request.user):
            return allowed
        return self._own_draft(request, obj)

    def has_publish_permission(self, request) -> bool:
        return can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            fields += [
                "status",
                "published_at",
                "author",
                "is_editors_pick",
                "editors_pick_order",
                "exclude_from_ranking",
                "ranking_pinned_until",
            ]
        return fields

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        tags = form.cleaned_data.get("tags") if "tags" in form.fields else None
        comment = f"Changed {', '.join(form.changed_data)}." if form.changed_data else ""
        if change:
            base_version, before = form.cleaned_data.get("base_version"), obj.version
            publishing.article_update(
                article=obj, by=request.user, base_version=base_version, tags=tags, comment=comment
            )
            request._desk_unchanged = obj.version == before  # nothing saved: the message says so
        else:
            publishing.article_create(article=obj, by=request.user, tags=tags)
        if moved := getattr(form, "slug_moved", None):
            self.message_user(request, "“{}” was taken: this story's address is “{}”.".format(*moved), messages.INFO)
        if removed := getattr(form, "removed_markup", None):  # never dropped silently (articles/editor/removals.py)
            self.message_user(request, "Body — removed: " + "; ".join(removed) + ".", messages.WARNING)

    # --- bulk actions: each article through its service, each change in its history ------------------

    # A story published before keeps its publish time (its place on home and in the feeds); "as new" moves it.
    publish_now = bulk_action(
        "Publish now",
        publishing.article_publish,
        only=Q(status=Article.Status.DRAFT) | Q(published_at__gt=Now()),
        logged="Published now.",
        done="Published {count} article(s).",
    )
    publish_as_new = bulk_action(
        "Publish now as new (publish time set to now)",
        publishing.article_publish,
        only=Q(status=Article.Status.DRAFT) | Q(published_at__gt=Now()),
        as_new=True,
        logged="Published now as new.",
        done="Published {count} article(s) with the publish time now.",
    )
    unpublish = bulk_action(
        "Unpublish (back to draft)",
        publishing.article_unpublish,
        only=Q(status=Article.Status.PUBLISHED),
        logged="Unpublished.",
        done="Unpublished {count} article(s).",
    )
    mark_editors_pick = editors_pick_action(picked=True)
    unmark_editors_pick = editors_pick_action(picked=False)
    add_tags = admin_lists.add_tags
    remove_tags = admin_lists.remove_tags

    class Media:
        css = {"all": ["desk/article-list.css"]}
        # The form's autosave; on the list too, where it forgets the browser's copy of a story saved with "Save".
        js = ["desk/autosave.js"]

    def get_changelist_form(self, request, **kwargs):
        return admin_lists.pick_order_form(super().get_changelist_form(request, **kwargs), request)


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "article", "created_at"]
    search_fields = ["old_slug", "article__title"]
    raw_id_fields = ["article"]


# --- votes: removal goes through the service, so the articles' counters follow ---------------------------------


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """Who voted for what. Filter by article to review its votes; deleting removes a vote and its count."""

    list_display = ["article", "voter_key", "created_at"]
    list_select_related = ["article"]
    list_filter = ["created_at"]
    search_fields = ["=article__id", "article__title", "=voter_key"]
    search_help_text = "Article id or title, or an exact voter key (u:<user id> / a:<cookie id>)."
    raw_id_fields = ["article"]
    date_hierarchy = "created_at"
    readonly_fields = ["article", "voter_key", "created_at"]
    list_per_page = 100
    actions = ["remove_fraudulent_votes"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)  # a plain delete would leave vote_count behind
        return actions

    @admin.action(description="Remove selected votes as fraudulent (vote counts follow)", permissions=["delete"])
    def remove_fraudulent_votes(self, request, queryset):
        removed = votes_remove_fraudulent(votes=list(queryset))
        self.message_user(request, f"Removed {removed} vote(s); the articles' counts were lowered to match.")

    def delete_model(self, request, obj: Vote) -> None:
        votes_remove_fraudulent(votes=[obj])

    def delete_queryset(self, request, queryset) -> None:
        votes_remove_fraudulent(votes=list(queryset))
