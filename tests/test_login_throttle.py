import pytest
from django.contrib.auth.models import User

from newsroom.login_throttle import lockout_message

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"


@pytest.fixture
def editor(db):
    return User.objects.create_user("eddie", password="right-password-123", is_staff=True)


def test_account_is_paused_after_repeated_failures_even_with_the_right_password(client, editor, settings):
    for _ in range(settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT):
        response = client.post(LOGIN, {"username": "eddie", "password": "wrong"})
        assert response.status_code == 200  # the normal "please enter a correct username" form

    response = client.post(LOGIN, {"username": "eddie", "password": "right-password-123"})

    assert response.status_code == 429
    assert lockout_message() == "Too many failed sign-in attempts. Please wait 15 minutes and try again."
    assert lockout_message() in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_client_guessing_many_accounts_is_paused(client, settings):
    settings.NEWSROOM_LOGIN_FAILURES_PER_CLIENT = 3
    for n in range(3):
        client.post(LOGIN, {"username": f"user{n}", "password": "x"})
    assert client.post(LOGIN, {"username": "someone-else", "password": "x"}).status_code == 429


def test_successful_sign_in_below_the_limit_works_and_resets_the_account_count(client, editor, settings):
    for _ in range(settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT - 1):
        client.post(LOGIN, {"username": "eddie", "password": "wrong"})
    response = client.post(LOGIN, {"username": "eddie", "password": "right-password-123", "next": "/admin/"})
    assert response.status_code == 302
    client.logout()
    client.post(LOGIN, {"username": "eddie", "password": "wrong"})
    assert client.post(LOGIN, {"username": "eddie", "password": "right-password-123"}).status_code == 302


def test_admin_login_page_has_csrf_and_csp(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]


def test_clients_behind_our_proxy_are_counted_separately(client, settings):
    settings.NEWSROOM_LOGIN_FAILURES_PER_CLIENT = 3
    settings.NEWSROOM_TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    for n in range(3):
        client.post(LOGIN, {"username": f"user{n}", "password": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)

    guesser = client.post(LOGIN, {"username": "x", "password": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    neighbour = client.post(LOGIN, {"username": "y", "password": "x"}, HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy)

    assert guesser.status_code == 429
    assert neighbour.status_code == 200  # the normal sign-in form, not paused
