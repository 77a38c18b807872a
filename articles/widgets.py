"""Reads: the reader widgets. Ranking and Recommendation are site-wide blocks, rendered once as HTML and shared by
every article of a top-level section (and, without a section, by the front page); Related is the article's
own.

A first view of an old story therefore renders only the story and its Related list: the blocks are one cache
read. They are rebuilt when they expire (by one request, while the others keep serving the previous copy) or
at once when an article they show changes. No article appears twice on a page, and a page never links to
itself: Related leaves out what the blocks show; the shared HTML holds one Recommendation more than a page
shows, so a page whose own story is recommended shows the next one instead, and a page whose story is in the
Ranking shows it there as the current page, not as a link (`SiteBlocks.html_for`: string joins, no render).
"""

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from articles.engagement.ranking import rank_popular_articles
from articles.models import Article, Section
from articles.related import RELATED_LIMIT
from articles.sections import section_descendant_ids
from articles.slices import articles_of_slices, newest_first
from articles.templatetags.reader import ranking_widget
from newsroom.cache import FRONT, shows_list, shows_only, site_blocks_key
from newsroom.cache_entries import get_or_build_shown

# The blocks may lag a popularity change, or a new story's arrival, by this long; an edit to an article they
# show drops them at once.
WIDGETS_CACHE_SECONDS = 60
RANKING_LIMIT = 8
RECOMMENDATION_LIMIT = 8


# The link of the page's own story in the Ranking: marked as the current page, and no longer a link.
CURRENT_PAGE_LINK = '<a aria-current="page">'


@dataclass(frozen=True)
class SiteBlocks:
    html_with_spare: SafeString  # the Ranking and Recommendation sections, Recommendation with its spare story
    ranking: tuple[int, ...]  # article ids, in their order
    recommendation: tuple[int, ...]  # what a page of another story shows, in order
    spare: int | None  # Recommendation's next story: shown in place of a page's own story
    links: dict[int, str]  # each story's opening link tag, as it stands in `html_with_spare`

    def html_for(self, article_id: int | None = None) -> SafeString:
        """The blocks as the page of `article_id` (None: a page of no single story) shows them: no link to itself."""
        html = str(self.html_with_spare)
        left_out = article_id if article_id in self.recommendation else self.spare
        if left_out is not None:
            html = _without_item(html, self.links[left_out])
        if article_id in self.ranking:
            html = html.replace(self.links[article_id], CURRENT_PAGE_LINK, 1)
        return mark_safe(html)  # noqa: S308 — our own rendered HTML, an item taken out or one tag replaced

    @property
    def every_id(self) -> frozenset[int]:
        """Every story in the shared HTML, the spare included: an edit to any of them drops the blocks."""
        spare = (self.spare,) if self.spare is not None else ()
        return frozenset((*self.ranking, *self.recommendation, *spare))

    def shown_ids(self, article_id: int | None = None) -> frozenset[int]:
        """The stories the blocks show on the page of `article_id` (Related leaves them out)."""
        spare = (self.spare,) if self.spare is not None else ()
        recommended = [pk for pk in (*self.recommendation, *spare) if pk != article_id][:RECOMMENDATION_LIMIT]
        return frozenset((*self.ranking, *recommended))


@dataclass(frozen=True)
class Listed:
    """A widget rendered once with every candidate story, split so that a page shows some of them, in order, by
    string joins (`showing`): no template at stitch time. Kept in the cache, with the page or as a shared block."""

    ids: tuple[int, ...]  # every candidate, in order
    head: str  # up to the first item
    items: dict[int, str]  # each story's `<li>…</li>` (empty: the widget could not be split, shown whole)
    links: dict[int, str]  # each story's opening link tag, as it stands in its item
    tail: str  # after the last item
    empty: str  # the widget with no story (its empty message)

    @classmethod
    def render(cls, template: str, articles: list[Article], **context) -> "Listed":
        html = render_to_string(template, {**context, "articles": articles})
        empty = _empty(template, context)
        ids = tuple(a.pk for a in articles)
        hrefs = {a.pk: f'href="{escape(a.get_absolute_url())}"' for a in articles}  # as `format_html` writes them
        links = {pk: f"<a {href}>" for pk, href in hrefs.items()}
        spans = {}
        for article in articles:
            at = html.find(hrefs[article.pk])
            start = html.rfind("<li", 0, at)
            end = html.find("</li>", at)
            if min(at, start, end) < 0:  # a widget template without one `<li>` per story: shown whole
                return cls(ids=ids, head=html, items={}, links=links, tail="", empty=empty)
            spans[article.pk] = (start, end + len("</li>"))
        if not articles:
            return cls(ids=ids, head=html, items={}, links={}, tail="", empty=empty)
        first, last = spans[ids[0]][0], spans[ids[-1]][1]
        items = {pk: html[start:end] for pk, (start, end) in spans.items()}
        return cls(ids=ids, head=html[:first], items=items, links=links, tail=html[last:], empty=empty)

    @classmethod
    def render_rows(cls, template: str, articles: list[Article], row: Callable[..., str]) -> "Listed":
        """`render`, for a widget that takes no other context and writes each story as its `row` inside its `<li>`
        (Related, on every true miss; `row(story, url=…, zone=…)`): the template is rendered once per process and
        language around a stand-in story, then each item is that item's text around the story's own row — string
        joins, byte for byte what `render` gives (tests/test_true_miss.py), without the template's tags per story."""
        shape = _row_shape(template, row)
        if shape is None or not articles:
            return cls.render(template, articles)
        head, before, after, tail = shape
        zone, urls = timezone.get_current_timezone(), {a.pk: a.get_absolute_url() for a in articles}
        return cls(
            ids=tuple(a.pk for a in articles),
            head=head,
            items={a.pk: f"{before}{row(a, url=urls[a.pk], zone=zone)}{after}" for a in articles},
            links={pk: f'<a href="{html.escape(url)}">' for pk, url in urls.items()},  # as `escape`, unwrapped
            tail=tail,
            empty=_empty(template, {}),
        )

    def showing(self, ids: Iterable[int], *, current: int | None = None) -> str:
        """The widget with the stories `ids` (in that order); `current`, the page's own story, marked, not linked."""
        if not self.items:
            return self.head
        chosen = [
            self.items[pk].replace(self.links[pk], CURRENT_PAGE_LINK) if pk == current else self.items[pk] for pk in ids
        ]
        return self.head + "\n".join(chosen) + self.tail if chosen else self.empty


_EMPTY_WIDGETS: dict[tuple[str, str], str] = {}
_ROW_SHAPES: dict[tuple[str, str], tuple[str, str, str, str] | None] = {}


def _row_shape(template: str, row: Callable[..., str]) -> tuple[str, str, str, str] | None:
    """A widget's text before its first item, in each item around the story's row, and after its last item, from a
    render around a stand-in story; None when the stand-in's row is not found once in its item."""
    key = (template, get_language())
    if key not in _ROW_SHAPES:
        section = Section(id=0, name="Zq0section0qz", slug="zq0section0qz")
        now = timezone.now()
        stand_in = Article(id=0, slug="zq0stand0in0qz", title="Zq0title0qz", published_at=now, section=section)
        listed = Listed.render(template, [stand_in])
        row_html = row(stand_in, url=stand_in.get_absolute_url(), zone=timezone.get_current_timezone())
        item, text = listed.items.get(stand_in.pk, ""), str(row_html)
        _ROW_SHAPES[key] = (listed.head, *item.split(text), listed.tail) if item.count(text) == 1 else None
    return _ROW_SHAPES[key]


def _empty(template: str, context: dict) -> str:
    """A widget with no story: rendered once per process and language when it takes no other context."""
    if context:
        return render_to_string(template, {**context, "articles": []})
    key = (template, get_language())
    if key not in _EMPTY_WIDGETS:
        _EMPTY_WIDGETS[key] = render_to_string(template, {"articles": []})
    return _EMPTY_WIDGETS[key]


def ranking_listed() -> Listed:
    """Ranking for every article page: the same copy on each within `WIDGETS_CACHE_SECONDS`
    (`articles.stitching`), its stories' edits dropping it at once."""
    return _ranking_listed()


@shows_only(lambda listed: listed.ids)
def _ranking_listed() -> Listed:
    # The head of Recommendation's popular list (`recommendation_listed`): the same ranking, cached once, so a page
    # whose blocks are both rebuilt sums the window's buckets once (the one cost that grows with the window).
    ranking = list(rank_popular_articles(limit=RANKING_LIMIT + RECOMMENDATION_CANDIDATES))[:RANKING_LIMIT]
    return Listed.render("articles/includes/ranking.html", ranking, **_ranking_context())


def _ranking_context() -> dict:
    context = ranking_widget([])
    del context["articles"]
    return context


# Recommendation's candidates on an article page: enough that leaving out what Ranking and Related show and the
# page's own story still leaves RECOMMENDATION_LIMIT.
RECOMMENDATION_CANDIDATES = RECOMMENDATION_LIMIT + RANKING_LIMIT + RELATED_LIMIT + 1


@shows_only(lambda listed: listed.ids)  # the candidates it keeps, not those it chose them from
def recommendation_listed(*, top_section_id: int | None) -> Listed:
    """Recommendation's candidates for the article pages of a top-level section, in order: each page shows the
    first `RECOMMENDATION_LIMIT` that neither Ranking, Related nor the page itself shows (`articles.stitching`)."""
    popular = list(rank_popular_articles(limit=RANKING_LIMIT + RECOMMENDATION_CANDIDATES))
    candidates = recommended_articles(
        exclude_ids=set(), popular=popular, section_id=top_section_id, limit=RECOMMENDATION_CANDIDATES
    )
    return Listed.render("articles/includes/recommendation.html", candidates)


def _without_item(html: str, link: str) -> str:
    """`html` without the list item holding `link` (our widget templates: no list nested in an item)."""
    at = html.index(link)
    start = html.rindex("<li>", 0, at)
    end = html.index("</li>", at) + len("</li>")
    return html[:start] + html[end:]


def front_blocks(*, shown_above: frozenset[int]) -> SiteBlocks:
    """The front page's own copy of the blocks, without the stories its lead, Latest and section blocks show
    (`shown_above`): a story appears once on the front page, in its most prominent slot. The copy shows the
    front page's lists (`FRONT`), so whatever changes which stories are above (an edit, a story published or
    going live) rebuilds it with them."""
    key = site_blocks_key(None, get_language())
    return get_or_build_shown(key, lambda: _front_blocks(shown_above=shown_above), WIDGETS_CACHE_SECONDS)


@shows_list(FRONT)
def _front_blocks(*, shown_above: frozenset[int]) -> SiteBlocks:
    return build_site_blocks(top_section_id=None, exclude_ids=shown_above)


@shows_only(lambda blocks: blocks.every_id)  # not the candidates it chose them from
def build_site_blocks(*, top_section_id: int | None, exclude_ids: frozenset[int] = frozenset()) -> SiteBlocks:
    """Ranking first; Recommendation skips what Ranking shows and stories of the page's own top section;
    neither shows `exclude_ids`.

    One ranking query serves Ranking and Recommendation's popular fill (asked for as many more as are left
    out, so the list is as long whichever are; the exclusion is done here, from the cached ranking). A
    story's link is `widget_item`'s (`articles/templatetags/reader.py`), found again by `html_for`.
    """
    wanted = RANKING_LIMIT + RECOMMENDATION_LIMIT
    popular = [a for a in rank_popular_articles(limit=wanted + len(exclude_ids)) if a.pk not in exclude_ids][:wanted]
    ranking = popular[:RANKING_LIMIT]
    recommendation = recommended_articles(
        exclude_ids={*exclude_ids, *(a.pk for a in ranking)},
        popular=popular[RANKING_LIMIT:],
        section_id=top_section_id,
        limit=RECOMMENDATION_LIMIT + 1,  # one spare, for the page of a recommended story
    )
    html = render_to_string(
        "articles/includes/site_blocks.html", {"ranking": ranking, "recommendation": recommendation}
    )
    spare = recommendation[RECOMMENDATION_LIMIT] if len(recommendation) > RECOMMENDATION_LIMIT else None
    return SiteBlocks(
        html_with_spare=mark_safe(html),  # noqa: S308 — rendered by our own autoescaping templates just above
        ranking=tuple(a.pk for a in ranking),
        recommendation=tuple(a.pk for a in recommendation[:RECOMMENDATION_LIMIT]),
        spare=spare.pk if spare else None,
        links={a.pk: format_html('<a href="{}">', a.get_absolute_url()) for a in [*ranking, *recommendation]},
    )


def recommended_articles(
    *, exclude_ids: set[int], popular: list[Article], section_id: int | None, limit: int = RECOMMENDATION_LIMIT
) -> list[Article]:
    """Editors' picks in their order, then popular and then recent articles from other sections. One query."""
    same_section = section_descendant_ids(section_id) if section_id else set()
    visible = Article.objects.published().exclude(pk__in=exclude_ids).for_listing()
    picks_and_recent = articles_of_slices(
        [
            visible.filter(is_editors_pick=True).order_by("editors_pick_order", "-published_at", "-id")[:limit],
            visible.filter(is_editors_pick=False)
            .exclude(section_id__in=same_section)
            .order_by("-published_at", "-id")[:limit],
        ]
    )
    picks = sorted(
        (a for a in picks_and_recent if a.is_editors_pick), key=lambda a: (a.editors_pick_order, *newest_first(a))
    )
    recent = sorted((a for a in picks_and_recent if not a.is_editors_pick), key=newest_first)
    chosen: list[Article] = []
    for candidate in [*picks[:limit], *(a for a in popular if a.section_id not in same_section), *recent[:limit]]:
        if len(chosen) == limit:
            break
        if candidate.pk not in exclude_ids and all(candidate.pk != c.pk for c in chosen):
            chosen.append(candidate)
    return chosen
