"""Defines: the editors' desk as an app (label `desk`): edit locks, reviews, staged corrections and the trash, with
their migrations. Reads nothing, writes nothing: the app's registration."""

from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "articles.desk"
    label = "desk"
    verbose_name = "Editors' desk"
    default_auto_field = "django.db.models.BigAutoField"
