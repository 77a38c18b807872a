"""Reads: related articles: the published articles sharing the most tags, newest first on ties, filled from the section,
then its top section, then the whole site."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import router
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article, Section, TaggedArticle
from articles.slices import articles_of_slices, newest_first
from newsroom.cache import related_key, shows_article
from newsroom.cache_entries import collecting, get_or_build, shows_read
from newsroom.cached_reverse import cached_reverse
from newsroom.prepared_sql import prepared_cursor

RELATED_LIMIT = 10
# Look at no more than this many tags of the article, and at the newest articles of each tag: about
# RELATED_CANDIDATES in all, shared among its tags (50 each for one or two tags, 20 each for five, never fewer
# than 10), so a tag on 100,000 articles costs the same as a tag on ten, and an article with many tags no more
# than one with two.
RELATED_TAGS_CONSIDERED = 20
RELATED_CANDIDATES = 100
RELATED_CANDIDATES_PER_TAG = 50
RELATED_MIN_CANDIDATES_PER_TAG = 10
RELATED_CACHE_SECONDS = 300
# More candidates than shown are cached, so that leaving out what the site-wide blocks show (at most 16) is
# done in Python, from the same cached list, on every page.
RELATED_MARGIN = 16


def related_articles(
    *, article: Article, tag_ids: list[int], exclude_ids: Iterable[int] = (), limit: int = RELATED_LIMIT
) -> list["Article | ListedStory"]:
    """Published articles sharing the most tags with `article`, newest first on ties; filled from its section,
    its top section and the site (`_fill`), so the list is full whenever the site has enough stories.

    Bounded whatever a tag's size: candidates are at most `candidates_per_tag` articles per tag, newest
    by id (a backward walk of the (tag, article) index that stops early; ordering by publish time would sort
    every article on the tag). The candidates' ids are cached; a page then costs one fetch of at most `limit`
    rows, plus the fill (one query) when fewer than `limit` share a tag. `exclude_ids` (what the page's
    other blocks show) are left out.
    """
    tag_ids = sorted(tag_ids)[:RELATED_TAGS_CONSIDERED]
    # Cached briefly: a story published meanwhile joins within minutes; one unpublished meanwhile is
    # dropped at once by the `published` fetch below.
    rows: dict[int, tuple] = {}  # when the candidates are found now: each one's row, read in the same query

    def candidates_with_rows() -> list[int]:
        rows.update(_most_shared_rows(article=article, tag_ids=tag_ids, limit=limit + RELATED_MARGIN))
        return list(rows)

    candidates = get_or_build(
        candidates_key(article_id=article.pk, tag_ids=tag_ids, limit=limit),
        candidates_with_rows,
        RELATED_CACHE_SECONDS,
        with_page=True,
    )
    excluded = {article.pk, *exclude_ids}
    ranked_ids = [pk for pk in candidates if pk not in excluded][:limit]
    if not rows:  # cached candidates: the rows of those still published, read as the candidates' query reads them
        rows = _published_rows(ranked_ids)
    # Only the rows shown become stories (each recorded as shown by the page), a section once.
    using, sections = router.db_for_read(TaggedArticle), {}
    related = [_listed_from_row(rows[pk], using=using, sections=sections) for pk in ranked_ids if pk in rows]
    if len(related) < limit:
        related += _fill(article=article, exclude_ids={*excluded, *ranked_ids}, count=limit - len(related))
    return related


def _fill(*, article: Article, exclude_ids: set[int], count: int) -> list[Article]:
    """The newest `count` stories of the article's section, then of its parent section and the parent's other
    sub-sections (a main section's: its sub-sections), then of the site, none of `exclude_ids`: one query, a
    union of three slices (each walking an index). No section tree to read: the parent is on the article's row.
    """
    newest = _as_listed(Article.objects.published().exclude(pk__in=exclude_ids)).order_by("-published_at", "-id")
    parent = article.section.parent_id or article.section_id
    slices = [
        newest.filter(section_id=article.section_id)[:count],
        newest.filter(Q(section_id=parent) | Q(section__parent_id=parent))[:count],
        newest[:count],
    ]
    found = {a.pk: a for a in articles_of_slices(slices)}.values()

    def nearest_first(candidate: Article) -> tuple:
        if candidate.section_id == article.section_id:
            return (0, *newest_first(candidate))
        family = parent in (candidate.section_id, candidate.section.parent_id)
        return (1 if family else 2, *newest_first(candidate))

    return sorted(found, key=nearest_first)[:count]


def _as_listed(articles: QuerySet) -> QuerySet:
    """Only the columns a Related item shows (its link, title, section and date: `{% widget_item %}`), no
    hero image: fewer columns to read and fewer model instances to build on every first view."""
    return articles.select_related("section").only(
        "id", "slug", "title", "published_at", "section_id", "section__name", "section__slug", "section__parent_id"
    )


def candidates_key(*, article_id: int, tag_ids: list[int], limit: int = RELATED_LIMIT) -> str:
    """The cache key of an article's Related candidates (for a page to prefetch it with its other entries)."""
    return related_key(article_id, limit, sorted(tag_ids)[:RELATED_TAGS_CONSIDERED])


def candidates_per_tag(tag_count: int) -> int:
    """How many of each tag's newest articles are candidates: RELATED_CANDIDATES shared among the tags."""
    share = RELATED_CANDIDATES // max(tag_count, 1)
    return min(RELATED_CANDIDATES_PER_TAG, max(RELATED_MIN_CANDIDATES_PER_TAG, share))


def _most_shared_tags(*, article: Article, tag_ids: list[int], limit: int) -> list[int]:
    """Ids of the published articles sharing most of `tag_ids`, among the newest few per tag. One query.

    Written as SQL: the ORM took longer to compile this union of up to 20 slices (≈ 4 ms) than the database
    took to run it, on every first view of an article. Each slice is the `candidates_per_tag` newest
    articles on a tag, a backward walk of the (tag, article) index alone; the outer query keeps the published
    ones and counts their shared tags. (Slices that joined the articles to filter them made PostgreSQL plan a
    join per slice: 2.5-3.8 ms of planning for 3-7 ms of execution.)
    """
    if not tag_ids:
        return []
    sql, params = _candidates_sql(article=article, tag_ids=tag_ids, limit=limit)
    with prepared_cursor(router.db_for_read(TaggedArticle)) as cursor:  # a replica's, for a reader
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _in_model_order(model, names: set[str]) -> tuple[str, ...]:
    """`names`, ordered as the model's columns are (`Model.from_db` takes a subset's values in that order)."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)


# What a Related item shows (`_as_listed`), read with the candidates: the article's, then its section's columns.
_ROW_ARTICLE = _in_model_order(Article, {"id", "slug", "title", "published_at", "section_id"})
_ROW_SECTION = _in_model_order(Section, {"id", "name", "slug", "parent_id"})
_STORY_AT = tuple(_ROW_ARTICLE.index(name) for name in ("id", "slug", "title", "published_at", "section_id"))
# Those columns, from a story `a` joined to its section `s`: what both of Related's row queries select.
_COLUMNS = ", ".join([*(f"a.{c}" for c in _ROW_ARTICLE), *(f"s.{c}" for c in _ROW_SECTION)])
_ROWS = f"SELECT {_COLUMNS} FROM {{stories}} JOIN {Section._meta.db_table} s ON s.id = a.section_id"  # noqa: S608


def _published_rows(ids: list[int]) -> dict[int, tuple]:
    """The rows (`_ROW_ARTICLE`, `_ROW_SECTION`) of the stories of `ids` still published: Related's cached candidates.

    Written as SQL, planned once per connection, as `_most_shared_rows` is: the ORM's query for the same rows took a
    true miss whose candidates were cached 0.7 ms more of CPU than one that chose them afresh."""
    if not ids:
        return {}
    sql = _ROWS.format(stories=f"{Article._meta.db_table} a") + (
        f" WHERE a.id IN ({', '.join(['%s'] * len(ids))}) AND {_PUBLISHED}"
    )
    with prepared_cursor(router.db_for_read(TaggedArticle)) as cursor:
        cursor.execute(sql, [*ids, *_published_parameters()])
        return {row[0]: row for row in cursor.fetchall()}


def _most_shared_rows(*, article: Article, tag_ids: list[int], limit: int) -> dict[int, tuple]:
    """`_most_shared_tags` with each candidate's row (`_ROW_ARTICLE`, `_ROW_SECTION`), in order: the same query
    joined to the article and its section, so a first view reads Related in one query instead of two."""
    if not tag_ids:
        return {}
    sql, params = _candidates_sql(article=article, tag_ids=tag_ids, limit=limit)
    rows_sql = _ROWS.format(stories=f"({sql}) c JOIN {Article._meta.db_table} a ON a.id = c.id") + (
        " ORDER BY c.shared DESC, c.newest DESC, c.id DESC"
    )
    with prepared_cursor(router.db_for_read(TaggedArticle)) as cursor:  # planned once per connection
        cursor.execute(rows_sql, params)
        return {row[0]: row for row in cursor.fetchall()}


@dataclass(frozen=True, slots=True)
class ListedStory:
    """A Related item read with the candidates: what `{% widget_item %}` shows of a story (`_as_listed`'s columns),
    without building a model instance for each of the 18 on every true miss."""

    pk: int
    slug: str
    title: str
    published_at: datetime
    section_id: int
    section: Section

    def get_absolute_url(self) -> str:
        return cached_reverse("articles:detail", slug=self.slug)  # as `Article.get_absolute_url`


def _listed_from_row(row: tuple, *, using: str, sections: dict[int, Section]) -> ListedStory:
    """A Related item from its row (recorded as shown, as loading the article records it); its section taken from
    `sections` when another item loaded it already."""
    pk, slug, title, published_at, section_id = (row[at] for at in _STORY_AT)  # `ListedStory`'s order
    section = sections.get(section_id)
    if section is None:
        section = sections[section_id] = Section.from_db(using, _ROW_SECTION, row[len(_ROW_ARTICLE) :])
    if collecting():
        shows_read(shows_article(pk))
    return ListedStory(pk, slug, title, _aware(published_at), section_id, section)


def _aware(value):
    """A publish time as the ORM gives it: aware, in UTC (SQLite's driver gives a naive one, or text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.make_aware(value, UTC) if value is not None and timezone.is_naive(value) else value


def _candidates_sql(*, article: Article, tag_ids: list[int], limit: int) -> tuple[str, list]:
    """The candidates' query: `id`, `shared` (tags in common) and `newest` (publish time), best first."""
    # Table names are the only text put into the SQL; every value is a parameter.
    tagged, articles = TaggedArticle._meta.db_table, Article._meta.db_table
    per_tag = (
        f"SELECT * FROM (SELECT content_object_id FROM {tagged} WHERE tag_id = %s AND content_object_id <> %s"  # noqa: S608
        " ORDER BY content_object_id DESC LIMIT %s) AS c{n}"
    )
    candidates = " UNION ALL ".join(per_tag.format(n=n) for n in range(len(tag_ids)))
    # Each candidate's shared tags counted by a probe of the (article, tag) index: the plan is the same whatever the
    # tags' sizes, so it holds as a prepared statement's generic plan (`newsroom.prepared_sql`), where a join of the
    # tags' rows to the candidates was planned as a scan of every row of the tags (26 ms at 100,000 articles).
    sql = (
        f"SELECT c.id, (SELECT COUNT(*) FROM {tagged} t WHERE t.content_object_id = c.id"  # noqa: S608
        f" AND t.tag_id IN ({', '.join(['%s'] * len(tag_ids))})) AS shared, a.published_at AS newest"
        f" FROM (SELECT DISTINCT content_object_id AS id FROM ({candidates}) AS u) c JOIN {articles} a ON a.id = c.id"
        f" WHERE {_PUBLISHED} ORDER BY shared DESC, newest DESC, c.id DESC LIMIT %s"
    )
    params = [*tag_ids]
    per_tag = candidates_per_tag(len(tag_ids))
    for tag_id in tag_ids:
        params += [tag_id, article.pk, per_tag]
    params += [*_published_parameters(), limit]
    return sql, params


# `Article.objects.published()` of the row `a`, in the SQL above; its parameters, in order.
_PUBLISHED = "a.status = %s AND a.published_at <= %s AND a.trashed_at IS NULL"


def _published_parameters() -> list:
    return [Article.Status.PUBLISHED, timezone.now()]
