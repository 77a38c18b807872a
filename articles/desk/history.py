"""Writes: an article's history for editors: what each version changed, a readable diff between any two, and
restoring one (through `article_update`, so a restore is itself a new version and nothing else is lost)."""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from articles import publishing
from articles.desk import versions
from articles.media.models import Image
from articles.models import Article, Section

# What a restore brings back: the story itself. Status, publish time, author and placement stay as they are now.
RESTORED = (
    "title",
    "slug",
    "summary",
    "body",
    "hero_id",
    "social_image_id",
    "meta_title",
    "meta_description",
    "social_title",
    "social_description",
    "canonical_url",
    "noindex",
    "byline",
    "dateline",
    "section_id",
)
DIFFED = ("title", "summary", "body", "section", "tags", "hero", "slug")


def article_restore_version(*, article: Article, version_pk: int, by=None) -> Article:
    kept = versions.version_get(article, pk=version_pk)
    if kept is None:
        raise Article.DoesNotExist("No such version of this article.")
    for attname in RESTORED:
        setattr(article, attname, getattr(kept.article, attname))
    stamp = f"{kept.at:%Y-%m-%d %H:%M} UTC"
    return publishing.article_update(
        article=article,
        by=by,
        base_version=article.version,
        tags=list(kept.tags),
        comment=f"Restored version {kept.number} ({stamp}, {kept.by}).",
    )


@dataclass
class HistoryRow:
    version: versions.ArticleVersion
    changed: list[str]


def history_rows(article: Article) -> list[HistoryRow]:
    """Newest first, each with the fields it changed against the one before it."""
    kept = versions.versions_of(article)
    rows = []
    for index, version in enumerate(kept):
        before = kept[index + 1].state if index + 1 < len(kept) else {}
        names = versions.changed_fields(before, version.state) if before else []
        rows.append(HistoryRow(version=version, changed=[versions.label(n) for n in names]))
    return rows


def _words(text: str) -> list[str]:
    return re.findall(r"\S+\s*", text)


def text_diff(old: str, new: str) -> SafeString:
    """Word-level diff with <del> and <ins>."""
    a, b = _words(old), _words(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            out.append(format_html("<del>{}</del>", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(format_html("<ins>{}</ins>", "".join(b[j1:j2])))
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
    return mark_safe("".join(out))  # noqa: S308 — every piece escaped above


def tags_diff(old: tuple[str, ...], new: tuple[str, ...]) -> SafeString:
    parts = []
    for name in sorted(set(old) | set(new), key=str.lower):
        template = "{}" if name in old and name in new else "<del>{}</del>" if name in old else "<ins>{}</ins>"
        parts.append(format_html(template, name))
    return mark_safe(", ".join(parts))  # noqa: S308 — every name escaped above


def body_text(html: str) -> str:
    """The body as a reader reads it: text, a blank line between blocks."""
    return strip_tags(re.sub(r"</(p|h\d|li|blockquote|figcaption)>", "\n\n", html)).strip()


def _readable(version: versions.ArticleVersion, field: str) -> str:
    article = version.article
    if field == "body":
        return body_text(article.body)
    if field == "section":
        section = Section.objects.filter(pk=article.section_id).first()
        return str(section) if section else f"#{article.section_id}"
    if field == "tags":
        return ", ".join(version.tags)
    if field == "hero":
        image = _image(article.hero_id)
        return f"{image.alt} ({image.file.name})" if image else ""
    return str(getattr(article, field) or "")


def _image(image_id: int | None) -> Image | None:
    """A version's hero from the library (an image deleted since is shown as none)."""
    return Image.objects.filter(pk=image_id).first() if image_id else None


@dataclass
class FieldDiff:
    label: str
    changed: bool
    html: SafeString
    old_image: str = ""
    new_image: str = ""


def compare(old: versions.ArticleVersion, new: versions.ArticleVersion) -> list[FieldDiff]:
    diffs = []
    for field in DIFFED:
        before, after = _readable(old, field), _readable(new, field)
        html = tags_diff(old.tags, new.tags) if field == "tags" else text_diff(before, after)
        diff = FieldDiff(label=versions.label(field), changed=before != after, html=html)
        if field == "hero":
            old_image, new_image = _image(old.article.hero_id), _image(new.article.hero_id)
            diff.old_image = old_image.file.url if old_image else ""
            diff.new_image = new_image.file.url if new_image else ""
        diffs.append(diff)
    return diffs
