"""Reads: the article page as fragments — the story's own part, kept until it changes, and the shared blocks
stitched into it when it is served (`newsroom.fragments`).

The story's part (headline, byline, hero, body, tags, Related) is rendered with placeholders for the header
menu, Ranking and Recommendation, and kept by the page cache until something it shows changes. The blocks
are cached apart with their own lifetimes — the menu until a section changes, Ranking one copy for every
article page and Recommendation one per top-level section, each a minute at most — so Ranking is the same on
every page within its minute, and a first view of an archived story is a fragment hit plus a stitch.

No story twice on a page, and no link to itself, decided at stitch time from candidates rendered in advance
(string joins, no SQL): Ranking is shown whole (the page's own story marked current, not linked); Related is
the story's candidates (`RELATED_LIMIT` + `RANKING_LIMIT` of them, kept in its part) less what Ranking shows, the
first `RELATED_LIMIT`; Recommendation its section's candidates less Ranking, Related and the story itself, the
first `RECOMMENDATION_LIMIT`. Related's candidates are recorded as shown by the story's part, so an edit to any
of them purges it, as before; a story newly published on its tags joins at the part's safety net
(`NEWSROOM_FRAGMENT_SECONDS`) or its next change.
"""

from dataclasses import dataclass
from typing import Any

from django.utils import translation

from articles import related, sections, widgets
from articles.models import Article
from articles.related import RELATED_LIMIT
from articles.templatetags.reader import widget_row
from articles.widgets import RANKING_LIMIT, RECOMMENDATION_LIMIT, WIDGETS_CACHE_SECONDS, Listed
from newsroom.cache import ranking_block_key, recommendation_block_key, section_nav_key
from newsroom.fragments import Block, placeholder

PLACEHOLDERS = {name: placeholder(name) for name in ("nav", "related", "ranking", "recommendation")}


def related_listed(article: Article, tag_ids: list[int]) -> Listed:
    """The story's Related candidates, rendered: enough that leaving out what Ranking shows still leaves ten."""
    candidates = related.related_articles(article=article, tag_ids=tag_ids, limit=RELATED_LIMIT + RANKING_LIMIT)
    return Listed.render_rows("articles/includes/related.html", candidates, widget_row)


@dataclass(frozen=True)
class ArticlePage:
    """What the story's part keeps about its blocks (with the page's copy: picklable)."""

    article_id: int
    section_id: int
    top_section_id: int | None
    language: str
    related: Listed

    def blocks(self) -> dict[str, Block]:
        language = self.language
        return {
            "nav": Block(
                section_nav_key(self.section_id, language),
                _in(language, lambda: sections.build_section_nav(self.section_id)),
                sections.SECTION_TREE_SECONDS,
            ),
            "ranking": Block(ranking_block_key(language), _in(language, widgets.ranking_listed), WIDGETS_CACHE_SECONDS),
            "recommendation": Block(
                recommendation_block_key(self.top_section_id, language),
                _in(language, lambda: widgets.recommendation_listed(top_section_id=self.top_section_id)),
                WIDGETS_CACHE_SECONDS,
            ),
        }

    def fill(self, values: dict[str, Any]) -> dict[str, str]:
        ranking, recommendation = values["ranking"], values["recommendation"]
        ranked = set(ranking.ids)
        related_ids = [pk for pk in self.related.ids if pk not in ranked][:RELATED_LIMIT]
        left_out = {*ranked, *related_ids, self.article_id}
        recommended = [pk for pk in recommendation.ids if pk not in left_out][:RECOMMENDATION_LIMIT]
        return {
            "nav": str(values["nav"]),
            "related": self.related.showing(related_ids),
            "ranking": ranking.showing(ranking.ids, current=self.article_id),
            "recommendation": recommendation.showing(recommended),
        }


def _in(language: str, build):
    """`build`, run in the page's language (a block may be built while another page is served)."""

    def built():
        with translation.override(language):
            return build()

    return built
