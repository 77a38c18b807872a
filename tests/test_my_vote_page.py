"""Issue 18, item 7: without JavaScript, a vote lands on the reader's own copy of the article (`?my-vote`): their
button pressed, the count just committed, a second press withdraws. The shared copy stays the same for everyone.
"""

import re

import pytest
from django.test import Client

from articles.engagement.models import Vote
from articles.models import Article

pytestmark = pytest.mark.django_db

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
PRESSED = '<button type="submit" class="vote-button" aria-pressed="true">'
UNPRESSED = '<button type="submit" class="vote-button" aria-pressed="false">'
UNDO = '<input type="hidden" name="action" value="undo">'


def shown_count(count: int) -> str:
    return f'veryGood! (<span class="vote-count">{count}</span>)'


def vote(client: Client, article, action: str = "vote"):
    return client.post(f"/news/{article.pk}/vote/", {"action": action}, follow=True)


def never_stored(response) -> bool:
    cache_control = response["Cache-Control"]
    return "no-store" in cache_control and "private" in cache_control and "public" not in cache_control


def test_a_vote_without_javascript_shows_this_readers_pressed_button_and_count_after_a_reload_and_withdraws(
    make_article,
):
    article = make_article(vote_count=41)
    ana = Client(HTTP_USER_AGENT=BROWSER_UA)
    mine = f"{article.get_absolute_url()}?my-vote"
    ana.get(article.get_absolute_url())  # the shared copy, as the reader first sees it

    voted = vote(ana, article)
    reloaded = ana.get(mine)
    action = re.search(r'name="action" value="(\w+)"', reloaded.content.decode()).group(1)
    pressed_again = vote(ana, article, action)  # the pressed button's form: a second press withdraws
    reloaded_after = ana.get(mine)

    assert action == "undo" and voted.redirect_chain == [(mine, 303)]
    page = voted.content.decode()
    assert PRESSED in page and UNDO in page and shown_count(42) in page
    assert "Thanks — your vote is counted. veryGood! now stands at 42." in page
    assert never_stored(voted) and voted["X-Robots-Tag"] == "noindex"
    assert 'name="robots" content="noindex' in page
    again = reloaded.content.decode()
    assert PRESSED in again and UNDO in again and shown_count(42) in again and 'class="messages"' not in again
    assert never_stored(reloaded)

    assert pressed_again.redirect_chain == [(mine, 303)]
    withdrawn = pressed_again.content.decode()
    assert UNPRESSED in withdrawn and shown_count(41) in withdrawn
    assert "Your vote is withdrawn. veryGood! now stands at 41." in withdrawn
    assert UNPRESSED in reloaded_after.content.decode() and shown_count(41) in reloaded_after.content.decode()
    assert Article.objects.get(pk=article.pk).vote_count == 41 and Vote.objects.count() == 41


def test_the_shared_copy_stays_the_same_bytes_for_everyone_and_the_personal_copy_is_never_kept(make_article):
    article = make_article(vote_count=3)
    url = article.get_absolute_url()
    ana, ben = Client(HTTP_USER_AGENT=BROWSER_UA), Client(HTTP_USER_AGENT=BROWSER_UA + " Other/2")
    vote(ana, article)
    del ana.cookies["messages"]  # emptied by the page that showed the message; a browser drops it

    for_ana, for_ben = ana.get(url), ben.get(url)
    personal = [ana.get(f"{url}?my-vote") for _ in range(2)]
    bens_own = ben.get(f"{url}?my-vote")

    assert for_ana.content == for_ben.content and UNPRESSED in for_ana.content.decode()
    assert not for_ana.cookies and "Cookie" not in for_ana.get("Vary", "") and "public" in for_ana["Cache-Control"]
    assert for_ben["X-Page-Cache"] == "hit"
    assert all("X-Page-Cache" not in response and never_stored(response) for response in personal)
    assert PRESSED in personal[1].content.decode() and shown_count(4) in personal[1].content.decode()
    # Someone else at the same address sees their own state: not Ana's vote.
    assert UNPRESSED in bens_own.content.decode() and shown_count(4) in bens_own.content.decode()


def test_a_repeated_press_from_a_stale_page_says_already_voted_and_offers_the_withdrawal(make_article):
    article = make_article()
    ana = Client(HTTP_USER_AGENT=BROWSER_UA)
    vote(ana, article)

    repeated = vote(ana, article)  # pressed on an old tab still showing the unpressed button

    page = repeated.content.decode()
    assert "You have already voted for this article. veryGood! now stands at 1." in page
    assert PRESSED in page and UNDO in page
    assert Vote.objects.count() == 1
