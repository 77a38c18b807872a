"""Defines: the `articles` app, and what its `ready()` wires: purging signals, accent folding, tag slugs, versions."""

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        from articles import signals

        signals.connect()
        from django.db.backends.signals import connection_created

        from articles.search import register_fold

        connection_created.connect(register_fold, dispatch_uid="articles_search_fold")  # SQLite's accent folding
        from articles.tags import slugs

        slugs.connect()  # never an empty tag slug: it has no URL
        from articles.desk import versions

        versions.register()  # every write of an article kept as a version (django-reversion)
        # Pillow refuses (rather than decodes) anything past twice this: decompression bombs.
        Image.MAX_IMAGE_PIXELS = settings.NEWSROOM_MAX_IMAGE_PIXELS
