"""Reads: article lists for reader pages: latest (site-wide, per section, per tag or per author), the front page's
section blocks, the news sitemap. Each at a fixed query cost, whatever the data size, and each declaring the
list it reads (`shows_list`), so a page built from it is purged when the list changes."""

from collections.abc import Collection
from datetime import datetime, timedelta

from django.utils import timezone
from taggit.models import Tag

from articles.authors.models import Author
from articles.models import Article, Section
from articles.sections import main_sections, section_descendant_ids
from articles.slices import articles_of_slices, newest_first
from newsroom.cache import (
    EVERY_STORY,
    FRONT,
    PUBLISHED_TOTAL_KEY,
    shows_author_list,
    shows_list,
    shows_section_list,
    shows_tag_list,
)
from newsroom.cache_entries import get_or_build_shown

SECTION_BLOCK_SIZE = 4


def _latest_list(*, section: Section | None = None) -> list[str]:
    return [shows_section_list(section.pk) if section is not None else FRONT]


@shows_list(_latest_list)
def latest_articles(*, section: Section | None = None):
    """Published articles, newest first; within `section` and its sub-sections when given."""
    return _latest(section=section)


def _latest(*, section: Section | None = None):
    articles = Article.objects.published().for_listing()
    if section is not None:
        articles = articles.filter(section_id__in=section_descendant_ids(section.pk))
    return articles


@shows_list(lambda *, tag: [shows_tag_list(tag.pk)])
def tagged_articles(*, tag: Tag):
    """Published articles carrying `tag`, newest first."""
    return _latest().filter(tags=tag)


@shows_list(lambda *, author: [shows_author_list(author.user_id)])
def author_articles(*, author: Author):
    """Published articles of `author` (the account that owns them), newest first."""
    return _latest().filter(author_id=author.user_id)


# The home page's "total": a count of the whole archive (18 ms at 100,000 articles against 1 ms at 2,000).
PUBLISHED_TOTAL_SECONDS = 60


def published_total() -> int:
    """How many stories readers can see. Counted again when any published story changes (it shows FRONT, as
    home does) and at most once a minute otherwise (a scheduled story going live), not on every render."""

    @shows_list(FRONT)
    def count() -> int:
        return Article.objects.published().count()

    return get_or_build_shown(PUBLISHED_TOTAL_KEY, count, PUBLISHED_TOTAL_SECONDS)


@shows_list(FRONT)
def section_blocks(
    *, size: int = SECTION_BLOCK_SIZE, exclude_ids: Collection[int] = ()
) -> list[tuple[Section, list[Article]]]:
    """The newest `size` articles of each main section (sub-sections included) but `exclude_ids` (what the
    front page shows above them), in one query."""
    sections = main_sections()
    if not sections:
        return []
    newest = [_latest(section=s).exclude(pk__in=exclude_ids).order_by("-published_at", "-id")[:size] for s in sections]
    articles = articles_of_slices(newest)
    blocks = []
    for section in sections:
        ids = section_descendant_ids(section.pk)
        items = sorted((a for a in articles if a.section_id in ids), key=newest_first)[:size]
        if items:
            blocks.append((section, items))
    return blocks


def next_publication_time(*, after: datetime | None = None) -> datetime | None:
    """When the next scheduled article goes live (None: nothing scheduled), or the first article to go live after
    `after` (a past time: the stories gone live since, first). One indexed query."""
    upcoming = Article.objects.not_in_trash().filter(
        status=Article.Status.PUBLISHED, published_at__gt=after if after is not None else timezone.now()
    )
    return upcoming.order_by("published_at").values_list("published_at", flat=True).first()


@shows_list(FRONT, EVERY_STORY, rows=False)  # addresses, titles, dates: any save
def news_sitemap_articles(*, hours: int = 48, limit: int = 1000) -> list[Article]:
    since = timezone.now() - timedelta(hours=hours)
    published = Article.objects.published().indexable().filter(published_at__gte=since)
    return list(published.order_by("-published_at")[:limit])
