"""Edit locks: "Ana is editing since 10:42" on the list and the form, kept by a heartbeat, lapsing on its own."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.desk.models import EditLock
from tests.desk_helpers import CHANGE_URL, staff

pytestmark = pytest.mark.django_db
LIST_URL = "/admin/articles/article/"


def open_form(client, user, article) -> str:
    client.force_login(user)
    return client.get(CHANGE_URL.format(pk=article.pk)).content.decode()


def test_others_see_who_is_editing_on_the_form_and_the_list(client, ana, bo, make_article, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    article = make_article()
    opened = timezone.now()
    with time_machine.travel(opened, tick=False):
        page = open_form(client, ana, article)
    assert "is editing since" not in page  # nobody else has it open
    local = timezone.localtime(opened, timezone=timezone.get_fixed_timezone(9 * 60))

    page = open_form(client, bo, article)
    assert f"Ana is editing since {local:%H:%M}" in page and "Take over" in page
    assert f"Ana is editing since {local:%H:%M}" in client.get(LIST_URL).content.decode()


def test_a_lock_lapses_on_its_own_when_the_heartbeat_stops(client, ana, bo, make_article, settings):
    article = make_article()
    with time_machine.travel(timezone.now() - timedelta(seconds=settings.NEWSROOM_EDIT_LOCK_SECONDS + 5)):
        open_form(client, ana, article)  # then Ana closed the tab
    page = open_form(client, bo, article)
    assert "is editing since" not in page
    assert EditLock.objects.get(article=article).user == bo
    assert "is editing" not in client.get(LIST_URL).content.decode()


def test_the_heartbeat_keeps_the_lock_and_a_take_over_is_heard(client, ana, bo, make_article):
    article = make_article()
    open_form(client, ana, article)
    beat = client.post(f"{LIST_URL}{article.pk}/lock/").json()
    assert beat["mine"] is True

    client.force_login(bo)
    assert client.post(f"{LIST_URL}{article.pk}/lock/").json()["holder"] == "Ana"  # Bo does not steal it
    response = client.post(f"{LIST_URL}{article.pk}/lock/take-over/")
    assert response.status_code == 302

    client.force_login(ana)
    beat = client.post(f"{LIST_URL}{article.pk}/lock/").json()
    assert beat["mine"] is False and beat["notice"].startswith("Bo is editing since")


def test_saving_releases_the_lock(client, ana, make_article):
    from tests.desk_helpers import change_form_data

    article = make_article()
    client.force_login(ana)
    client.post(CHANGE_URL.format(pk=article.pk), change_form_data(client, article, title="Done"))
    assert not EditLock.objects.filter(article=article).exists()


def test_a_writer_cannot_lock_or_take_over_someone_elses_story(client, ana, make_article):
    article = make_article()
    open_form(client, ana, article)
    client.force_login(staff("wanda", "Writers"))
    assert client.post(f"{LIST_URL}{article.pk}/lock/").status_code == 403
    assert client.post(f"{LIST_URL}{article.pk}/lock/take-over/").status_code == 403
    assert client.get(f"{LIST_URL}{article.pk}/lock/").status_code == 405
    assert EditLock.objects.get(article=article).user == ana
