"""Defines: every cache key the project uses, how it is built, and how it is dropped.

Four kinds of entries live in the cache (how each is kept: `newsroom/cache_entries.py`):
- whole pages and shared blocks, each with what it shows (the `shows_*` names below), purged after commit
  by exactly the changes that touch what they show (`articles.signals` says which change purges what);
- cached reads (section tree, Related, rankings): rebuilt on a miss or when stale by the caller's builder;
- counters (view buffer, rate limits, sign-in failures): `counter_add`, atomic in Redis and local memory;
- markers (a reader seen, a flush due, an hour flushed): plain `add`/`set` with a timeout.

Keys that would carry a reader's id, address or name hold a keyed hash of it instead (`hashed`).
"""

import functools
import time
from collections.abc import Callable, Iterable
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import salted_hmac

from newsroom.cache_entries import collecting, purge, reads_unrecorded, shows_read


def hashed(purpose: str, value: str) -> str:
    """A keyed hash (SECRET_KEY) of `value`: stable enough to count with, useless for identifying anyone."""
    return salted_hmac(purpose, value, algorithm="sha256").hexdigest()[:32]


# --- what a cached page or block shows, and purging it -----------------------------------------------
#
# Every cached page and shared block records what it shows ("dependencies": the article 12, the tag 3's
# name, the list of section 5, ...) and, for each, the purge mark current when it was built. A change
# purges its dependencies after commit (a new mark), and every copy that shows them is a miss from then on;
# copies that do not show them stay. Marks are timestamps, so a copy rendered while a purge happened (its
# rows may predate the change) is not kept: see `shown_versions`.

SITE = "site"  # the site's name and its sections (header, breadcrumbs): on every page
FRONT = "front"  # home, latest, most read, search, feeds, sitemaps: a story joining, leaving or moving shows there
# Search results and sitemaps read every published story's words, addresses and dates without recording the rows:
# any save of a published story purges them, even one that moves it in no list (`articles.signals.IN_PLACE_FIELDS`).
EVERY_STORY = "every-story"
SEARCH = "search"  # search results: tags are in the search document, so a tag added, removed or renamed shows there


def shows_article(article_id: int) -> str:
    return f"article:{article_id}"


def shows_section_list(section_id: int) -> str:
    """The articles of a section (its page and feed, which include its sub-sections)."""
    return f"section-list:{section_id}"


def shows_tag(tag_id: int) -> str:
    """A tag's name (on its articles' pages and its own)."""
    return f"tag:{tag_id}"


def shows_tag_list(tag_id: int) -> str:
    """The articles of a tag (its page and feed)."""
    return f"tag-list:{tag_id}"


def shows_author(author_id: int) -> str:
    """An author's profile (name, address, photo, bio: on their page and their stories' bylines)."""
    return f"author:{author_id}"


def shows_author_list(user_id: int) -> str:
    """The stories of an author (their page and feed), by the account that owns them (`Article.author`)."""
    return f"author-list:{user_id}"


# --- recorded where it is read --------------------------------------------------------------------------
#
# Views never say what they show. Every article loaded while a page or block is built is recorded
# (`Article.from_db`), and every tag (`articles.signals.tag_loaded`); a list is recorded by the selector that
# reads it (`shows_list`); a read that loads more than it shows records only what it keeps (`shows_only`).
# Recording too much only purges a copy more often; recording too little keeps a stale one.


def shows_list[**P, R](
    *dependencies: str | Callable[..., Iterable[str]], rows: bool = True
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare the list a selector reads (its names, or a function of the selector's arguments giving them): a page
    or block that calls it is purged when an article joins or leaves the list.

    `rows=False`: the list covers all the page shows of its rows (a sitemap's addresses and dates change only by
    saves that purge the list), so rows loaded during the call are not recorded one by one.
    """

    named = None if len(dependencies) == 1 and callable(dependencies[0]) else dependencies

    def decorate(read: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(read)
        def recorded(*args: P.args, **kwargs: P.kwargs) -> R:
            if collecting():
                shows_read(*(named if named is not None else dependencies[0](*args, **kwargs)))
            if rows:
                return read(*args, **kwargs)
            with reads_unrecorded():
                return read(*args, **kwargs)

        return recorded

    return decorate


def shows_only[**P, R](article_ids: Callable[[R], Iterable[int]]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """For a read that loads more articles than it shows (candidates to choose among): what it loads and lists
    is not recorded, only the articles `article_ids(result)` names."""

    def decorate(read: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(read)
        def recorded(*args: P.args, **kwargs: P.kwargs) -> R:
            with reads_unrecorded():
                result = read(*args, **kwargs)
            if collecting():
                shows_read(*(shows_article(pk) for pk in article_ids(result)))
            return result

        return recorded

    return decorate


def is_list(dependency: str) -> bool:
    """Lists gain a scheduled article at its publish time: copies that show one are served only while every
    story gone live has been purged into the marks (`articles.going_live`)."""
    return dependency == FRONT or dependency.startswith(("section-list:", "tag-list:", "author-list:"))


# --- shared blocks, Related, section tree, next publication -----------------------------------------

SECTION_TREE_KEY = "articles:section-tree:v2"  # v2: kept as its pickle (`articles.sections.section_tree`)
PUBLISHED_TOTAL_KEY = "articles:published-total:v1"
# Scheduled stories going live (`articles.going_live`): when the next one goes live, whether a schedule changed
# since it was noted, and until when every story gone live has been purged from the lists.
NEXT_PUBLICATION_KEY = "articles:next-publication:v2"
SCHEDULE_CHANGED_KEY = "articles:schedule-changed:v1"
LISTS_CAUGHT_UP_KEY = "articles:lists-caught-up:v1"


def site_changed_on_commit() -> None:
    """A section or the site's name changed: the tree is rebuilt and every page shows the change."""

    def purge_site() -> None:
        cache.delete(SECTION_TREE_KEY)
        purge(SITE)

    transaction.on_commit(purge_site)


def schedule_changed_on_commit() -> None:
    """An article was saved: its publish time may come before the noted next one. The next list lookup notes it
    again; a catch-up that read the schedule meanwhile sees the change (`articles.going_live.lists_catch_up`)."""

    def forget_next() -> None:
        cache.set(SCHEDULE_CHANGED_KEY, time.time_ns(), timeout=None)
        cache.delete(NEXT_PUBLICATION_KEY)

    transaction.on_commit(forget_next)


def section_nav_key(section_id: int | None, language: str) -> str:
    return f"articles:section-nav:v3:{language}:{section_id or '-'}"


def site_blocks_key(section_id: int | None, language: str) -> str:
    return f"articles:site-blocks:v4:{language}:{section_id or 'front'}"


def ranking_block_key(language: str) -> str:
    """Ranking as every article page shows it (`articles.stitching`): one copy for the whole site."""
    return f"articles:ranking-block:v1:{language}"


def recommendation_block_key(top_section_id: int | None, language: str) -> str:
    """Recommendation's candidates for the article pages of a top-level section (`articles.stitching`)."""
    return f"articles:recommendation-block:v1:{language}:{top_section_id or '-'}"


def related_key(article_id: int, limit: int, tag_ids: list[int]) -> str:
    # Retagging changes `tag_ids` and so the key; publishing elsewhere joins when the entry expires.
    return f"articles:related:v2:{article_id}:{limit}:{','.join(map(str, tag_ids))}"


def ranking_key(*, window: int | None, half_life: int | None, section_id: int | None, limit: int, weights: str) -> str:
    parts = [window or "all", half_life or "-", section_id or "-", limit, weights]
    return "popularity:v1:" + ":".join(map(str, parts))


# --- whole pages ------------------------------------------------------------------------------------


def page_parameters[V: Callable](*names: str) -> Callable[[V], V]:
    """Declare the query parameters a cached view reads (none: `@page_parameters()`). Its page is one copy per
    value of those: any other parameter (`?q=` on the front page, a tracker's) is served that same copy, and
    renders nothing. Decorators built with `functools.wraps` carry the declaration outwards."""

    def declare(view: V) -> V:
        view.page_parameters = tuple(sorted(set(names)))
        return view

    return declare


def kept_until_changed[V: Callable](view: V) -> V:
    """Declare a cached view whose pages show nothing that changes without a purge (no Ranking, no count read in
    place): its copies are kept until something they show changes, as a story's own part is
    (`NEWSROOM_FRAGMENT_SECONDS`, a safety net), not `NEWSROOM_PAGE_CACHE_SECONDS`. A shared block it embeds still
    limits the copy to the block's lifetime (`Shown.fresh_until`). Tag, author and latest pages: a tag's page is
    rendered ahead (`articles.render_ahead`) and stays so until a story on it, or joining it, changes."""

    @functools.wraps(view)
    def kept(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.kept_until_changed = True
        return response

    return kept


def page_key(*, host: str, path: str, query, scheme: str = "http", parameters: Iterable[str] | None = ()) -> str:
    """One shared copy per page: scheme, host, path, and the query parameters its view reads (`parameters`, from
    `page_parameters`; None, for a view that declares none, keeps every parameter), sorted.

    The scheme is part of the key because pages print absolute URLs (canonical, og:url, JSON-LD): a proxy that
    passes both http and https must not have one scheme's copy served for the other.
    """
    names = sorted(query if parameters is None else set(parameters) & set(query))
    kept = urlencode([(name, query[name]) for name in names])
    return f"page:v4:{hashed('newsroom.page', f'{scheme}://{host}{path}?{kept}')}"


# --- view counting ---------------------------------------------------------------------------------

VIEW_FLUSH_DUE_KEY = "views:flush-due"


def view_seen_key(article_id: int, reader_key: str) -> str:
    return f"views:seen:{article_id}:{hashed('articles.reader', reader_key)}"


def view_counter_key(hour: int, article_id: int) -> str:
    return f"views:{hour}:a:{article_id}"


def view_journal_length_key(hour: int) -> str:
    return f"views:{hour}:seq"


def view_journal_entry_key(hour: int, slot: int) -> str:
    return f"views:{hour}:j:{slot}"


def view_hour_flushed_key(hour: int) -> str:
    return f"views:{hour}:closed"


# --- who is asking: rate limits (sign-in failures live in the database: newsroom/login_throttle.py) -----


def rate_limit_key(scope: str, client: str, slot: int) -> str:
    return f"ratelimit:{scope}:{client}:{slot}"
