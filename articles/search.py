"""Site search: the reader's query cleaned, then matched against published articles."""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q

from articles.models import Article
from newsroom.cache import FRONT, shows_list

SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 10  # SQLite: one LIKE per word


def clean_search_query(raw: str) -> tuple[str, bool]:
    """The query readers typed, trimmed and capped; and whether it had to be shortened."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw)  # NUL and control characters
    query = " ".join(printable.split())
    return query[:SEARCH_MAX_LENGTH], len(query) > SEARCH_MAX_LENGTH


@shows_list(FRONT)  # any published story may match
def search_articles(query: str):
    """Published articles matching `query`, best first.

    PostgreSQL: full-text search weighted title > summary > body, ranked. Elsewhere (SQLite): every word
    must appear in the title, summary or body, newest first.
    """
    articles = Article.objects.published().for_listing()
    if not query:
        return articles.none()
    if connection.vendor == "postgresql":
        # `search_document` is the stored, GIN-indexed weighted vector (migration 0005 keeps it current).
        search_query = SearchQuery(query, search_type="websearch", config="english")
        return (
            articles.filter(search_document=search_query)
            .annotate(rank=SearchRank(F("search_document"), search_query))
            .order_by("-rank", "-published_at", "-id")
        )
    for word in query.split()[:SEARCH_MAX_WORDS]:
        articles = articles.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word))
    return articles.order_by("-published_at", "-id")
