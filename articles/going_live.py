"""Writes: scheduled stories going live: the lists that gain one are purged once, by the first request that notices.

A cached copy of a page built from a list (home, a section, a tag, feeds, sitemaps: `newsroom.cache.is_list`)
is served only while every story gone live so far has been purged from the lists it joined. Two shared
entries say so, fetched with the copy's purge marks in the same round trip: `LISTS_CAUGHT_UP_KEY` (the stories
gone live up to "through" are purged; copies started before "since", when it was first noted, are not trusted)
and `NEXT_PUBLICATION_KEY` (when the next one goes live). Once that time passes, or a save may have scheduled
an earlier one, the first request to notice catches up under a lock: it purges the lists of the stories gone
live since "through" — as publishing them would: home, their sections, their tags — and notes the next one.
The lists that gained a story are rendered again, every other page stays cached, on every server at once.
"""

from datetime import UTC, datetime
from enum import Enum

from django.core.cache import cache

from articles.listings import next_publication_time
from articles.models import Article, TaggedArticle
from articles.sections import section_path
from newsroom.cache import (
    FRONT,
    LISTS_CAUGHT_UP_KEY,
    NEXT_PUBLICATION_KEY,
    SCHEDULE_CHANGED_KEY,
    shows_author_list,
    shows_section_list,
    shows_tag_list,
)
from newsroom.cache_entries import PURGE_MARK_SECONDS, purge

LISTS_KEYS = (LISTS_CAUGHT_UP_KEY, NEXT_PUBLICATION_KEY)
CATCH_UP_LOCK_KEY = f"{LISTS_CAUGHT_UP_KEY}:catching-up"
CATCH_UP_LOCK_SECONDS = 10  # if the request catching up dies, another takes over after this
NEXT_PUBLICATION_SECONDS = 300  # a safety net: every save of an article drops it at once


class Lists(Enum):
    CURRENT = "current"  # the copy's purge marks decide
    UNTRUSTED = "untrusted"  # started before go-lives were tracked: as if purged
    DUE = "due"  # a story may have gone live unnoticed: catch up first


def lists_state(found: dict, *, started: float, now: float) -> Lists:
    """For a copy that shows a list, rendered from `started`, given `LISTS_KEYS` as fetched (None: absent)."""
    caught_up, upcoming = found.get(LISTS_CAUGHT_UP_KEY), found.get(NEXT_PUBLICATION_KEY)
    if caught_up is None or upcoming is None or (upcoming["at"] is not None and upcoming["at"] <= now):
        return Lists.DUE
    return Lists.CURRENT if started >= caught_up["since"] else Lists.UNTRUSTED


def lists_catch_up(*, since: float | None = None) -> bool:
    """Purge the lists of every story gone live since the last catch-up and note the next one; False when another
    request is doing it. `since`: where tracking starts if it never started (or its entry was lost), by default
    now — the copy being stored when it is the first ever list page. One query when no story went live."""
    if not cache.add(CATCH_UP_LOCK_KEY, 1, timeout=CATCH_UP_LOCK_SECONDS):
        return False
    try:
        now = datetime.now(UTC)
        found = cache.get_many([LISTS_CAUGHT_UP_KEY, SCHEDULE_CHANGED_KEY])
        start = since if since is not None else now.timestamp()
        caught_up = found.get(LISTS_CAUGHT_UP_KEY) or {"since": start, "through": start}
        through = datetime.fromtimestamp(caught_up["through"], UTC)
        upcoming = next_publication_time(after=through)
        if upcoming is not None and upcoming <= now:
            gone_live = Article.objects.published().filter(published_at__gt=through, published_at__lte=now)
            purge(*_lists_of(list(gone_live.values_list("pk", "section_id", "author_id"))))
            upcoming = next_publication_time(after=now)
        cache.set(LISTS_CAUGHT_UP_KEY, caught_up | {"through": now.timestamp()}, timeout=PURGE_MARK_SECONDS)
        next_at = upcoming.timestamp() if upcoming else None
        cache.set(NEXT_PUBLICATION_KEY, {"at": next_at}, timeout=NEXT_PUBLICATION_SECONDS)
        if cache.get(SCHEDULE_CHANGED_KEY) != found.get(SCHEDULE_CHANGED_KEY):
            cache.delete(NEXT_PUBLICATION_KEY)  # a save committed while we read the schedule: note it again
    finally:
        cache.delete(CATCH_UP_LOCK_KEY)
    return True


def _lists_of(stories: list[tuple[int, int, int | None]]) -> set[str]:
    """The lists these stories joined, as a save of them purges them (`articles.signals.article_changed`)."""
    if not stories:
        return set()
    lists = {FRONT, *(shows_section_list(s.pk) for _, section_id, _ in stories for s in section_path(section_id))}
    lists |= {shows_author_list(author_id) for _, _, author_id in stories if author_id is not None}
    tags = TaggedArticle.objects.filter(content_object_id__in=[pk for pk, _, _ in stories]).values_list("tag_id")
    return lists | {shows_tag_list(tag_id) for (tag_id,) in tags}
