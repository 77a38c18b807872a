"""Publishing or scheduling a story by any route closes its review: the form stops saying "In review" and the
story leaves "Awaiting my review". The review panel schedules as well as publishes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.desk import workflow
from articles.desk.models import Review
from articles.models import Article
from tests.desk_helpers import CHANGE_URL, change_form_data

pytestmark = pytest.mark.django_db
LIST_URL = "/admin/articles/article/"


@pytest.fixture
def in_review(make_article, wanda):
    draft = make_article(title="Port strike ends", slug="port-strike-ends", status=Article.Status.DRAFT, author=wanda)
    workflow.review_submit(article=draft, by=wanda)
    return draft


def awaiting_review(client) -> str:
    page = client.get("/admin/").content.decode()
    start = page.index('id="awaiting-review"')
    return page[start : page.index("</section>", start)]


def assert_review_closed(client, article) -> None:
    assert not Review.objects.filter(article=article).exists()
    assert "Port strike ends" not in awaiting_review(client)
    assert "In review" not in client.get(CHANGE_URL.format(pk=article.pk)).content.decode()


def test_the_bulk_publish_action_closes_the_review(client, eddie, in_review):
    client.force_login(eddie)
    assert "Port strike ends" in awaiting_review(client)
    client.post(LIST_URL, {"action": "publish_now", "_selected_action": [in_review.pk]})
    in_review.refresh_from_db()
    assert in_review.is_published
    assert_review_closed(client, in_review)


def test_publishing_from_the_form_closes_the_review(client, eddie, in_review):
    client.force_login(eddie)
    data = change_form_data(client, in_review, status="published")
    assert client.post(CHANGE_URL.format(pk=in_review.pk), data).status_code == 302
    assert_review_closed(client, in_review)


def test_scheduling_from_the_form_closes_the_review(client, eddie, in_review, settings):
    settings.TIME_ZONE = "UTC"
    client.force_login(eddie)
    at = timezone.now() + timedelta(days=1)
    data = change_form_data(
        client, in_review, status="published", published_at_0=f"{at:%Y-%m-%d}", published_at_1=f"{at:%H:%M:%S}"
    )
    assert client.post(CHANGE_URL.format(pk=in_review.pk), data).status_code == 302
    in_review.refresh_from_db()
    assert in_review.is_scheduled
    assert_review_closed(client, in_review)


def test_the_review_panel_schedules_and_closes_the_review(client, eddie, in_review, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    client.force_login(eddie)
    page = client.get(CHANGE_URL.format(pk=in_review.pk)).content.decode()
    assert 'id="publish-now"' in page and 'id="schedule"' in page and 'name="at"' in page

    at = timezone.localtime(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    response = client.post(f"{LIST_URL}{in_review.pk}/review/schedule/", {"at": f"{at:%Y-%m-%dT%H:%M}"}, follow=True)

    assert f"Scheduled: readers see it from {at:%Y-%m-%d %H:%M}." in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.is_scheduled and in_review.published_at == at
    assert_review_closed(client, in_review)


@pytest.mark.parametrize(
    ("at", "said"),
    [("", "Choose a date and time"), ("tomorrow", "Choose a date and time"), ("2001-01-01T10:00", "in the future")],
)
def test_the_review_panel_refuses_a_missing_or_past_time_and_the_review_stays(client, eddie, in_review, at, said):
    client.force_login(eddie)
    response = client.post(f"{LIST_URL}{in_review.pk}/review/schedule/", {"at": at}, follow=True)
    assert response.status_code == 200
    assert "Not scheduled — " in response.content.decode() and said in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.DRAFT
    assert Review.objects.get(article=in_review).state == Review.State.IN_REVIEW


def test_a_writer_cannot_schedule_from_the_panel(client, wanda, in_review):
    client.force_login(wanda)
    at = timezone.localtime(timezone.now() + timedelta(days=2))
    assert 'id="schedule"' not in client.get(CHANGE_URL.format(pk=in_review.pk)).content.decode()
    response = client.post(f"{LIST_URL}{in_review.pk}/review/schedule/", {"at": f"{at:%Y-%m-%dT%H:%M}"})
    assert response.status_code == 403
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.DRAFT
