"""Serves: editors keep the authors' profiles: name, address, photo and bio."""

from django.contrib import admin

from articles.authors.models import Author


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name", "slug", "user__username"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    raw_id_fields = ["photo"]
