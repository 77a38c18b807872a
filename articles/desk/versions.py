"""Writes: every saved change of an article kept as a django-reversion version: registration, the revision block the
services write in, the state of a version (fields and tag names) and what changed between two states.

Counters (votes, views), the search document, `updated_at` and the trash mark are never versioned. The services
in `articles.publishing` decide whether anything changed; an unchanged save writes no row and no version.
"""

import datetime
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import reversion
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.fields.files import FieldFile
from reversion.models import Version
from taggit.models import Tag

from articles.desk.models import AUTOSAVE_COMMENT
from articles.models import Article, TaggedArticle
from articles.sanitize import sanitize_html

NOT_VERSIONED = ("vote_count", "view_count", "search_document", "updated_at", "trashed_at", "tags")
# What "changed" means: every field an editor can set (a field added to Article later is compared too); ids,
# stamps, counters and the version number are not editable, so never compared.
COMPARED = tuple(f.name for f in Article._meta.concrete_fields if f.editable and not f.primary_key)
LABELS = {"hero": "image", "published_at": "publish time", "tags": "tags"}


# Text a form may send as None and the row holds as "": the same for comparing.
TEXT_FIELDS = {"title", "summary", "byline", "dateline", "meta_title", "meta_description", "social_title"}
TEXT_FIELDS |= {"social_description", "canonical_url"}


def register() -> None:
    """Called once from `ArticlesConfig.ready()`: articles with their tags (through rows and the tags' names)."""
    if reversion.is_registered(Article):
        return
    reversion.register(Article, exclude=NOT_VERSIONED, follow=("tagged_items",))
    reversion.register(TaggedArticle, follow=("tag",))
    reversion.register(Tag)


def label(field: str) -> str:
    if field in LABELS:
        return LABELS[field]
    return str(Article._meta.get_field(field).verbose_name)


@contextmanager
def revision(*, by=None, comment: str = "") -> Iterator[None]:
    """One revision around a write; nested blocks join the outermost one, whose user and comment win."""
    with reversion.create_revision(manage_manually=True):
        if by is not None and by.pk and reversion.get_user() is None:
            reversion.set_user(by)
        if comment and not reversion.get_comment():
            reversion.set_comment(comment)
        yield


def version_add(article: Article) -> None:
    """Record the article as it is now (with its current tags) in the open revision."""
    reversion.add_to_revision(article)


def version_keep_first(article: Article, *, comment: str) -> bool:
    """Keep the saved `article` as it is now when it has no version yet (written in bulk, or before versions were
    kept): a form opened on it has something to build on. True when one was kept."""
    if saved_versions(article).exists():
        return False
    with revision(comment=comment):
        version_add(article)
    return True


def comparable(field: str, value: Any) -> Any:
    """A value two states can be compared by: ids for relations, names for files, sanitised body text."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    if field == "body" and isinstance(value, str):
        return sanitize_html(value.replace("\r\n", "\n"))
    if field == "tags":
        return tuple(sorted(value))
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0)  # the admin's time inputs carry whole seconds
    if value is None and field in TEXT_FIELDS:
        return ""
    return value


def state_of(article: Article, *, tags: list[str] | None = None) -> dict[str, Any]:
    """The compared fields (and tag names) of an article, saved or not."""
    values = {}
    for name in COMPARED:
        field = Article._meta.get_field(name)
        values[name] = (
            getattr(article, field.attname) if field.is_relation else comparable(name, getattr(article, name))
        )
    values["tags"] = comparable("tags", tags if tags is not None else article.tags.names() if article.pk else [])
    return values


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name in (*COMPARED, "tags") if name in after and before.get(name) != after[name]]


def fingerprint(value: Any) -> str:
    """A short digest of a `comparable` value: the form carries one per field for the state it was opened on,
    so a merge knows what each field said then without the whole text in the page. Times count in UTC."""
    if isinstance(value, datetime.datetime):
        value = value.astimezone(datetime.UTC)
    text = json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def fingerprints(state: dict[str, Any]) -> dict[str, str]:
    return {name: fingerprint(value) for name, value in state.items()}


@dataclass(frozen=True)
class ArticleVersion:
    """One kept version of an article: its revision's who/when/comment and the article's state then."""

    pk: int
    number: int
    at: datetime.datetime
    by: str
    comment: str
    article: Article  # unsaved: the article as it was
    tags: tuple[str, ...]

    @property
    def state(self) -> dict[str, Any]:
        return state_of(self.article, tags=list(self.tags))


def _tags_in(version: Version) -> tuple[str, ...]:
    siblings = version.revision.version_set.all()
    names = {v.object_id: v.field_dict.get("name") for v in siblings if v.content_type.model == "tag"}
    through = [v.field_dict for v in siblings if v.content_type.model == "taggedarticle"]
    return tuple(sorted(str(names.get(str(row["tag_id"]), row["tag_id"])) for row in through))


def _load(version: Version) -> ArticleVersion:
    user = version.revision.user
    article = version._object_version.object
    return ArticleVersion(
        pk=version.pk,
        number=article.version,
        at=version.revision.date_created,
        by=(user.get_full_name() or user.get_username()) if user else "someone (no account)",
        comment=version.revision.get_comment(),
        article=article,
        tags=_tags_in(version),
    )


def saved_versions(article: Article):
    """The article's kept versions, without autosaves."""
    return Version.objects.get_for_object(article).exclude(revision__comment=AUTOSAVE_COMMENT)


def load(version: Version) -> ArticleVersion:
    return _load(version)


def versions_of(article: Article, *, limit: int | None = None) -> list[ArticleVersion]:
    """Newest first."""
    found = saved_versions(article).select_related("revision__user").order_by("-pk")
    if limit is not None:
        found = found[:limit]
    return [_load(v) for v in found.prefetch_related("revision__version_set__content_type")]


def version_get(article: Article, *, pk: int) -> ArticleVersion | None:
    found = saved_versions(article).select_related("revision__user").filter(pk=pk).first()
    return _load(found) if found else None


def versions_since(article: Article, *, number: int) -> tuple[ArticleVersion | None, list[ArticleVersion]]:
    """The version numbered `number` (None if pruned) and every later one, oldest first."""
    later = []
    for kept in versions_of(article):
        if kept.number <= number:
            return (kept if kept.number == number else None), list(reversed(later))
        later.append(kept)
    return None, list(reversed(later))
