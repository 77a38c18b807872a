"""Writes: a first kept version for articles that have none, written in bulk: what a conflict check builds on.

Articles written in bulk (`seed_demo`) or before versions were kept (migration 0017) have no version, and a
form opened on one has nothing to merge against. These rows are what django-reversion itself would write for
`versions.revision()` + `version_add()`: one revision per article holding the article (its versioned fields),
its tag rows and their tags, serialised as reversion serialises them. Models come from `apps`, so migration
0017 runs it on its historical models and `seed_demo` on the live ones.
"""

import json

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.utils import timezone

# As `articles.desk.versions.NOT_VERSIONED`, frozen here: migration 0017 must write what it wrote when it ran.
NOT_VERSIONED = ("vote_count", "view_count", "search_document", "updated_at", "trashed_at", "tags")
FIRST_COMMENT = "First kept version."


def _fields(model, exclude=()) -> tuple[str, ...]:
    """The fields reversion's `register()` keeps for `model`."""
    opts = model._meta.concrete_model._meta
    return tuple(f.name for f in opts.local_fields + opts.local_many_to_many if f.name not in exclude)


def _content_type(apps, using: str, model):
    return apps.get_model("contenttypes", "ContentType").objects.db_manager(using).get_for_model(model)


def versions_store_first(*, apps, using: str, articles: list, comment: str = FIRST_COMMENT) -> int:
    """Keep `articles` (saved, none with a version yet) as they are now: one revision each. Returns how many."""
    if not articles:
        return 0
    Article = apps.get_model("articles", "Article")
    TaggedArticle = apps.get_model("articles", "TaggedArticle")
    Tag = apps.get_model("taggit", "Tag")
    Revision, Version = apps.get_model("reversion", "Revision"), apps.get_model("reversion", "Version")
    types = {model: _content_type(apps, using, model) for model in (Article, TaggedArticle, Tag)}
    fields = {Article: _fields(Article, NOT_VERSIONED), TaggedArticle: _fields(TaggedArticle), Tag: _fields(Tag)}

    tagged: dict[int, list] = {article.pk: [] for article in articles}
    rows = TaggedArticle._base_manager.using(using).filter(content_object_id__in=list(tagged)).order_by("pk")
    for row in rows:
        tagged[row.content_object_id].append(row)
    tag_ids = {row.tag_id for found in tagged.values() for row in found}
    tags = {tag.pk: tag for tag in Tag._base_manager.using(using).filter(pk__in=tag_ids)}
    tag_data = {pk: _serialised(tag, fields[Tag]) for pk, tag in tags.items()}

    now = timezone.now()
    revisions = Revision.objects.using(using).bulk_create(
        [Revision(date_created=now, comment=comment) for _ in articles]
    )
    kept = []
    for article, revision in zip(articles, revisions, strict=True):
        rows = tagged[article.pk]
        kept.append((revision.pk, types[Article].pk, article.pk, _serialised(article, fields[Article]), article.title))
        for row in rows:
            repr_ = f"{article.title} tagged with {tags[row.tag_id].name}"
            kept.append((revision.pk, types[TaggedArticle].pk, row.pk, _serialised(row, fields[TaggedArticle]), repr_))
        for tag_id in sorted({row.tag_id for row in rows}):
            kept.append((revision.pk, types[Tag].pk, tag_id, tag_data[tag_id], tags[tag_id].name))
    _insert_versions(Version, using, kept)
    return len(articles)


def _insert_versions(Version, using: str, kept: list[tuple]) -> None:
    """Plain rows, not model instances; PostgreSQL takes them by COPY (at 100,000 articles, minutes faster)."""
    connection = connections[using]
    names = ("revision", "content_type", "object_id", "db", "format", "serialized_data", "object_repr")
    columns = ", ".join(connection.ops.quote_name(Version._meta.get_field(name).column) for name in names)
    table = connection.ops.quote_name(Version._meta.db_table)
    rows = [(rev, ct, str(pk), using, "json", data, repr_) for rev, ct, pk, data, repr_ in kept]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})", rows)  # noqa: S608


def _serialised(obj, fields: tuple[str, ...]) -> str:
    """As reversion stores it: `serializers.serialize("json", (obj,), fields=...)` (a list of one)."""
    return json.dumps(serializers.serialize("python", (obj,), fields=fields), cls=DjangoJSONEncoder)


def articles_store_first_versions(*, apps, using: str, batch_size: int = 1000) -> int:
    """Every article with no kept version gets one (`batch_size` articles a round). Returns how many."""
    Article = apps.get_model("articles", "Article")
    Version = apps.get_model("reversion", "Version")
    if not Article._base_manager.using(using).exists():
        return 0
    article_type = _content_type(apps, using, Article)
    articles, stored, last = Article._base_manager.using(using), 0, 0
    while True:
        ids = list(articles.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return stored
        last = ids[-1]
        versioned = Version.objects.using(using).filter(db=using, content_type=article_type)
        versioned = set(versioned.filter(object_id__in=[str(pk) for pk in ids]).values_list("object_id", flat=True))
        missing = [pk for pk in ids if str(pk) not in versioned]
        if missing:
            batch = list(articles.filter(pk__in=missing).order_by("pk"))
            stored += versions_store_first(apps=apps, using=using, articles=batch)
