"""After a take-over the first editor's save is refused by the server (whatever their page's script did), with
what they typed kept in the form; an editor who opened the form knowing someone else was editing still saves."""

import pytest
from django.utils import timezone
from reversion.models import Version

from articles.desk.models import EditLock
from tests.desk_helpers import CHANGE_URL, change_form_data

pytestmark = pytest.mark.django_db


def take_over(client, user, article) -> None:
    client.force_login(user)
    client.get(CHANGE_URL.format(pk=article.pk))
    response = client.post(f"/admin/articles/article/{article.pk}/lock/take-over/")
    assert response.status_code == 302


def test_a_save_after_a_take_over_is_refused_and_keeps_what_was_typed(client, ana, bo, make_article):
    article = make_article(title="Harbour reopens", body="<p>Ships are back.</p>")
    client.force_login(ana)
    anas_form = change_form_data(client, article, title="Harbour reopens after the storm")
    assert anas_form["edit_lock"] == "held"
    versions_before = Version.objects.get_for_object(article).count()
    take_over(client, bo, article)
    since = timezone.localtime(EditLock.objects.get(article=article).since)

    client.force_login(ana)
    response = client.post(CHANGE_URL.format(pk=article.pk), anas_form)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Not saved: Bo took over this article at {since:%H:%M} and is editing it now." in page
    assert response.context["adminform"].form["title"].value() == "Harbour reopens after the storm"
    article.refresh_from_db()
    assert article.title == "Harbour reopens" and article.version == 1
    assert Version.objects.get_for_object(article).count() == versions_before
    assert EditLock.objects.get(article=article).user == bo  # her refused save takes nothing back

    again = client.post(CHANGE_URL.format(pk=article.pk), anas_form)  # and saying it twice does not help
    assert "took over this article" in again.content.decode()


def test_once_the_lock_is_free_again_the_save_goes_through(client, ana, bo, make_article):
    article = make_article(title="Harbour reopens")
    client.force_login(ana)
    anas_form = change_form_data(client, article, title="Harbour reopens after the storm")
    take_over(client, bo, article)
    client.post(f"/admin/articles/article/{article.pk}/change/", change_form_data(client, article))  # Bo is done

    client.force_login(ana)
    assert client.post(CHANGE_URL.format(pk=article.pk), anas_form).status_code == 302
    article.refresh_from_db()
    assert article.title == "Harbour reopens after the storm"


def test_an_editor_who_opened_it_while_someone_else_was_editing_still_saves(client, ana, bo, make_article):
    article = make_article(title="Harbour reopens")
    client.force_login(ana)
    client.get(CHANGE_URL.format(pk=article.pk))  # Ana holds the lock
    client.force_login(bo)
    bos_form = change_form_data(client, article, title="Harbour reopens at noon")
    assert bos_form["edit_lock"] == ""  # he saw "Ana is editing" and went ahead: a notice, not a refusal

    assert client.post(CHANGE_URL.format(pk=article.pk), bos_form).status_code == 302
    article.refresh_from_db()
    assert article.title == "Harbour reopens at noon"
