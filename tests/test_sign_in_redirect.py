"""After signing in, a rejected `next=` lands on a real page, on every sign-in path the project has."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db
PASSWORD = "right-password-123"


def signs_in(view) -> bool:
    return view == admin.site.login or issubclass(getattr(view, "view_class", object), LoginView)


def sign_in_paths(patterns=None, prefix="") -> list[str]:
    """Every URL whose view signs someone in: the admin's login, or any `LoginView`."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += sign_in_paths(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and signs_in(pattern.callback):
            found.append("/" + route)
    return found


def test_the_admin_login_is_the_only_sign_in_path():
    """A reader sign-in added later must join the tests below (and pick its own landing page)."""
    assert sign_in_paths() == ["/admin/login/"]


@pytest.mark.parametrize("path", sign_in_paths())
@pytest.mark.parametrize("rejected", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "", None])
def test_a_rejected_or_missing_next_lands_staff_on_the_desk(client, path, rejected):
    """Also-finding: a rejected `next=` landed on `/accounts/profile/`, a 404."""
    User.objects.create_user("eddie", password=PASSWORD, is_staff=True)
    form = {"username": "eddie", "password": PASSWORD} | ({} if rejected is None else {"next": rejected})

    response = client.post(path, form)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("path", sign_in_paths())
def test_a_safe_next_is_followed(client, path):
    User.objects.create_user("eddie", password=PASSWORD, is_staff=True)
    response = client.post(path, {"username": "eddie", "password": PASSWORD, "next": "/admin/auth/user/"})
    assert response["Location"] == "/admin/auth/user/"


@pytest.mark.parametrize("path", sign_in_paths())
def test_readers_cannot_sign_in_there_so_never_land_on_the_desk(client, path):
    User.objects.create_user("reader", password=PASSWORD)
    response = client.post(path, {"username": "reader", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.status_code == 200
    assert "Please enter the correct username and password for a staff account" in response.content.decode()
    assert "_auth_user_id" not in client.session
