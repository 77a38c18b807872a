"""Reads: what an export holds: the site's content as one JSON document, every reference by natural key.

Sections by slug (parents listed before their children), tags by slug, library images by a key of this export
with their file name and the file's SHA-256 (so an import recognises a picture it already has under another
name; two images sharing one file, as the media migration can leave them, stay two), articles by slug with
their slug redirects, correction notes, vote rows and popularity buckets. Accounts are not exported: an article's
author, an image's uploader and a correction's editor travel as user names and are linked again only where the
importing site has that account.
Counters (`vote_count`, `view_count`) are written for reading only: an import recomputes them from the rows.
"""

import datetime
import hashlib
import json
from collections import defaultdict

from django.core.files.storage import default_storage
from django.utils import timezone
from taggit.models import Tag

from articles.corrections.models import Correction
from articles.engagement.models import PopularityBucket, Vote
from articles.media.models import Image
from articles.models import Article, Section, SlugRedirect, TaggedArticle
from articles.portability.archive import ArchiveError

FORMAT = "newsroom-content"
FORMAT_VERSION = 1
ARTICLE_FIELDS = (
    "slug", "title", "summary", "body", "meta_title", "meta_description", "social_title", "social_description",
    "canonical_url", "noindex", "byline", "dateline", "status", "published_at", "created_at", "updated_at",
    "is_editors_pick", "editors_pick_order", "exclude_from_ranking", "ranking_pinned_until", "trashed_at",
    "vote_count", "view_count",
)  # fmt: skip
IMAGE_FIELDS = ("alt", "caption", "credit", "focal_x", "focal_y", "uploaded_at")


def _sections() -> list[dict]:
    """Parents before children, so an import can link each section to a parent it has already placed."""
    rows = {s.pk: s for s in Section.objects.select_related("parent").order_by("pk")}
    placed: list[dict] = []
    done: set[int] = set()

    def place(section: Section, seen: frozenset = frozenset()) -> None:
        if section.pk in done or section.pk in seen:
            return
        if section.parent_id in rows:
            place(rows[section.parent_id], seen | {section.pk})
        done.add(section.pk)
        parent = section.parent.slug if section.parent_id else None
        placed.append({"slug": section.slug, "name": section.name, "description": section.description,
                       "position": section.position, "parent": parent})  # fmt: skip

    for section in rows.values():
        place(section)
    return placed


def file_sha256(name: str) -> str:
    """The SHA-256 of a stored media file, read in chunks; `ArchiveError` if the storage has lost it."""
    digest = hashlib.sha256()
    try:
        with default_storage.open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
    except OSError as error:
        raise ArchiveError(f"The library image file {name!r} is missing from the media storage: {error}") from error
    return digest.hexdigest()


def _images() -> list[dict]:
    images = []
    for image in Image.objects.select_related("uploaded_by").order_by("pk"):
        # Keyed by id: two library images may share a file (same picture, different words), stored once.
        record = {"key": str(image.pk), "file": image.file.name, "sha256": file_sha256(image.file.name)}
        record |= {name: getattr(image, name) for name in IMAGE_FIELDS}
        record["uploaded_by"] = image.uploaded_by.get_username() if image.uploaded_by_id else None
        images.append(record)
    return images


def _per_article(rows) -> dict[int, list]:
    grouped = defaultdict(list)
    for article_id, *values in rows:
        grouped[article_id].append(values)
    return grouped


def content_snapshot() -> dict:
    """The whole site's content as a JSON-ready document (datetimes still as objects: see `content_json`)."""
    articles = list(Article.objects.select_related("section", "hero", "social_image", "author").order_by("pk"))
    tag_slugs = _per_article(
        TaggedArticle.objects.order_by("content_object_id", "tag__slug").values_list("content_object_id", "tag__slug")
    )
    redirects = _per_article(SlugRedirect.objects.order_by("pk").values_list("article_id", "old_slug", "created_at"))
    corrections = _per_article(
        Correction.objects.order_by("made_at", "pk").values_list("article_id", "note", "made_at", "by__username")
    )
    votes = _per_article(Vote.objects.order_by("pk").values_list("article_id", "voter_key", "created_at"))
    buckets = _per_article(
        PopularityBucket.objects.order_by("article_id", "granularity", "period_start").values_list(
            "article_id", "granularity", "period_start", "views", "votes"
        )
    )
    records = []
    for article in articles:
        record = {name: getattr(article, name) for name in ARTICLE_FIELDS}
        record["section"] = article.section.slug
        record["author"] = article.author.get_username() if article.author_id else None
        for name in ("hero", "social_image"):
            record[name] = str(getattr(article, f"{name}_id")) if getattr(article, f"{name}_id") else None
        record["tags"] = [slug for (slug,) in tag_slugs[article.pk]]
        record["redirects"] = [{"old_slug": old, "created_at": at} for old, at in redirects[article.pk]]
        record["corrections"] = [{"note": note, "made_at": at, "by": by} for note, at, by in corrections[article.pk]]
        record["votes"] = votes[article.pk]
        record["popularity"] = buckets[article.pk]
        records.append(record)
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "sections": _sections(),
        "tags": list(Tag.objects.order_by("slug").values("slug", "name")),
        "images": _images(),
        "articles": records,
    }


def _iso(value: object) -> str:
    if isinstance(value, datetime.datetime):
        return value.isoformat()  # every microsecond (Django's encoder keeps milliseconds only)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def content_json(document: dict) -> bytes:
    """The document as UTF-8 JSON: datetimes in ISO 8601 with their offset, to the microsecond."""
    return json.dumps(document, default=_iso, ensure_ascii=False, indent=1).encode()
