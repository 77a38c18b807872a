"""Defines: authors' public profiles as an app (label `authors`), with their migrations. Reads nothing, writes
nothing: the app's registration."""

from django.apps import AppConfig


class AuthorsConfig(AppConfig):
    name = "articles.authors"
    label = "authors"
    verbose_name = "Authors' profiles"
    default_auto_field = "django.db.models.BigAutoField"
