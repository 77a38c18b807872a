"""The numbers editors ask for: a live story's form shows its own views and votes by hour since publication (inline
SVG drawn on the server, no script) and its rank today; the dashboard's most-read lists carry the same sparkline."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.engagement.buckets import buckets_add, hour_row
from articles.models import Article
from tests.builders import record_views
from tests.desk_helpers import CHANGE_URL

pytestmark = pytest.mark.django_db


def numbers_of(client, article) -> str:
    page = client.get(CHANGE_URL.format(pk=article.pk)).content.decode()
    if 'id="story-numbers"' not in page:
        return ""
    start = page.index('id="story-numbers"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def now():
    moment = timezone.now().replace(minute=30, second=0, microsecond=0)
    with time_machine.travel(moment, tick=False):
        yield moment


def test_a_live_storys_form_charts_its_views_and_votes_by_hour_with_its_rank_today(client, eddie, make_article, now):
    story = make_article(title="Harbour reopens", published_at=now - timedelta(hours=5, minutes=10))
    rival = make_article(title="Budget", published_at=now - timedelta(hours=8))
    record_views(story, 12, at=now - timedelta(hours=5))
    record_views(story, 40, at=now - timedelta(hours=2))
    buckets_add([hour_row(story.pk, now - timedelta(hours=2), votes=3)])
    record_views(rival, 500, at=now - timedelta(hours=1))
    client.force_login(eddie)

    numbers = numbers_of(client, story)
    assert "<svg" in numbers and "<script" not in numbers and "style=" not in numbers
    assert len(re.findall(r'<rect class="desk-chart-views"', numbers)) == 6  # the hour it went live, then five more
    bar = r'class="desk-chart-views" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"'
    heights = [float(h) for h in re.findall(bar, numbers)]
    assert heights[0] > 0 and heights[3] == max(heights) and heights[1] == heights[2] == heights[4] == heights[5] == 0
    assert "52 views and 3 votes in 6 hours" in numbers
    assert 'class="desk-chart-votes"' in numbers
    assert re.search(r"<title>[^<]*: 40 views, 3 votes</title>", numbers)
    assert "<strong>No. 2</strong> today" in numbers
    assert "<strong>No. 1</strong> today" in numbers_of(client, rival)


def test_an_older_story_is_charted_by_day_and_an_unranked_one_says_so(client, eddie, make_article, now):
    old = make_article(title="Last week's flood", published_at=now - timedelta(days=9))
    buckets_add([(old.pk, "day", (now - timedelta(days=8)).replace(hour=0, minute=0), 70, 0)])
    kept_out = make_article(title="Notice", exclude_from_ranking=True, published_at=now - timedelta(hours=1))
    quiet = make_article(title="Quiet", published_at=now - timedelta(hours=1))
    draft = make_article(title="Draft", status=Article.Status.DRAFT)
    client.force_login(eddie)

    numbers = numbers_of(client, old)
    assert len(re.findall(r'<rect class="desk-chart-views"', numbers)) == 10
    assert "70 views and 0 votes in 10 days" in numbers
    assert "Not ranked today: no reads or votes in the last 24 hours." in numbers
    assert "Kept out of the ranking." in numbers_of(client, kept_out)
    assert "views and 0 votes in 2 hours" in numbers_of(client, quiet)
    assert numbers_of(client, draft) == ""


def test_the_dashboards_most_read_lists_carry_each_storys_sparkline(
    client, eddie, make_article, now, django_assert_max_num_queries
):
    stories = [make_article(title=f"Story {n}", published_at=now - timedelta(hours=3)) for n in range(5)]
    for n, story in enumerate(stories):
        record_views(story, 10 * (n + 1), at=now - timedelta(minutes=20))
    client.force_login(eddie)
    page = client.get("/admin/").content.decode()
    with django_assert_max_num_queries(31):  # the dashboard's 30 and one for every sparkline
        page = client.get("/admin/").content.decode()
    most_read = page[page.index('id="most-read"') : page.index('id="latest-changes"')]
    items = re.findall(r"<li>(.*?)</li>", most_read, re.S)
    assert len(items) == 15  # five stories in each of the three windows
    assert all('<svg class="desk-chart"' in item and "views and 0 votes in 4 hours" in item for item in items)
    spark = r'Story 4</a>\s*<span class="desk-spark"><svg.*?</svg><span class="visually-hidden">50 views'
    assert re.search(spark, most_read)
