"""Writes: `manage.py import_articles`: articles from a JSON file, created or updated by the publishing services."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.dateparse import parse_datetime

from articles import publishing
from articles.desk import versions
from articles.models import Article, Section

FIELDS = ("title", "summary", "body", "byline", "dateline", "status")


class Command(BaseCommand):
    help = (
        "Import articles from a JSON file: a list of objects with slug, title, body, section (a section slug) and "
        "optionally summary, byline, dateline, status, published_at (ISO 8601) and tags (a list). An existing slug "
        "is updated, a new one created, each through the publishing services (so each change is a kept version)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            items = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        created = updated = 0
        for item in items:
            try:
                is_new = self._import(item, source=path.name)
            except (ValidationError, Section.DoesNotExist, KeyError) as error:
                raise CommandError(f"{item.get('slug', '?')}: {error}") from error
            created, updated = created + is_new, updated + (not is_new)
        self.stdout.write(f"Imported {created} new and {updated} updated article(s).")

    @transaction.atomic
    def _import(self, item: dict, *, source: str) -> bool:
        article = Article.objects.not_in_trash().filter(slug=item["slug"]).first()
        is_new = article is None
        article = article or Article(slug=item["slug"])
        for name in FIELDS:
            if name in item:
                setattr(article, name, item[name])
        article.section = Section.objects.get(slug=item["section"])
        if item.get("published_at"):
            article.published_at = parse_datetime(item["published_at"])
        with versions.revision(comment=f"Imported from {source}."):
            if is_new:
                publishing.article_create(article=article, tags=item.get("tags"))
            else:
                publishing.article_update(article=article, tags=item.get("tags"))
        if not is_new:  # unchanged and never versioned (written in bulk): a first version to build on
            versions.version_keep_first(article, comment=f"Imported from {source}.")
        return is_new
