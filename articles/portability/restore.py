"""Writes: importing an archive into this site: everything in one transaction, merged by natural keys.

Steps: the whole `content.json` is checked (`schema`), then every media file (its SHA-256 against the
archive's, and Pillow's checks of an upload) before the first write; then sections, tags, images and
articles are merged in one transaction, each matched by its natural key (section, tag and article slugs;
an image by its file name or, under another name, by its contents). What the archive says wins for the
fields it carries; what the site has and the archive does not is kept. Articles go through the publishing
services (sanitised, validated, one kept version per changed article, "Imported from …"); an unchanged one
is not saved at all (it gets a first kept version only if it had none), so importing the same archive twice
changes nothing the second time. Counters are recomputed from the rows. Every write is a save (or
`signals.reader_visible_update`), so after commit the cached pages that show what changed are purged, as after
an editor's save. Any error rolls it all back and deletes the files already copied: the site is as it was.
"""

import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from PIL import Image as PillowImage
from taggit.models import Tag

from articles import images, publishing
from articles.corrections.services import corrections_merge
from articles.desk import versions
from articles.engagement.reconcile import counts_reconcile
from articles.media.models import Image
from articles.media.services import image_create, image_update
from articles.models import Article, Section
from articles.portability import engagement, schema
from articles.portability.archive import ArchiveError, ArchiveReader
from articles.portability.snapshot import file_sha256
from articles.signals import reader_visible_update

SECTION_FIELDS = ("name", "description", "position")
IMAGE_FIELDS = ("alt", "caption", "credit", "focal_x", "focal_y")
ARTICLE_FIELDS = (
    "title", "summary", "body", "meta_title", "meta_description", "social_title", "social_description",
    "canonical_url", "noindex", "byline", "dateline", "status", "published_at", "is_editors_pick",
    "editors_pick_order", "exclude_from_ranking", "ranking_pinned_until",
)  # fmt: skip
STAMPS = ("created_at", "updated_at", "trashed_at")  # not editable: set after the service's save


@dataclass
class ImportReport:
    """How many of each kind were created, updated or already as the archive has them."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    kinds: list[str] = field(default_factory=list)  # in the order they were imported

    def count(self, kind: str, *, created: bool = False, changed: bool = False, n: int = 1) -> None:
        if kind not in self.kinds:
            self.kinds.append(kind)
        (self.created if created else self.updated if changed else self.unchanged)[kind] += n

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated)


def _media_checked(reader: ArchiveReader, record: dict) -> tuple[bytes, int, int]:
    """The file's bytes and size in pixels, once it matches its SHA-256 and passes an upload's checks."""
    data = reader.media(record["file"])
    if hashlib.sha256(data).hexdigest() != record["sha256"]:
        raise ArchiveError(f"media/{record['file']} does not match its SHA-256 in content.json (damaged archive?).")
    try:
        images.check_image(io.BytesIO(data))
    except ValidationError as error:
        raise ArchiveError(f"media/{record['file']}: {' '.join(error.messages)}") from None
    with PillowImage.open(io.BytesIO(data)) as opened:
        return data, *opened.size


def _same_file(image: Image, sha256: str) -> bool:
    try:
        return file_sha256(image.file.name) == sha256
    except ArchiveError:
        return False  # this image's own file is lost: not a match for anything


def _image_matching(record: dict, size: int, *, claimed: set[int]) -> Image | None:
    """The library image with the same name and contents, else one with the same contents under another name.

    An image already matched by another record of the archive is not matched again: two library images that
    share a file stay two (each keeps its own words), and a second import finds each by its name.
    """
    named = Image.objects.filter(file=record["file"]).exclude(pk__in=claimed).order_by("pk").first()
    if named is not None and _same_file(named, record["sha256"]):
        return named
    same_size = Image.objects.filter(file_size=size).exclude(file=record["file"]).exclude(pk__in=claimed)
    same_size = same_size.order_by("pk")
    return next((image for image in same_size if _same_file(image, record["sha256"])), None)


def _accounts_named(document: dict) -> dict:
    """The accounts of this site whose user names the archive mentions (as authors, uploaders or correctors)."""
    names = {record["author"] for record in document["articles"]} | {i["uploaded_by"] for i in document["images"]}
    names |= {note["by"] for record in document["articles"] for note in record["corrections"]}
    User = get_user_model()
    accounts = User.objects.filter(**{f"{User.USERNAME_FIELD}__in": names - {None}})
    return {account.get_username(): account for account in accounts}


class _Import:
    def __init__(self, reader: ArchiveReader, document: dict, source: str) -> None:
        self.reader, self.document, self.source = reader, document, source
        self.report = ImportReport()
        self.written: list[str] = []  # media files copied, deleted again if the import fails
        self.users = _accounts_named(document)
        self.tags: dict[str, Tag] = {}
        self.images: dict[str, Image] = {}
        self.article_ids: list[int] = []

    def sections(self) -> None:
        for record in self.document["sections"]:
            section = Section.objects.filter(slug=record["slug"]).first()
            created = section is None
            section = section or Section(slug=record["slug"])
            parent = None
            if record["parent"] is not None:
                parent = Section.objects.filter(slug=record["parent"]).first()
                if parent is None:
                    raise ArchiveError(f"Section {record['slug']!r}: its parent {record['parent']!r} is missing.")
            changed = created or section.parent_id != (parent.pk if parent else None)
            changed |= any(getattr(section, name) != record[name] for name in SECTION_FIELDS)
            if changed:
                section.parent = parent
                for name in SECTION_FIELDS:
                    setattr(section, name, record[name])
                _clean(section, f"Section {record['slug']!r}")
                section.save()
            self.report.count("sections", created=created, changed=changed)

    def tags_merge(self) -> None:
        for record in self.document["tags"]:
            tag = Tag.objects.filter(slug=record["slug"]).first()
            tag = tag or Tag.objects.filter(name__iexact=record["name"]).first()
            created = tag is None
            if created:
                tag = Tag(name=record["name"], slug=record["slug"])
                _clean(tag, f"Tag {record['slug']!r}")
                tag.save()
            # An existing tag keeps its name: other articles on this site carry it as it is.
            self.report.count("tags", created=created)
            self.tags[record["slug"]] = tag

    def images_merge(self) -> None:
        for record in self.document["images"]:
            data, width, height = _media_checked(self.reader, record)
            image = _image_matching(record, len(data), claimed={i.pk for i in self.images.values()})
            created = image is None
            changed = created or any(getattr(image, name) != record[name] for name in IMAGE_FIELDS)
            if created:
                name = default_storage.save(record["file"], ContentFile(data))
                self.written.append(name)
                # Stored as exported (already re-encoded by the site it came from, and checked above).
                image = Image(file=name, width=width, height=height, file_size=len(data))
                image.uploaded_by = self.users.get(record["uploaded_by"])
            if changed:
                for name in IMAGE_FIELDS:
                    setattr(image, name, record[name])
                _call(image_create if created else image_update, f"Image {record['file']!r}", image=image)
            if created and record["uploaded_at"]:
                Image.objects.filter(pk=image.pk).update(uploaded_at=record["uploaded_at"])
            self.report.count("images", created=created, changed=changed)
            self.images[record["key"]] = image

    def articles_merge(self) -> None:
        for record in self.document["articles"]:
            article = self._article(record)
            self.article_ids.append(article.pk)
            for kind, added in (
                ("redirects", engagement.redirects_merge(article=article, redirects=record["redirects"])),
                (
                    "correction notes",
                    corrections_merge(article=article, corrections=record["corrections"], users=self.users),
                ),
                ("votes", engagement.votes_merge(article_id=article.pk, votes=record["votes"])),
                ("popularity buckets", engagement.buckets_merge(article_id=article.pk, buckets=record["popularity"])),
            ):
                if added:
                    self.report.count(kind, created=True, n=added)  # added (or, for buckets, raised)

    def _article(self, record: dict) -> Article:
        where = f"Article {record['slug']!r}"
        article = Article.objects.filter(slug=record["slug"]).first()
        created = article is None
        article = article or Article(slug=record["slug"])
        version = article.version
        before = None if created else versions.state_of(article)
        for name in ARTICLE_FIELDS:
            setattr(article, name, record[name])
        section = Section.objects.filter(slug=record["section"]).first()
        if section is None:
            raise ArchiveError(f"{where}: its section {record['section']!r} is neither in the archive nor here.")
        article.section = section
        article.hero = self.images.get(record["hero"])
        article.social_image = self.images.get(record["social_image"])
        if record["author"] in self.users:  # an author with no account here: the article keeps the one it has
            article.author = self.users[record["author"]]
        tags = sorted({self.tags[slug].name for slug in record["tags"]})
        if created or versions.changed_fields(before, versions.state_of(article, tags=tags)):
            service = publishing.article_create if created else publishing.article_update
            with versions.revision(comment=f"Imported from {self.source}."):
                article = _call(service, where, article=article, tags=tags)
        else:
            versions.version_keep_first(article, comment=f"Imported from {self.source}.")  # unchanged, unversioned
        stamps = {name: record[name] for name in STAMPS if record[name] or name == "trashed_at"}
        stale = {name: value for name, value in stamps.items() if getattr(article, name) != value}
        if stale:  # not editable: no service sets them
            reader_visible_update(Article.objects.filter(pk=article.pk), **stale)
        self.report.count("articles", created=created, changed=bool(stale) or article.version != version)
        return article

    def counters(self) -> None:
        """Counters from the rows (`vote_count` = vote rows, `view_count` = bucket views)."""
        drifts = counts_reconcile(article_ids=self.article_ids)
        if drifts:
            self.report.count("counters recomputed", changed=True, n=len(drifts))


def _clean(instance, where: str) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ArchiveError(f"{where}: {_messages(error)}") from None


def _call(service, where: str, **kwargs):
    try:
        return service(**kwargs)
    except ValidationError as error:
        raise ArchiveError(f"{where}: {_messages(error)}") from None


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


def content_import(*, reader: ArchiveReader, source: str) -> ImportReport:
    """Merge the archive into this site in one transaction; `ArchiveError` (and no change at all) if it cannot."""
    document = schema.content_parse(reader.content())
    for record in {record["file"]: record for record in document["images"]}.values():
        _media_checked(reader, record)  # every file checked before the first write
    run = _Import(reader, document, source)
    try:
        with transaction.atomic():
            run.sections()
            run.tags_merge()
            run.images_merge()
            run.articles_merge()
            run.counters()
    except DatabaseError as error:
        _forget(run.written)
        raise ArchiveError(f"The database refused the import, nothing was kept: {error}") from error
    except BaseException:
        _forget(run.written)
        raise
    return run.report


def _forget(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
