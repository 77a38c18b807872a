"""Reads: an article's tags in the article's own query, for the article page (one query less on every render).

`with_tags` adds the tags to the query that loads the article, as one JSON array in a subquery (PostgreSQL's
`json_agg`, SQLite's `json_group_array`), in the order they were put on the story; `tags_of` gives them as
`Tag` instances — built without a query, and recorded as shown by the page being built, as a loaded tag is
(`articles.signals.tag_loaded`), so a rename purges the page. An article loaded without `with_tags` gets its
tags the usual way (one query).
"""

import json

from django.db.models import F, Func, QuerySet, TextField
from taggit.models import Tag

from articles.models import Article, TaggedArticle

_ANNOTATION = "tag_rows"


class _TagRows(Func):
    """`[[id, name, slug], …]` of the article's tags, as JSON text, in the order they were added."""

    output_field = TextField()

    def __init__(self):
        super().__init__(F("pk"))

    def _subquery(self, aggregate: str) -> str:
        tag, tagged = Tag._meta.db_table, TaggedArticle._meta.db_table
        return (
            f"(SELECT {aggregate} FROM (SELECT t.id, t.name, t.slug FROM {tag} t JOIN {tagged} ta"  # noqa: S608
            " ON ta.tag_id = t.id WHERE ta.content_object_id = %(expressions)s ORDER BY ta.id) AS r)"
        )

    def as_sql(self, compiler, connection, **extra):
        aggregate = "json_group_array(json_array(r.id, r.name, r.slug))"
        return super().as_sql(compiler, connection, template=self._subquery(aggregate), **extra)

    def as_postgresql(self, compiler, connection, **extra):
        aggregate = "json_agg(json_build_array(r.id, r.name, r.slug))::text"
        return super().as_sql(compiler, connection, template=self._subquery(aggregate), **extra)


def with_tags(articles: QuerySet) -> QuerySet:
    """`articles`, each with its tags read in the same query (`tags_of`)."""
    return articles.annotate(**{_ANNOTATION: _TagRows()})


def tags_of(article: Article) -> list[Tag]:
    """The article's tags: from its own row when it was loaded `with_tags`, else one query."""
    rows = getattr(article, _ANNOTATION, _ANNOTATION)
    if rows == _ANNOTATION:
        return list(article.tags.all())
    return [Tag(id=pk, name=name, slug=slug) for pk, name, slug in json.loads(rows or "[]")]
