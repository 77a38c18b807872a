"""Related, Ranking and Recommendation: what they pick, what they never show, and what they cost."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.engagement.ranking import rank_popular_articles
from articles.models import Article, Section
from articles.related import (
    RELATED_CACHE_SECONDS,
    RELATED_CANDIDATES,
    RELATED_CANDIDATES_PER_TAG,
    RELATED_MIN_CANDIDATES_PER_TAG,
    _most_shared_tags,
    candidates_per_tag,
    related_articles,
)
from articles.widgets import front_blocks
from tests.builders import build_newsroom, query_plan, reads_index_alone, record_votes

pytestmark = pytest.mark.django_db


def titles(articles) -> list[str]:
    return [a.title for a in articles]


def tag_ids(article: Article) -> list[int]:
    return list(article.tags.values_list("id", flat=True))


def in_order(ids) -> list[Article]:
    found = Article.objects.in_bulk(ids)
    return [found[pk] for pk in ids]


def recommendation_beside(article: Article) -> list[Article]:
    html = Client().get(article.get_absolute_url()).content.decode()
    return in_order(linked_ids(widget_section(html, "recommendation")))


def test_related_orders_by_shared_tags_then_newest_and_fills_from_section(make_article, section):
    other = Section.objects.create(name="Other", slug="other")
    now = timezone.now()
    current = make_article(title="Current", tags=["a", "b", "c"])
    make_article(title="One tag, new", tags=["a"], section=other, published_at=now - timedelta(minutes=1))
    make_article(title="Three tags", tags=["a", "b", "c"], section=other, published_at=now - timedelta(days=3))
    make_article(title="Two tags, old", tags=["b", "c"], section=other, published_at=now - timedelta(days=2))
    make_article(title="Two tags, new", tags=["a", "c"], section=other, published_at=now - timedelta(days=1))
    make_article(title="Same section, no tags", published_at=now - timedelta(days=5))
    make_article(title="Other section, no tags", section=other)

    related = related_articles(article=current, tag_ids=tag_ids(current))

    assert titles(related) == [
        "Three tags", "Two tags, new", "Two tags, old", "One tag, new", "Same section, no tags",
        "Other section, no tags",  # the site fills what the section cannot
    ]  # fmt: skip


def test_related_fills_to_ten_from_the_section_then_its_parent_then_the_site(make_article, section):
    """Issue 22, item 3: a story whose tags and section hold few others still gets ten, nearest first, and
    never what the page's blocks show."""
    asia = Section.objects.create(name="Asia", slug="asia", parent=section)
    japan = Section.objects.create(name="Japan", slug="japan", parent=asia)
    elsewhere = Section.objects.create(name="Sport", slug="sport")
    now = timezone.now()
    current = make_article(title="Current", section=asia, tags=["rare"])
    make_article(title="Tagged", section=elsewhere, tags=["rare"], published_at=now - timedelta(days=9))
    make_article(title="Asia", section=asia, published_at=now - timedelta(days=8))
    make_article(title="Japan", section=japan, published_at=now - timedelta(days=7))  # Asia's: a sibling's child
    make_article(title="World", section=section, published_at=now - timedelta(days=6))
    blocked = make_article(title="In the blocks", section=section, published_at=now - timedelta(days=1))
    for n in range(8):
        make_article(title=f"Sport {n}", section=elsewhere, published_at=now - timedelta(hours=n + 1))

    related = related_articles(article=current, tag_ids=tag_ids(current), exclude_ids={blocked.pk})

    assert titles(related) == ["Tagged", "Asia", "World", *(f"Sport {n}" for n in range(7))]


def test_related_never_shows_itself_drafts_or_scheduled(make_article):
    current = make_article(title="Current", tags=["x"])
    make_article(title="Draft", tags=["x"], status=Article.Status.DRAFT)
    make_article(title="Scheduled", tags=["x"], published_at=timezone.now() + timedelta(hours=1))
    make_article(title="Visible", tags=["x"])

    assert titles(related_articles(article=current, tag_ids=tag_ids(current))) == ["Visible"]


def test_related_stops_at_ten(make_article):
    current = make_article(tags=["x"])
    for _ in range(14):
        make_article(tags=["x"])
    assert len(related_articles(article=current, tag_ids=tag_ids(current))) == 10


def test_related_cost_is_bounded_however_many_articles_share_a_tag(make_article, django_assert_num_queries):
    current = make_article(tags=["busy", "rare"])
    for _ in range(RELATED_CANDIDATES_PER_TAG + 10):
        make_article(tags=["busy"])
    rare = make_article(title="Rare partner", tags=["busy", "rare"], published_at=timezone.now() - timedelta(days=30))
    ids = tag_ids(current)

    with django_assert_num_queries(1):  # the candidates with their rows
        related = related_articles(article=current, tag_ids=ids)

    # The oldest article is past the per-tag window for "busy" but still found through "rare", and ranks first.
    assert related[0].pk == rare.pk


@pytest.mark.django_db(transaction=True)
def test_related_keeps_its_published_candidates_from_an_index_alone(make_article):
    """Every first view checks ~150 candidates are published: on PostgreSQL from `article_published_id_idx`
    without visiting the table, whose rows lie scattered over the archive (at 100,000 articles 0.3 of the
    query's 1.2 ms; docs/benchmark.md)."""
    story = make_article(title="Story", tags=["harbour", "port"])
    sharing = [make_article(title=f"Sharing {n}", tags=["harbour", "port"][: n % 2 + 1]) for n in range(4)]
    tag_ids = sorted(story.tags.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as captured:
        found = _most_shared_tags(article=story, tag_ids=tag_ids, limit=10)
    assert found[:2] == [sharing[1].pk, sharing[3].pk]  # both tags, newest first (each made an hour older)
    if connection.vendor != "postgresql":
        return
    plan = query_plan(captured.captured_queries[-1]["sql"], vacuum="articles_article")
    assert reads_index_alone(plan, "article_published_id_idx"), plan


@pytest.mark.parametrize(("tags", "per_tag"), [(2, 50), (5, 20), (12, 10)])
def test_related_reads_about_a_hundred_candidates_however_many_tags_the_article_has(make_article, tags, per_tag):
    """The candidates' cost follows their number: RELATED_CANDIDATES shared among the article's tags, so a
    story with five tags (the archive's usual) costs what one with two does (docs/benchmark.md)."""
    names = [f"tag-{n}" for n in range(tags)]
    current = make_article(tags=names)
    for name in names:
        for _ in range(per_tag + 3):
            make_article(tags=[name])

    found = _most_shared_tags(article=current, tag_ids=tag_ids(current), limit=1000)

    assert candidates_per_tag(tags) == per_tag
    assert len(found) == tags * per_tag <= max(RELATED_CANDIDATES, tags * RELATED_MIN_CANDIDATES_PER_TAG)


def test_ranking_is_by_votes_then_newest_and_skips_excluded_drafts_and_old(make_article):
    now = timezone.now()
    make_article(title="Popular", vote_count=50)
    make_article(title="Tied newer", vote_count=10, published_at=now - timedelta(hours=1))
    make_article(title="Tied older", vote_count=10, published_at=now - timedelta(hours=2))
    make_article(title="Excluded", vote_count=99, exclude_from_ranking=True)
    make_article(title="Draft", vote_count=99, status=Article.Status.DRAFT)
    make_article(title="Scheduled", vote_count=99, published_at=now + timedelta(hours=1))
    make_article(title="Too old", vote_count=99, published_at=now - timedelta(days=8))

    assert titles(rank_popular_articles()) == ["Popular", "Tied newer", "Tied older"]
    assert "Too old" in titles(rank_popular_articles(window=None))
    assert titles(rank_popular_articles(limit=1)) == ["Popular"]


def test_ranking_by_section_includes_sub_sections(make_article, section):
    asia = Section.objects.create(name="Asia", slug="asia", parent=section)
    elsewhere = Section.objects.create(name="Sports", slug="sports")
    make_article(title="In Asia", section=asia, vote_count=3)
    make_article(title="In World", vote_count=2)
    make_article(title="In Sports", section=elsewhere, vote_count=9)

    assert titles(rank_popular_articles(section=section)) == ["In Asia", "In World"]


def test_recommendation_puts_editors_picks_first_in_their_order(make_article, section):
    sports = Section.objects.create(name="Sports", slug="sports")
    current = make_article(title="Current")
    for n in range(12):  # enough for Related's same-section fill
        make_article(title=f"World {n}")
    for n in range(10):  # enough popular stories for Ranking
        make_article(title=f"Popular {n}", section=sports, vote_count=50 + n)
    make_article(title="Pick two", is_editors_pick=True, editors_pick_order=2, section=sports)
    make_article(title="Pick one", is_editors_pick=True, editors_pick_order=1, section=sports)
    make_article(title="Recent elsewhere", section=sports)

    recommendation = recommendation_beside(current)

    assert titles(recommendation)[:2] == ["Pick one", "Pick two"]
    # After the picks: the popular stories Ranking had no room for, then recent ones from other sections.
    assert titles(recommendation)[2:5] == ["Popular 1", "Popular 0", "Recent elsewhere"]


def test_recommendation_fills_from_other_sections_only(make_article, section):
    sports = Section.objects.create(name="Sports", slug="sports")
    current = make_article(title="Current")
    for n in range(12):
        make_article(title=f"World {n}")
    for n in range(20):
        make_article(title=f"Sports {n}", section=sports)
    for n in range(12):  # more same-section stories: Recommendation leaves them to Related
        make_article(title=f"Old World {n}", published_at=timezone.now() - timedelta(days=3, hours=n))

    recommendation = recommendation_beside(current)

    assert len(recommendation) == 8
    assert all(a.section == sports for a in recommendation)


def linked_ids(section_html: str) -> list[int]:
    """The stories a widget links to, in order."""
    by_url = {a.get_absolute_url(): a.pk for a in Article.objects.all()}
    return [by_url[url] for url in re.findall(r'<a href="([^"]+)">', section_html) if url in by_url]


def test_no_article_twice_on_an_article_page_and_related_never_shows_the_article_itself(client):
    room = build_newsroom(count=40, tags_per_article=5)
    room.articles[7].is_editors_pick = True
    room.articles[7].save()
    current = room.articles[3]
    record_votes(current, 40, prefix="fan")  # in its own Ranking: marked there, linked nowhere

    html = client.get(current.get_absolute_url()).content.decode()

    related, ranking, recommendation = (linked_ids(widget_section(html, name)) for name in WIDGETS)
    assert (len(related), listed(widget_section(html, "ranking")), len(recommendation)) == (10, 8, 8)
    shown = [*related, *ranking, *recommendation]
    assert len(shown) == len(set(shown))
    assert current.pk not in shown
    assert room.draft.pk not in shown and room.scheduled.pk not in shown
    for pk in shown:  # each link once on the page, and none to the page itself
        assert html.count(f'href="{Article.objects.get(pk=pk).get_absolute_url()}"') == 1
    assert f'href="{current.get_absolute_url()}"' not in html


def test_the_site_wide_blocks_are_built_once_and_shared_by_every_article_of_a_section(
    client, django_assert_num_queries
):
    room = build_newsroom(count=60)
    first, second = room.articles[2], room.articles[6]  # both in Business
    assert first.section_id == second.section_id
    first_page = client.get(first.get_absolute_url()).content.decode()

    # The article with its tags, Related's candidates with their rows; nothing for Ranking and Recommendation.
    with django_assert_num_queries(2):
        second_page = client.get(second.get_absolute_url()).content.decode()

    assert widget_section(second_page, "ranking") == widget_section(first_page, "ranking")


def test_article_page_shows_three_labelled_widgets_with_links(client):
    room = build_newsroom()
    html = client.get(room.articles[5].get_absolute_url()).content.decode()

    for heading in ["Related", "Ranking", "Recommendation"]:
        slug = heading.lower()
        assert f'<section class="widget widget-{slug}" aria-labelledby="{slug}-heading">' in html
        assert f'<h2 id="{slug}-heading">{heading}</h2>' in html
    assert "Secret draft" not in html and "Future story" not in html


def test_home_ranking_and_recommendation_never_repeat_and_skip_hidden_articles():
    room = build_newsroom(count=30)
    record_votes(room.articles[0], 40, prefix="fan")  # top of the ranking
    Article.objects.filter(pk=room.articles[0].pk).update(is_editors_pick=True)

    blocks = front_blocks(shown_above=frozenset())

    ranking, recommendation = list(blocks.ranking), list(blocks.recommendation)
    assert (len(ranking), len(recommendation)) == (8, 8)
    assert ranking[0] == room.articles[0].pk and room.articles[0].pk not in recommendation
    assert not set(ranking) & set(recommendation)
    assert not {room.draft.pk, room.scheduled.pk} & {*ranking, *recommendation}


@pytest.mark.parametrize(
    "unpublished",
    [
        {"status": Article.Status.DRAFT},
        {"trashed_at": timezone.now()},
        {"published_at": timezone.now() + timedelta(hours=1)},  # rescheduled
    ],
    ids=["draft", "trashed", "rescheduled"],
)
def test_related_candidates_are_cached_but_unpublished_stories_drop_out_at_once(
    make_article, django_assert_num_queries, unpublished
):
    current = make_article(tags=["x"])
    partner = make_article(title="Partner", tags=["x"])
    ids = tag_ids(current)
    assert titles(related_articles(article=current, tag_ids=ids)) == ["Partner"]
    assert titles(related_articles(article=current, tag_ids=ids)) == ["Partner"]  # the cached candidates' rows

    Article.objects.filter(pk=partner.pk).update(**unpublished)
    with django_assert_num_queries(2):  # cached candidates: only the rows still published and the section fill
        related = related_articles(article=current, tag_ids=ids)

    assert related == []


def test_a_page_rendered_from_cached_related_candidates_is_purged_when_one_of_them_changes(
    client, make_article, django_capture_on_commit_callbacks
):
    """Related's rows read by their ids (its candidates cached) are recorded as shown, as the rows read with the
    candidates are: a headline changed on a Related story purges the page."""
    current = make_article(title="Current", tags=["harbour"])
    neighbour = make_article(title="Harbour neighbour", tags=["harbour"])
    url = current.get_absolute_url()
    assert "Harbour neighbour" in client.get(url).content.decode()  # the candidates chosen, and cached
    with django_capture_on_commit_callbacks(execute=True):
        current.title = "Current, corrected"
        current.save()
    page = client.get(url)  # rendered afresh, from the cached candidates
    assert page["X-Page-Cache"] == "miss" and "Harbour neighbour" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        neighbour.title = "Harbour neighbour, renamed"
        neighbour.save()

    page = client.get(url)
    assert page["X-Page-Cache"] == "miss" and "Harbour neighbour, renamed" in page.content.decode()


def test_cached_widgets_are_dropped_when_an_editor_changes_content(
    client, make_article, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    current = make_article(title="Current", tags=["harbour"])
    neighbour = make_article(title="Harbour neighbour", tags=["harbour"])
    url = current.get_absolute_url()
    assert "Harbour neighbour" in client.get(url).content.decode()
    with django_assert_max_num_queries(1):  # widgets come from the cache: the article (with its tags) only
        client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        neighbour.status = Article.Status.DRAFT
        neighbour.save()

    assert "Harbour neighbour" not in client.get(url).content.decode()

    # A new story purges the lists it joins, not every story's page: it joins Related when the story's part (kept
    # until it changes) reaches its safety net.
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Fresh harbour story", tags=["harbour"])
    assert client.get(url)["X-Page-Cache"] == "hit"

    later = timezone.now() + timedelta(seconds=max(RELATED_CACHE_SECONDS, settings.NEWSROOM_FRAGMENT_SECONDS) + 1)
    with time_machine.travel(later):
        assert "Fresh harbour story" in client.get(url).content.decode()


WIDGETS = ("related", "ranking", "recommendation")


def widget_section(html: str, name: str) -> str:
    start = html.index(f'<section class="widget widget-{name}"')
    return html[start : html.index("</section>", start)]


def listed(section_html: str) -> int:
    return section_html.count("<li>")


def test_an_editors_pick_is_never_recommended_on_its_own_page_and_the_next_story_takes_its_place(
    client, django_assert_num_queries
):
    """Issue 18, item 8: a pick's page listed the pick itself in Recommendation (6 of 113 demo pages)."""
    room = build_newsroom(count=40)
    pick, neighbour = room.articles[4], room.articles[8]  # both in World: the same shared blocks
    assert pick.section_id == neighbour.section_id
    Article.objects.filter(pk=pick.pk).update(is_editors_pick=True, editors_pick_order=1)
    pick_url = f'href="{pick.get_absolute_url()}"'

    elsewhere = client.get(neighbour.get_absolute_url()).content.decode()
    with django_assert_num_queries(2):  # the blocks are shared: the same two queries as any other first view
        own_page = client.get(pick.get_absolute_url())

    recommended_elsewhere = widget_section(elsewhere, "recommendation")
    recommended_here = widget_section(own_page.content.decode(), "recommendation")
    assert pick_url in recommended_elsewhere and listed(recommended_elsewhere) == 8
    assert pick_url not in own_page.content.decode()  # not in Recommendation, nor anywhere else on its page
    assert listed(recommended_here) == 8  # the next story fills its place
    here, there = linked_ids(recommended_here), linked_ids(recommended_elsewhere)
    spare = next(pk for pk in here if pk not in there)  # the story after the pick's place
    assert spare not in linked_ids(widget_section(own_page.content.decode(), "related"))  # nothing twice


def test_a_ranked_story_is_marked_as_the_current_page_in_its_own_ranking_not_linked(client):
    """Issue 18, item 8: a story in the Ranking linked to itself from its own page (8 of 113 demo pages)."""
    room = build_newsroom(count=30)
    top, other = room.articles[29], room.articles[23]  # top: no block above home's Ranking
    record_votes(top, 40, prefix="fan")
    cache.clear()

    own_ranking = widget_section(client.get(top.get_absolute_url()).content.decode(), "ranking")
    other_ranking = widget_section(client.get(other.get_absolute_url()).content.decode(), "ranking")
    home_ranking = widget_section(client.get("/").content.decode(), "ranking")

    assert f'<a aria-current="page">{top.title}</a>' in own_ranking
    assert f'href="{top.get_absolute_url()}"' not in own_ranking and listed(own_ranking) == 8
    for ranking in (other_ranking, home_ranking):
        assert f'<a href="{top.get_absolute_url()}">{top.title}</a>' in ranking and "aria-current" not in ranking
