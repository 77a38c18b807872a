"""Editors manage the newsroom's accounts (Users → Add, Staff status, one group), within the two roles: no
superusers, no permissions of a person's own, no other groups, and superusers' accounts stay out of reach."""

import io
import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-pass-phrase-for-wendy"
USERS = "/admin/auth/user/"


@pytest.fixture
def dev_editor(client, settings):
    """The `editor` account `make run` creates, signed in."""
    settings.DEBUG = True
    out = io.StringIO()
    call_command("create_dev_editor", stdout=out)
    settings.DEBUG = False
    password = re.search(r"password: (\S+)", out.getvalue()).group(1)
    assert client.post("/admin/login/", {"username": "editor", "password": password}).status_code == 302
    return User.objects.get(username="editor")


def change_form(user: User, **changes) -> dict:
    form = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": [group.pk for group in user.groups.all()],
    }
    return {**form, **changes}


def add_person(client, username: str, group: str) -> User:
    response = client.post(
        f"{USERS}add/",
        {"username": username, "usable_password": "true", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()
    person = User.objects.get(username=username)
    response = client.post(
        f"{USERS}{person.pk}/change/", change_form(person, groups=[Group.objects.get(name=group).pk])
    )
    assert response.status_code == 302, response.content.decode()
    return User.objects.get(pk=person.pk)


def test_the_dev_editor_adds_a_writer_who_then_signs_in_and_sees_articles(client, dev_editor):
    assert not dev_editor.is_superuser
    page = client.get(f"{USERS}add/")
    assert page.status_code == 200

    wendy = add_person(client, "wendy", "Writers")

    assert (
        wendy.is_staff and not wendy.is_superuser and list(wendy.groups.values_list("name", flat=True)) == ["Writers"]
    )
    client.logout()
    assert client.post("/admin/login/", {"username": "wendy", "password": PASSWORD}).status_code == 302
    assert client.get("/admin/articles/article/").status_code == 200
    assert "Articles" in client.get("/admin/").content.decode()


def test_the_change_form_offers_editors_only_the_two_roles(client, dev_editor):
    Group.objects.create(name="Site admins")
    wendy = add_person(client, "wendy", "Writers")

    page = client.get(f"{USERS}{wendy.pk}/change/").content.decode()

    assert 'name="is_staff"' in page and 'name="groups"' in page
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    assert ">Writers</option>" in page and ">Editors</option>" in page and "Site admins" not in page


def test_an_editor_cannot_make_a_superuser_or_give_permissions(client, dev_editor):
    wendy = add_person(client, "wendy", "Writers")
    delete_users = Permission.objects.get(codename="delete_user")

    response = client.post(
        f"{USERS}{wendy.pk}/change/", change_form(wendy, is_superuser="on", user_permissions=[delete_users.pk])
    )

    assert response.status_code == 302
    wendy.refresh_from_db()
    assert not wendy.is_superuser and not wendy.user_permissions.exists()
    client.post(f"{USERS}{dev_editor.pk}/change/", change_form(dev_editor, is_superuser="on"))
    dev_editor.refresh_from_db()
    assert not dev_editor.is_superuser


def test_an_editor_cannot_put_anyone_in_another_group(client, dev_editor):
    admins = Group.objects.create(name="Site admins")
    admins.permissions.add(Permission.objects.get(codename="delete_user"))
    wendy = add_person(client, "wendy", "Writers")

    response = client.post(f"{USERS}{wendy.pk}/change/", change_form(wendy, groups=[admins.pk]))

    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert list(wendy.groups.values_list("name", flat=True)) == ["Writers"]


def test_an_editor_cannot_change_a_superuser_or_their_password(client, dev_editor):
    chief = User.objects.create_superuser("chief", password="chiefs-own-password")

    page = client.get(f"{USERS}{chief.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # shown, not editable
    response = client.post(f"{USERS}{chief.pk}/change/", change_form(chief, is_staff="", is_active=""))
    assert response.status_code == 403
    assert client.get(f"{USERS}{chief.pk}/password/").status_code == 403
    response = client.post(
        f"{USERS}{chief.pk}/password/", {"password1": "taken-over-123", "password2": "taken-over-123"}
    )
    assert response.status_code == 403
    chief.refresh_from_db()
    assert chief.is_active and chief.is_staff and chief.check_password("chiefs-own-password")


def test_an_editor_cannot_change_someone_with_permissions_of_their_own(client, dev_editor):
    auditor = User.objects.create_user("auditor", password="x", is_staff=True)
    auditor.user_permissions.add(Permission.objects.get(codename="delete_user"))

    assert client.post(f"{USERS}{auditor.pk}/change/", change_form(auditor, is_active="")).status_code == 403
    auditor.refresh_from_db()
    assert auditor.is_active


@pytest.mark.parametrize("given_delete", [False, True])
def test_editors_delete_no_accounts_even_if_given_the_permission(client, dev_editor, given_delete):
    wendy = add_person(client, "wendy", "Writers")
    if given_delete:
        dev_editor.user_permissions.add(Permission.objects.get(codename="delete_user"))

    assert client.post(f"{USERS}{wendy.pk}/delete/", {"post": "yes"}).status_code == 403
    assert 'value="delete_selected"' not in client.get(USERS).content.decode()
    assert User.objects.filter(pk=wendy.pk).exists()


def test_a_superuser_keeps_every_field(client):
    client.force_login(User.objects.create_superuser("chief", password="x"))
    wendy = User.objects.create_user("wendy", password="x", is_staff=True)

    page = client.get(f"{USERS}{wendy.pk}/change/").content.decode()

    assert 'name="is_superuser"' in page and 'name="user_permissions"' in page


def test_writers_still_cannot_see_accounts(client):
    writer = User.objects.create_user("wendy", password="x", is_staff=True)
    writer.groups.add(Group.objects.get(name="Writers"))
    client.force_login(writer)

    assert client.get(USERS).status_code == 403
    assert client.get(f"{USERS}add/").status_code == 403


def test_the_editors_group_may_add_change_and_view_users_and_not_delete_them():
    codenames = set(
        Group.objects.get(name="Editors")
        .permissions.filter(content_type__app_label="auth")
        .values_list("codename", flat=True)
    )
    assert codenames == {"add_user", "change_user", "view_user"}
