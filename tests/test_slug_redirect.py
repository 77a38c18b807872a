import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.publishing import article_update

pytestmark = pytest.mark.django_db


def test_renamed_published_article_redirects_permanently(make_article, client):
    article = make_article(slug="old-name")
    article.slug = "new-name"
    article_update(article=article)

    response = client.get("/news/old-name/")

    assert response.status_code == 301
    assert response["Location"] == "/news/new-name/"
    assert client.get("/news/new-name/").status_code == 200


def test_redirect_chain_collapses_and_reusing_a_slug_removes_the_redirect(make_article, client):
    article = make_article(slug="a")
    for slug in ["b", "c"]:
        article.slug = slug
        article_update(article=article)
    assert client.get("/news/a/")["Location"] == "/news/c/"
    assert client.get("/news/b/")["Location"] == "/news/c/"

    article.slug = "a"
    article_update(article=article)

    assert client.get("/news/a/").status_code == 200
    assert client.get("/news/c/")["Location"] == "/news/a/"


def test_renaming_a_draft_leaves_no_redirect(make_article, client):
    article = make_article(slug="draft-old", status=Article.Status.DRAFT)
    article.slug = "draft-new"
    article_update(article=article)
    assert client.get("/news/draft-old/").status_code == 404


def test_old_slug_of_an_unpublished_article_is_404(make_article, client):
    article = make_article(slug="gone-old")
    article.slug = "gone-new"
    article.status = Article.Status.DRAFT
    article_update(article=article)
    assert client.get("/news/gone-old/").status_code == 404


def test_an_edit_that_keeps_the_slug_writes_no_redirect(make_article):
    article = make_article(slug="steady")
    article.title = "A new headline, the same address"
    with CaptureQueriesContext(connection) as queries:
        article_update(article=article)

    writes = [q["sql"] for q in queries if "slugredirect" in q["sql"].lower() and not q["sql"].startswith("SELECT")]
    assert writes == []
    assert Article.objects.get(pk=article.pk).title == "A new headline, the same address"
