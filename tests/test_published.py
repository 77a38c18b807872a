from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from articles.publishing import article_create

pytestmark = pytest.mark.django_db


def test_published_covers_draft_published_scheduled_and_past(make_article):
    now = timezone.now()
    live = make_article(published_at=now - timedelta(minutes=1))
    old = make_article(published_at=now - timedelta(days=400))
    scheduled = make_article(published_at=now + timedelta(minutes=5))
    draft = make_article(status=Article.Status.DRAFT)
    draft_with_past_time = make_article(status=Article.Status.DRAFT, published_at=now - timedelta(days=1))

    visible = set(Article.objects.published())

    assert visible == {live, old}
    assert set(Article.objects.scheduled()) == {scheduled}
    assert set(Article.objects.drafts()) == {draft, draft_with_past_time}


def test_scheduled_article_appears_when_its_time_comes(make_article, client):
    article = make_article(published_at=timezone.now() + timedelta(minutes=5))
    assert client.get(article.get_absolute_url()).status_code == 404

    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_publishing_without_a_time_stamps_now(section):
    before = timezone.now()
    article = article_create(article=Article(title="T", slug="t", body="<p>x</p>", section=section, status="published"))
    assert before <= Article.objects.get(pk=article.pk).published_at <= timezone.now()
