from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html

from articles.forms import ArticleAdminForm
from articles.models import Article, Category, SlugRedirect, Vote
from articles.services import votes_remove_fraudulent

PUBLISH_PERMISSION = "articles.publish_article"


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
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
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "category",
        "publication_status",
        "published_at",
        "vote_count",
        "view_count",
        "is_editors_pick",
        "author",
    ]
    list_display_links = ["title"]
    list_filter = [PublicationStatusFilter, "status", "category", "tags", "author", "published_at", "is_editors_pick"]
    list_select_related = ["category", "author"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "-id"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category"]
    raw_id_fields = ["author"]
    readonly_fields = ["hero_preview", "reader_link", "vote_count", "view_count", "created_at", "updated_at"]
    actions = ["publish_now", "unpublish", "mark_editors_pick", "unmark_editors_pick"]
    save_on_top = True
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        ("Hero image", {"fields": ["hero_image", "hero_preview", "hero_alt", "hero_caption", "hero_credit"]}),
        ("Section and tags", {"fields": ["category", "tags"]}),
        ("Byline", {"fields": ["byline", "dateline", "author"]}),
        ("Publishing", {"fields": ["status", "published_at", "reader_link"]}),
        (
            "Placement",
            {
                "fields": ["is_editors_pick", "editors_pick_order", "exclude_from_ranking", "ranking_pinned_until"],
                "classes": ["collapse"],
            },
        ),
        ("Counters", {"fields": ["vote_count", "view_count", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    # --- what editors see -------------------------------------------------------------------------

    @admin.display(description="Status", ordering="status")
    def publication_status(self, obj: Article) -> str:
        if obj.is_published:
            return "Live"
        return "Scheduled" if obj.is_scheduled else "Draft"

    @admin.display(description="Preview")
    def hero_preview(self, obj: Article) -> str:
        if not obj.hero_image:
            return "No image yet."
        return format_html('<img src="{}" alt="{}" width="320">', obj.hero_image.url, obj.hero_alt)

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
        if obj.author_id is None:
            obj.author = request.user
        if not obj.byline and request.user.get_full_name():
            obj.byline = f"By {request.user.get_full_name()}"
        if not can_publish(request.user):
            # Defence in depth: the fields are read-only for writers, but a crafted POST must not publish.
            obj.status = Article.Status.DRAFT
        super().save_model(request, obj, form, change)

    # --- bulk actions -----------------------------------------------------------------------------

    def _bulk(self, request, queryset, message: str, **changes) -> int:
        count = 0
        for article in queryset:
            for field, value in changes.items():
                setattr(article, field, value)
            article.save()
            self.log_change(request, article, message)
            count += 1
        return count

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        now = timezone.now()
        queryset = queryset.filter(Q(status=Article.Status.DRAFT) | Q(published_at__gt=now))
        count = self._bulk(request, queryset, "Published now.", status=Article.Status.PUBLISHED, published_at=now)
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(description="Unpublish (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        queryset = queryset.filter(status=Article.Status.PUBLISHED)
        count = self._bulk(request, queryset, "Unpublished.", status=Article.Status.DRAFT)
        self.message_user(request, f"Unpublished {count} article(s).", messages.SUCCESS)

    @admin.action(description="Mark as editors' pick", permissions=["publish"])
    def mark_editors_pick(self, request, queryset):
        count = self._bulk(
            request, queryset.filter(is_editors_pick=False), "Marked as editors' pick.", is_editors_pick=True
        )
        self.message_user(request, f"Marked {count} article(s) as editors' pick.", messages.SUCCESS)

    @admin.action(description="Remove from editors' picks", permissions=["publish"])
    def unmark_editors_pick(self, request, queryset):
        count = self._bulk(
            request, queryset.filter(is_editors_pick=True), "Removed from editors' picks.", is_editors_pick=False
        )
        self.message_user(request, f"Removed {count} article(s) from editors' picks.", messages.SUCCESS)


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
