"""Defines: the media library as an app (label `library`: `media` would read like MEDIA_ROOT and MEDIA_URL): images
and their migrations. Reads nothing, writes nothing: the app's registration."""

from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "articles.media"
    label = "library"
    verbose_name = "Media library"
    default_auto_field = "django.db.models.BigAutoField"
