"""Defines: corrections readers see as an app (label `corrections`): the notes' table, with its migrations. Reads
nothing, writes nothing: the app's registration."""

from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    name = "articles.corrections"
    label = "corrections"
    verbose_name = "Corrections"
    default_auto_field = "django.db.models.BigAutoField"
