"""Issue 22, items 2 and 3: the front page shows each story once, and pages agree on the Ranking."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.builders import build_newsroom, record_votes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_domain")]

STORY_LINK = re.compile(r'<a href="(/news/[^"]+/)">')  # the lead's picture link is aria-hidden, not counted


def widget(html: str, name: str) -> str:
    return html.split(f'<section class="widget widget-{name}"', 1)[1].split("</section>", 1)[0]


def test_the_front_page_repeats_no_story_and_fills_every_block(client):
    room = build_newsroom(count=60, hero=True)
    for article in room.articles[:12]:  # the newest are the most read: before, each showed twice or three times
        record_votes(article, 40, prefix=f"fan-{article.pk}")

    html = client.get("/").content.decode()
    links = STORY_LINK.findall(html)

    assert len(links) == len(set(links)), [link for link in set(links) if links.count(link) > 1]
    # lead + ten, four in each of three section blocks, eight ranked, eight recommended
    assert len(links) == 11 + 3 * 4 + 8 + 8
    assert len(STORY_LINK.findall(widget(html, "ranking"))) == 8


def test_an_article_page_follows_the_rebuilt_ranking_within_a_minute(client):
    """An article cached at 14:53 still showed the old Ranking at 14:58 while home had the new one."""
    room = build_newsroom(count=30)
    url = room.articles[3].get_absolute_url()
    rising = room.articles[27]  # few votes, and in no block above the front page's Ranking
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert rising.get_absolute_url() not in widget(client.get(url).content.decode(), "ranking")

    record_votes(rising, 60, prefix="late", at=timezone.now())
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        home = client.get("/").content.decode()
        page = client.get(url)

    assert rising.get_absolute_url() in widget(home, "ranking")
    assert page["X-Page-Cache"] == "hit"  # the story's own part is kept; the rebuilt Ranking is stitched in
    assert rising.get_absolute_url() in widget(page.content.decode(), "ranking")
