"""django-taggit's own tests stop at Django 6.0: cover every taggit path Newsroom uses on 6.1."""

import pytest
from django.contrib.auth.models import User
from taggit.models import Tag

from articles.models import Article, TaggedArticle
from tests.builders import article_form

pytestmark = pytest.mark.django_db


def test_add_set_remove_names_and_filter_through_our_through_model(make_article):
    article = make_article(tags=["Elections", "budget"])
    other = make_article(tags=["budget"])

    assert sorted(article.tags.names()) == ["Elections", "budget"]
    assert TaggedArticle.objects.filter(content_object=article).count() == 2
    assert set(Article.objects.filter(tags__slug="budget")) == {article, other}

    article.tags.set(["budget", "trade"])
    article.tags.remove("budget")
    assert list(article.tags.names()) == ["trade"]
    assert Tag.objects.get(name="Elections").slug == "elections"  # unused tags stay for reuse

    article.delete()
    assert not TaggedArticle.objects.filter(tag__name="trade").exists()  # the real FK cascades


def test_tags_are_edited_as_text_in_the_admin_form(client, section):
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))
    client.post("/admin/articles/article/add/", article_form(section, tags='budget, "New York", trade'))
    article = Article.objects.get()
    assert sorted(article.tags.names()) == ["New York", "budget", "trade"]

    client.post(f"/admin/articles/article/{article.pk}/change/", article_form(section, tags="trade"))
    assert list(article.tags.names()) == ["trade"]
    change_page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'value="trade"' in change_page


def test_tag_admin_pages_work(client, make_article):
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))
    make_article(tags=["climate"])
    tag = Tag.objects.get(name="climate")
    assert client.get("/admin/taggit/tag/").status_code == 200
    assert client.get(f"/admin/taggit/tag/{tag.pk}/change/").status_code == 200
    assert client.get("/admin/taggit/tag/?q=clim").status_code == 200
