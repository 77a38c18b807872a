"""Serves: tags in the admin: sorted as people read (ignoring case), with how many articles use each, merged by
an action (any two or more, one kept), and the suggestions the article form's tag chips ask for."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.db.models.functions import Lower
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from taggit.models import Tag

from articles.tags.merge import tags_merge
from articles.tags.suggestions import tag_suggestions

admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["tag_name", "slug", "usage"]
    ordering = [Lower("name")]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    list_per_page = 100
    actions = ["merge_tags"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(usage_count=Count("articles_taggedarticle_items"))

    @admin.display(description="Name", ordering=Lower("name"))
    def tag_name(self, tag: Tag) -> str:
        return tag.name

    @admin.display(description="Articles", ordering="usage_count")
    def usage(self, tag: Tag) -> int:
        return tag.usage_count

    @admin.action(description="Merge selected tags into one…", permissions=["change", "delete"])
    def merge_tags(self, request, queryset):
        tags = list(queryset.order_by("-usage_count", Lower("name")))
        if len(tags) < 2:
            self.message_user(request, "Select two or more tags to merge.", messages.WARNING)
            return None
        kept = next((tag for tag in tags if str(tag.pk) == request.POST.get("kept")), None)
        if kept is None or "merge" not in request.POST:  # first ask which one to keep (the most used is offered)
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Merge tags",
                "tags": tags,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/taggit/tag/merge_tags.html", context)
        merged = [tag for tag in tags if tag.pk != kept.pk]
        try:
            done = tags_merge(kept=kept, merged=merged, by=request.user)
        except ValidationError as refused:
            self.message_user(request, "Not merged — " + " ".join(refused.messages), messages.ERROR)
            return None
        names = ", ".join(f"“{name}”" for name in done.merged)
        self.message_user(
            request, f"Merged {names} into “{done.kept}”: {done.retagged} article(s) retagged.", messages.SUCCESS
        )
        return None

    def get_urls(self):
        suggestions = self.admin_site.admin_view(self.suggestions_view)
        return [path("suggestions/", suggestions, name="taggit_tag_suggestions"), *super().get_urls()]

    def suggestions_view(self, request):
        """JSON for the tag chips: `{"tags": [{"name": …, "uses": …}, …]}` for `?q=`."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return JsonResponse({"tags": tag_suggestions(typed=request.GET.get("q", "")[:100])})
