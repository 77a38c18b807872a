"""Defines: readers' engagement as an app (label `engagement`): votes and popularity buckets, with migrations.
Reads nothing, writes nothing: the app's registration."""

from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "articles.engagement"
    label = "engagement"
    verbose_name = "Readers' engagement (votes and popularity)"
    default_auto_field = "django.db.models.BigAutoField"
