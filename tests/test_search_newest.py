"""A PostgreSQL search reads its newest matches once (`search.NewestMatches`): the same total, order, rows and
snippets as the straightforward queries it replaced (count the newest matches; rank them and read a page, with
snippets, in another query), whatever the words, filters, sort and page; and the search document stays in the
article's row, where checking and ranking a match reads no TOAST table (migration 0022)."""

from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone

from articles import search
from articles.models import Article
from tests.builders import build_newsroom
from tests.test_search import result_titles

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search"),
]

WORDS = ["harbour", "storm", "budget", "festival", "Bogotá"]


def straightforward(articles, options: search.SearchOptions):
    """What a search ran before: the newest matches' ids as a subquery, ranked and read with their snippets."""
    search_query = SearchQuery(options.query, search_type="websearch", config=search.CONFIG)
    newest = articles.filter(search_document=search_query).order_by("-published_at", "-id").values("pk")
    found = articles.filter(pk__in=newest[: search.SEARCH_RESULTS_LIMIT]).annotate(
        snippet_text=search.headline(search_query)
    )
    if options.sort == "date":
        return found.order_by("-published_at", "-id")
    return found.annotate(rank=SearchRank(F("search_document"), search_query)).order_by("-rank", "-published_at", "-id")


@pytest.fixture
def newsroom():
    """Stories whose words sit in the title, summary, body, byline or tags, several at one publish time (ties), some
    drafts, scheduled and in the trash, over the four sections of `build_newsroom`."""
    room = build_newsroom(count=8)
    sections = [room.world, room.asia, room.business, room.sports]
    now = timezone.now().replace(microsecond=0)
    for n in range(60):
        words = [WORDS[(n * k) % len(WORDS)] for k in (1, 2, 3)]
        article = Article.objects.create(
            title=f"{words[0].capitalize()} {n} " + ("and " + words[1] if n % 3 == 0 else "report"),
            slug=f"search-story-{n}",
            summary=f"A {words[1]} summary." if n % 2 else "",
            body=f"<p>{' '.join(words[n % 3 :] * (n % 4 + 1))} in the city &amp; beyond.</p><p>Item {n}.</p>",
            byline=f"By {words[2].capitalize()} Writer" if n % 5 == 0 else "",
            section=sections[n % 4],
            status=Article.Status.DRAFT if n % 11 == 0 else Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=(n // 3) * 7 - (30 if n % 13 == 0 else 0)),  # threes share a time
            trashed_at=now if n % 17 == 0 else None,
        )
        article.tags.add(f"tag-{words[n % 3].lower()}", "common")
    return room


def options_for(**params) -> search.SearchOptions:
    return search.parse_search(QueryDict(urlencode(params)))


CASES = [
    {"q": "storm"},
    {"q": "harbour budget"},
    {"q": "storm or festival"},
    {"q": '"storm in"'},
    {"q": "budget -harbour"},
    {"q": "bogota"},
    {"q": "common"},
    {"q": "writer"},
    {"q": "story"},
    {"q": "nothingmatches"},
    {"q": "storm", "sort": "date"},
    {"q": "common", "sort": "date", "section": "world"},
    {"q": "festival", "section": "business"},
    {"q": "common", "from": (date.today() - timedelta(days=3)).isoformat(), "to": date.today().isoformat()},
]


def test_the_same_total_order_rows_and_snippets_as_the_straightforward_queries(newsroom, monkeypatch):
    for limit in (1000, 7):  # 7: fewer than the matches, so the cap decides which are shown
        monkeypatch.setattr(search, "SEARCH_RESULTS_LIMIT", limit)
        for params in CASES:
            options = options_for(**params)
            matches = search.search_articles(options)
            expected = straightforward(matches.articles, options)

            assert len(matches) == expected.count(), params
            assert matches.ids == list(expected.values_list("pk", flat=True)), params
            for page in (slice(0, 3), slice(3, 20), slice(20, 40)):
                shown = [(a.pk, a.title, a.snippet_text) for a in matches[page]]
                assert shown == [(a.pk, a.title, a.snippet_text) for a in expected[page]], params
            if len(matches):
                assert matches[len(matches) - 1].pk == matches.ids[-1]
    assert len(search.search_articles(options_for(q="common"))) == 7  # the cases found more than the cap


def test_the_pages_a_reader_sees_are_the_same(client, newsroom, monkeypatch):
    """Through the view: the total and each page's titles, as the straightforward queries give them."""
    monkeypatch.setattr(search, "SEARCH_RESULTS_LIMIT", 25)
    monkeypatch.setattr("articles.views.site_search.SEARCH_RESULTS_LIMIT", 25)
    options = options_for(q="common")
    expected = [a.title for a in straightforward(search.search_articles(options).articles, options)]
    assert len(expected) == 25

    first = client.get("/search/", {"q": "common"})
    second = client.get("/search/", {"q": "common", "page": 2})

    assert "total 25" in first.content.decode()
    assert result_titles(first) == expected[:20]
    assert result_titles(second) == expected[20:]


def test_the_search_document_stays_in_the_row():
    """A document put out of the row (PostgreSQL's default for the largest column of a row over ~2 kB) cost an index
    probe and a page more for each match checked or ranked: 5-10 times the CPU of a common word's search."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'articles_article'::regclass "
            "AND attname = 'search_document'"
        )
        assert cursor.fetchone()[0] == "m"  # MAIN: in the row, out of it only if nothing else makes it fit
