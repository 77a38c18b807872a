"""Reads: what a search page shows besides its results: a snippet of each result with the reader's words marked, and
"did you mean" when a search finds little.

Snippets: PostgreSQL's `ts_headline` (annotated by `search.NewestMatches`, computed for the page's rows only)
marks matches with two control characters; here the text is unescaped, escaped again, and only those become
`<mark>`. SQLite marks the reader's words in the summary (accents and case folded).

Suggestions (PostgreSQL): each word of the query replaced by the most similar word (trigram similarity) of
`articles_search_word`, the words of published headlines, summaries, bylines and tags, refreshed by
`manage.py refresh_search_words` (and `seed_demo`). A word readers can find is its own best match.
"""

import html
import re

from django.db import connections, router
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from articles.search import MARK_START, MARK_STOP, SEARCH_MAX_WORDS, fold

SUGGEST_BELOW = 3  # results: fewer than this and the page offers what the reader may have meant
WORD = re.compile(r"\w+")

SUGGEST_SQL = """
SELECT best.word
FROM unnest(%s::text[]) WITH ORDINALITY AS given(word, position)
LEFT JOIN LATERAL (
    SELECT candidate.word FROM articles_search_word candidate
    WHERE candidate.word %% given.word
    ORDER BY similarity(candidate.word, given.word) DESC, candidate.ndoc DESC, candidate.word
    LIMIT 1
) best ON true
ORDER BY given.position
"""


def marked(text: str) -> SafeString:
    """`ts_headline` output as HTML: everything escaped, the match delimiters turned into `<mark>`."""
    escaped = escape(" ".join(html.unescape(text).split()))  # the spaces left where tags were, one each
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))  # noqa: S308 — escaped above


def mark_words(text: str, words: list[str]) -> SafeString:
    """`text` escaped, each occurrence of one of `words` (folded: any case, any accents) in `<mark>`."""
    folded_words = [w for w in dict.fromkeys(fold(word) for word in words) if w]
    # Fold character by character, so a match in the folded text maps back to the original characters.
    folded, origin = [], []
    for index, char in enumerate(text):
        for piece in fold(char):
            folded.append(piece)
            origin.append(index)
    folded_text = "".join(folded)
    spans: list[tuple[int, int]] = []
    for word in folded_words:
        for match in re.finditer(re.escape(word), folded_text):
            spans.append((origin[match.start()], origin[match.end() - 1] + 1))
    out, position = [], 0
    for start, stop in sorted(spans):
        if start < position:
            continue  # overlaps a mark already made
        out += [escape(text[position:start]), "<mark>", escape(text[start:stop]), "</mark>"]
        position = stop
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 — every piece of text escaped above


def add_snippets(articles: list[Article], query: str) -> None:
    """Give each result its `snippet`: what it says around the reader's words, those words marked."""
    for article in articles:
        headline = getattr(article, "snippet_text", None)
        if headline is not None:
            article.snippet = marked(headline)
        elif article.summary:
            article.snippet = mark_words(article.summary, query.split()[:SEARCH_MAX_WORDS])
        else:
            article.snippet = ""


def suggest_query(query: str) -> str | None:
    """A query spelled as published stories spell their words ("Tokoy" → "Tokyo"), or None: the same
    query, or no suggestion on this database. One query, one trigram index lookup per word."""
    words = WORD.findall(query)[:SEARCH_MAX_WORDS]
    alias = router.db_for_read(Article)
    if not words or connections[alias].vendor != "postgresql":
        return None
    with connections[alias].cursor() as cursor:
        cursor.execute(SUGGEST_SQL, [[fold(word) for word in words]])
        best = [row[0] for row in cursor.fetchall()]
    suggested = [
        (found.capitalize() if word[:1].isupper() else found) if found else word
        for word, found in zip(words, best, strict=True)
    ]
    if [fold(word) for word in suggested] == [fold(word) for word in words]:
        return None
    return " ".join(suggested)


def search_words_refresh() -> int:
    """Rebuild the vocabulary of suggestions from what is published now; how many words it holds."""
    alias = router.db_for_write(Article)
    if connections[alias].vendor != "postgresql":
        return 0
    with connections[alias].cursor() as cursor:
        cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY articles_search_word")
        cursor.execute("SELECT count(*) FROM articles_search_word")
        return cursor.fetchone()[0]
