"""Serves: tags in the admin: with how many articles use each (taggit's own admin lists names only)."""

from django.contrib import admin
from django.db.models import Count
from taggit.models import Tag

admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "usage"]
    ordering = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(usage_count=Count("articles_taggedarticle_items"))

    @admin.display(description="Articles", ordering="usage_count")
    def usage(self, tag: Tag) -> int:
        return tag.usage_count
