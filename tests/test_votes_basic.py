import pytest

from articles.models import Article, Vote

pytestmark = pytest.mark.django_db


def test_article_page_shows_vote_button_with_exact_count(make_article, client):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(vote_count=6215)
    assert 'veryGood! (<span class="vote-count">6215</span>)' in client.get(article.get_absolute_url()).content.decode()


def test_vote_without_javascript_redirects_back_and_counts_once(make_article, client):
    article = make_article()
    url = f"/news/{article.pk}/vote/"

    first = client.post(url)
    client.post(url)

    assert first.status_code == 303 and first["Location"] == article.get_absolute_url()
    assert Vote.objects.filter(article=article).count() == 1
    article.refresh_from_db()
    assert article.vote_count == 1
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'veryGood! (<span class="vote-count">1</span>)' in page
