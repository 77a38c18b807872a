"""Reads: checking an archive's `content.json` before anything is written: its shape, its types and its references.

Everything a database constraint or a model's `full_clean()` would only find halfway through an import is
found here first, with where it is (`articles[3].votes[0]`): a wrong type, a naive datetime, a duplicate
slug, a tag or image an article names that the archive does not hold. The model's own rules (slug format,
lengths, URLs, a section inside itself) are still checked by `full_clean()` during the import, whose one
transaction then rolls back.
"""

import json
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime

from articles.corrections.models import clean_note
from articles.engagement.models import PopularityBucket
from articles.portability.archive import ArchiveError, check_media_name
from articles.portability.snapshot import FORMAT, FORMAT_VERSION

REQUIRED = object()
SHA256 = re.compile(r"[0-9a-f]{64}")
VOTER_KEY_LENGTH = 64  # `Vote.voter_key`'s max_length: votes are written in bulk, past the model's checks

SECTION = {"slug": "str", "name": "str", "description": ("str", ""), "position": ("int", 0), "parent": ("str?", None)}
TAG = {"slug": "str", "name": "str"}
IMAGE = {
    "key": "str", "file": "str", "sha256": "str", "alt": "str", "caption": ("str", ""), "credit": ("str", ""),
    "focal_x": ("float", 0.5), "focal_y": ("float", 0.5), "uploaded_at": ("datetime?", None),
    "uploaded_by": ("str?", None),
}  # fmt: skip
ARTICLE = {
    "slug": "str", "title": "str", "body": "str", "section": "str", "summary": ("str", ""),
    "meta_title": ("str", ""), "meta_description": ("str", ""), "social_title": ("str", ""),
    "social_description": ("str", ""), "canonical_url": ("str", ""), "noindex": ("bool", False),
    "byline": ("str", ""), "dateline": ("str", ""), "status": ("str", "draft"), "published_at": ("datetime?", None),
    "created_at": ("datetime?", None), "updated_at": ("datetime?", None), "trashed_at": ("datetime?", None),
    "is_editors_pick": ("bool", False), "editors_pick_order": ("int", 0), "exclude_from_ranking": ("bool", False),
    "ranking_pinned_until": ("datetime?", None), "author": ("str?", None), "hero": ("str?", None),
    "social_image": ("str?", None), "tags": ("list", []), "redirects": ("list", []), "votes": ("list", []),
    "popularity": ("list", []), "corrections": ("list", []),
}  # fmt: skip
REDIRECT = {"old_slug": "str", "created_at": ("datetime?", None)}
CORRECTION = {"note": "str", "made_at": "datetime", "by": ("str?", None)}


def _value(kind: str, value: Any, where: str) -> Any:
    if value is None and kind.endswith("?"):
        return None
    kind = kind.rstrip("?")
    if kind == "datetime":
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None or parsed.tzinfo is None:
            raise ArchiveError(f"{where}: expected an ISO 8601 date and time with its offset, got {value!r}.")
        return parsed
    expected = {"str": str, "int": int, "float": (int, float), "bool": bool, "list": list}[kind]
    if not isinstance(value, expected) or (kind in ("int", "float") and isinstance(value, bool)):
        raise ArchiveError(f"{where}: expected {kind}, got {type(value).__name__} {str(value)[:40]!r}.")
    if kind == "str" and "\x00" in value:
        raise ArchiveError(f"{where}: a NUL character is not allowed.")
    return float(value) if kind == "float" else value


def _record(raw: Any, spec: dict, where: str) -> dict:
    if not isinstance(raw, dict):
        raise ArchiveError(f"{where}: expected an object, got {type(raw).__name__}.")
    record = {}
    for name, rule in spec.items():
        kind, default = (rule, REQUIRED) if isinstance(rule, str) else rule
        if name not in raw:
            if default is REQUIRED:
                raise ArchiveError(f"{where}: {name!r} is missing.")
            record[name] = default
            continue
        record[name] = _value(kind, raw[name], f"{where}.{name}")
    return record


def _records(document: dict, key: str, spec: dict, natural_key: str) -> list[dict]:
    raw = document.get(key, [])
    if not isinstance(raw, list):
        raise ArchiveError(f"{key}: expected a list.")
    records, seen = [], set()
    for n, item in enumerate(raw):
        record = _record(item, spec, f"{key}[{n}]")
        if record[natural_key] in seen:
            raise ArchiveError(f"{key}[{n}]: {natural_key} {record[natural_key]!r} appears twice in the archive.")
        seen.add(record[natural_key])
        records.append(record)
    return records


def _vote(raw: Any, where: str) -> tuple[str, Any]:
    if not isinstance(raw, list) or len(raw) != 2:
        raise ArchiveError(f"{where}: expected [voter key, time].")
    key = _value("str", raw[0], where)
    if not key or len(key) > VOTER_KEY_LENGTH:
        raise ArchiveError(f"{where}: a voter key has 1 to {VOTER_KEY_LENGTH} characters.")
    return key, _value("datetime", raw[1], where)


def _bucket(raw: Any, where: str) -> tuple[str, Any, int, int]:
    if not isinstance(raw, list) or len(raw) != 4:
        raise ArchiveError(f"{where}: expected [granularity, period start, views, votes].")
    granularity = _value("str", raw[0], where)
    if granularity not in PopularityBucket.Granularity.values:
        raise ArchiveError(f"{where}: unknown granularity {granularity!r}.")
    views, votes = _value("int", raw[2], where), _value("int", raw[3], where)
    if views < 0 or max(abs(views), abs(votes)) > 2**62:
        raise ArchiveError(f"{where}: views and votes must be whole numbers, views not negative.")
    return granularity, _value("datetime", raw[1], where), views, votes


def _correction(raw: Any, where: str) -> dict:
    record = _record(raw, CORRECTION, where)
    try:
        record["note"] = clean_note(record["note"])
    except ValidationError as error:
        raise ArchiveError(f"{where}.note: {' '.join(error.messages)}") from None
    return record


def _article(record: dict, where: str, *, tags: set[str], images: set[str]) -> dict:
    for n, slug in enumerate(record["tags"]):
        if slug not in tags:
            raise ArchiveError(f"{where}.tags[{n}]: tag {slug!r} is not among the archive's tags.")
    for name in ("hero", "social_image"):
        if record[name] is not None and record[name] not in images:
            raise ArchiveError(f"{where}.{name}: image {record[name]!r} is not among the archive's images.")
    record["redirects"] = [_record(r, REDIRECT, f"{where}.redirects[{n}]") for n, r in enumerate(record["redirects"])]
    record["corrections"] = [_correction(c, f"{where}.corrections[{n}]") for n, c in enumerate(record["corrections"])]
    votes = [_vote(v, f"{where}.votes[{n}]") for n, v in enumerate(record["votes"])]
    record["votes"] = list(dict(votes).items())  # one vote per voter, as the unique key has it
    record["popularity"] = [_bucket(b, f"{where}.popularity[{n}]") for n, b in enumerate(record["popularity"])]
    if len({(g, start) for g, start, _views, _votes in record["popularity"]}) < len(record["popularity"]):
        raise ArchiveError(f"{where}.popularity: the same bucket appears twice.")
    return record


def content_parse(raw: bytes) -> dict:
    """The checked document: sections, tags, images and articles as lists of plain records."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ArchiveError(f"content.json is not valid JSON: {error}") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ArchiveError(f'content.json is not a Newsroom content export (no "format": "{FORMAT}").')
    if document.get("version") != FORMAT_VERSION:
        found = document.get("version")
        raise ArchiveError(f"content.json has format version {found!r}; this site reads version {FORMAT_VERSION}.")
    images = _records(document, "images", IMAGE, "key")
    digests: dict[str, str] = {}
    for n, image in enumerate(images):
        check_media_name(image["file"])
        if not SHA256.fullmatch(image["sha256"]):
            raise ArchiveError(f"images[{n}].sha256: expected 64 lowercase hex digits.")
        if digests.setdefault(image["file"], image["sha256"]) != image["sha256"]:
            raise ArchiveError(f"images[{n}]: media/{image['file']} is listed with two different SHA-256s.")
    tags = _records(document, "tags", TAG, "slug")
    articles = _records(document, "articles", ARTICLE, "slug")
    tag_slugs, image_keys = {t["slug"] for t in tags}, {i["key"] for i in images}
    return {
        "sections": _records(document, "sections", SECTION, "slug"),
        "tags": tags,
        "images": images,
        "articles": [_article(a, f"articles[{n}]", tags=tag_slugs, images=image_keys) for n, a in enumerate(articles)],
    }
