"""Reads: site search: the reader's query and filters read from the URL, then matched against published articles.

PostgreSQL: the stored, weighted full-text document (title, tags and summary, byline, body; accents folded by
the `newsroom_search` configuration, migration 0018), ranked or newest first. SQLite: every word must appear,
accents and case folded on both sides, in the title, summary, byline, body or a tag name; "relevance" puts
articles whose title holds more of the words first. Snippets and "did you mean" are in `search_hints`.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, connections
from django.db.models import Case, Exists, F, Func, IntegerField, OuterRef, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.db.models.lookups import Contains
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, Section, TaggedArticle
from articles.sections import section_by_slug, section_descendant_ids, section_tree
from newsroom.cache import EVERY_STORY, FRONT, SEARCH, shows_list

SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 10  # SQLite: one LIKE per word (and per field)
SEARCH_RESULTS_LIMIT = 1000  # PostgreSQL: the newest matches a search counts, ranks and shows
# Every query parameter the search page reads: the page cache keys a copy on these alone.
SEARCH_PARAMETERS = ("q", "section", "from", "to", "sort", "page")
SORTS = ("relevance", "date")
CONFIG = "newsroom_search"  # English stemming after unaccent (migration 0018)
# ts_headline marks matches with these; nothing else in the text can hold them (see `headline_source`).
MARK_START, MARK_STOP = "\x02", "\x03"
DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
FIRST_YEAR, LAST_YEAR = 1900, 2999  # dates a reader may filter on (and that convert to any time zone)


@dataclass(frozen=True)
class SearchOptions:
    """What the reader asked for: the cleaned query and the filters that were valid."""

    query: str = ""
    shortened: bool = False
    section: Section | None = None
    since: date | None = None  # the first day included
    until: date | None = None  # the last day included
    sort: str = "relevance"
    problems: list[str] = field(default_factory=list)

    def parameters(self, **changes) -> dict[str, str]:
        """The URL parameters that give these options (with `changes`), the empty ones left out."""
        values = {
            "q": self.query,
            "section": self.section.slug if self.section else "",
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
            "sort": "" if self.sort == "relevance" else self.sort,
        } | changes
        return {name: value for name, value in values.items() if value}


def section_choices() -> list[tuple[str, str]]:
    """(slug, name) of every section for the filter, in menu order, a subsection named with its path."""
    paths = sorted((s.path() for s in section_tree().values()), key=lambda path: [(s.position, s.name) for s in path])
    return [(path[-1].slug, " > ".join(s.name for s in path)) for path in paths]


def clean_search_query(raw: str) -> tuple[str, bool]:
    """The query readers typed, trimmed and capped; and whether it had to be shortened."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw)  # NUL and control characters
    query = " ".join(printable.split())
    return query[:SEARCH_MAX_LENGTH], len(query) > SEARCH_MAX_LENGTH


def parse_day(raw: str, name: str, problems: list[str]) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw) if DATE_FORMAT.fullmatch(raw) else None
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        problems.append(_("“%(value)s” is not a date (%(name)s): use YYYY-MM-DD.") % {"value": raw[:20], "name": name})
        return None
    return day


def parse_search(params: QueryDict) -> SearchOptions:
    """The search options in `params`; a value that is not valid is left out and named in `problems`."""
    problems: list[str] = []
    query, shortened = clean_search_query(params.get("q", ""))
    slug = params.get("section", "").strip()
    section = section_by_slug(slug) if slug else None
    if slug and section is None:
        problems.append(_("There is no section “%(slug)s”: every section was searched.") % {"slug": slug[:50]})
    since = parse_day(params.get("from", ""), _("from"), problems)
    until = parse_day(params.get("to", ""), _("to"), problems)
    if since and until and since > until:
        problems.append(_("The first day comes after the last: no article can match."))
    sort = params.get("sort", "").strip() or "relevance"
    if sort not in SORTS:
        problems.append(_("Results can be sorted by relevance or by date: sorted by relevance."))
        sort = "relevance"
    return SearchOptions(query, shortened, section, since, until, sort, problems)


def fold(text: str | None) -> str | None:
    """Lower case without accents ("Bogotá" → "bogota"): SQLite compares words in this form."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


class Fold(Func):
    """`fold()` in SQL: SQLite calls the Python function registered on each connection (`register_fold`)."""

    function = "newsroom_fold"
    output_field = TextField()


def register_fold(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: SQLite connections learn `newsroom_fold`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("newsroom_fold", 1, fold, deterministic=True)


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@shows_list(FRONT, EVERY_STORY, SEARCH)  # any published story may match, by its words or tags
def search_articles(options: SearchOptions):
    """Published articles matching the options' query within their filters, best or newest first."""
    articles = Article.objects.published().for_listing()
    if not options.query:
        return articles.none()
    if options.section:
        articles = articles.filter(section_id__in=section_descendant_ids(options.section.pk))
    if options.since:
        articles = articles.filter(published_at__gte=start_of(options.since))
    if options.until:
        articles = articles.filter(published_at__lt=start_of(options.until + timedelta(days=1)))
    if connection.vendor == "postgresql":
        return NewestMatches(articles, options)
    return folded_search(articles, options)


def headline_source():
    """The summary and the body as plain text: tags (and the two mark characters) replaced by spaces. Entities
    stay as they are; `search_hints` unescapes them before escaping the snippet."""
    text = Concat(F("summary"), Value(" "), F("body"), output_field=TextField())
    return Func(text, Value(r"<[^>]*>|[\x01-\x08]"), Value(" "), Value("g"), function="regexp_replace")


def headline(search_query: SearchQuery) -> SearchHeadline:
    """What a result says around the reader's words, the matches between `MARK_START` and `MARK_STOP`. An expensive
    function (cost 100): annotate it on a page's rows only."""
    return SearchHeadline(
        headline_source(),
        search_query,
        config=CONFIG,
        start_sel=MARK_START,
        stop_sel=MARK_STOP,
        max_words=30,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


class NewestMatches:
    """A PostgreSQL search's results, as the paginator reads them: the ids of the newest `SEARCH_RESULTS_LIMIT`
    matches in the order shown, read in one query (their number is the total), then a page's rows by id.

    The newest matches only, however many there are: a word a third of a 100,000-story archive holds cost 0.6 s to
    count and rank whole. PostgreSQL finds them through the GIN index on `search_document` or by walking the
    newest-first index, whichever it estimates cheaper for the words, and ranks each match as it finds it, its
    document read from the row (migration 0022). The count and the page used to find them once each
    (docs/benchmark.md, "Search at 100,000 articles, uncached"). Never a prepared statement: the best plan depends
    on the words.
    """

    def __init__(self, articles, options: SearchOptions):
        self.articles = articles  # published, within the reader's filters
        self.sort = options.sort
        # `search_document` is the stored, GIN-indexed weighted vector (migration 0018 keeps it current).
        self.search_query = SearchQuery(options.query, search_type="websearch", config=CONFIG)

    @functools.cached_property
    def ids(self) -> list[int]:
        newest = self.articles.filter(search_document=self.search_query).order_by("-published_at", "-id")
        if self.sort == "date":
            return list(newest.values_list("pk", flat=True)[:SEARCH_RESULTS_LIMIT])
        # Ranked as they are found (a narrow row to sort: no document), ordered by rank after the limit.
        rank = SearchRank(F("search_document"), self.search_query)
        newest = newest.annotate(rank=rank).values("id", "published_at", "rank")[:SEARCH_RESULTS_LIMIT]
        sql, params = newest.query.sql_with_params()  # the ORM's SQL, its values passed as parameters
        ranked = f"SELECT id FROM ({sql}) newest ORDER BY rank DESC, published_at DESC, id DESC"  # noqa: S608
        with connections[newest.db].cursor() as cursor:
            cursor.execute(ranked, params)
            return [pk for (pk,) in cursor.fetchall()]

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = self.ids[index]
        if not ids:
            return []
        page = self.articles.filter(pk__in=ids).annotate(snippet_text=headline(self.search_query))
        rows = {article.pk: article for article in page}
        return [rows[pk] for pk in ids if pk in rows]  # one unpublished since the ids were read is left out


def folded_search(articles, options: SearchOptions):
    words = [fold(word) for word in options.query.split()[:SEARCH_MAX_WORDS]]
    for word in words:
        tagged = TaggedArticle.objects.filter(Contains(Fold("tag__name"), word), content_object=OuterRef("pk"))
        fields = (Contains(Fold(name), word) for name in ("title", "summary", "byline", "body"))
        articles = articles.filter(Q(*fields, _connector=Q.OR) | Exists(tagged))
    if options.sort == "date":
        return articles.order_by("-published_at", "-id")
    in_title = sum(
        (Case(When(Contains(Fold("title"), word), then=1), default=0, output_field=IntegerField()) for word in words),
        start=Value(0),
    )
    return articles.annotate(title_words=in_title).order_by("-title_words", "-published_at", "-id")
