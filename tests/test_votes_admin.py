"""Editors review an article's votes in the admin and remove fraudulent ones; the counter follows."""

import pytest
from django.contrib.auth import get_user_model

from articles.engagement import votes
from articles.engagement.models import Vote
from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-boss-12345"))
    return client


def test_admin_lists_an_articles_votes(make_article, editor_client):
    article, other = make_article(title="Voted story"), make_article(title="Other")
    votes.vote_add(article=article, voter_key="a:suspicious")
    votes.vote_add(article=other, voter_key="a:elsewhere")

    page = editor_client.get("/admin/engagement/vote/", {"q": str(article.pk)}).content.decode()

    assert "a:suspicious" in page and "a:elsewhere" not in page


def test_removing_votes_in_admin_lowers_the_count(make_article, editor_client):
    article = make_article()
    for n in range(3):
        votes.vote_add(article=article, voter_key=f"a:bot-{n}")
    votes.vote_add(article=article, voter_key="a:real")
    fraudulent = Vote.objects.filter(voter_key__startswith="a:bot-").values_list("pk", flat=True)

    response = editor_client.post(
        "/admin/engagement/vote/",
        {"action": "remove_fraudulent_votes", "_selected_action": [str(pk) for pk in fraudulent]},
        follow=True,
    )

    assert "Removed 3 vote(s)" in response.content.decode()
    assert list(Vote.objects.values_list("voter_key", flat=True)) == ["a:real"]
    assert Article.objects.get(pk=article.pk).vote_count == 1


def test_deleting_one_vote_from_its_page_lowers_the_count(make_article, editor_client):
    article = make_article()
    votes.vote_add(article=article, voter_key="a:x")
    vote = Vote.objects.get()

    editor_client.post(f"/admin/engagement/vote/{vote.pk}/delete/", {"post": "yes"})

    assert not Vote.objects.exists() and Article.objects.get(pk=article.pk).vote_count == 0


def test_plain_bulk_delete_is_not_offered(make_article, editor_client):
    votes.vote_add(article=make_article(), voter_key="a:x")
    page = editor_client.get("/admin/engagement/vote/").content.decode()
    assert 'value="delete_selected"' not in page and 'value="remove_fraudulent_votes"' in page


def test_an_articles_votes_have_a_stable_admin_address(make_article, editor_client):
    article, other = make_article(), make_article()
    votes.vote_add(article=article, voter_key="a:mine")
    votes.vote_add(article=other, voter_key="a:theirs")

    response = editor_client.get("/admin/engagement/vote/", {"article__id__exact": article.pk})

    assert response.status_code == 200
    page = response.content.decode()
    assert "a:mine" in page and "a:theirs" not in page
