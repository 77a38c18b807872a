"""Admin sign-in throttling: per (account, client), per client, per account; one normalised name for all."""

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.utils import timezone

from newsroom.login_throttle import lockout_message, sign_in_name
from newsroom.models import SignInFailure

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
PASSWORD = "right-password-123"
STRANGER = {"REMOTE_ADDR": "203.0.113.7"}
EDITORS_DESK = {"REMOTE_ADDR": "198.51.100.9"}
FULL_WIDTH_WR2 = "\uff57\uff52\uff12"  # wr2 in full-width letters
FULL_WIDTH_UPPER_WR2 = "\uff37\uff32\uff12"


@pytest.fixture
def editor(db):
    return User.objects.create_user("eddie", password=PASSWORD, is_staff=True)


def fail(client, username, times, **extra):
    for _ in range(times):
        response = client.post(LOGIN, {"username": username, "password": "wrong"}, **extra)
        assert response.status_code == 200  # the normal "please enter a correct username" form


def signs_in(client, username, **extra) -> bool:
    response = client.post(LOGIN, {"username": username, "password": PASSWORD}, **extra)
    assert response.status_code in (302, 429), response.status_code
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_account_is_paused_after_repeated_failures_even_with_the_right_password(client, editor, settings):
    fail(client, "eddie", settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT)

    response = client.post(LOGIN, {"username": "eddie", "password": PASSWORD})

    assert response.status_code == 429
    assert lockout_message() == "Too many failed sign-in attempts. Please wait 15 minutes and try again."
    assert lockout_message() in response.content.decode()
    assert "An administrator can unlock your account sooner." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("failed_as", ["wr2", FULL_WIDTH_WR2])
@pytest.mark.parametrize("signs_in_as", [FULL_WIDTH_WR2, FULL_WIDTH_UPPER_WR2, " WR2 ", "wr2"])
def test_one_account_however_its_name_is_written(client, settings, failed_as, signs_in_as):
    """Finding 1: `wr2` locked, then full-width `wr2` got fresh guesses and signed in."""
    User.objects.create_user("wr2", password=PASSWORD, is_staff=True)
    fail(client, failed_as, settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT)

    assert not signs_in(client, signs_in_as)


def test_the_sign_in_name_is_djangos_normalised_name_casefolded():
    for name in ["wr2", FULL_WIDTH_WR2, FULL_WIDTH_UPPER_WR2, "Straße", "STRASSE", " eddie\u3000", "\ufb01ona"]:
        assert sign_in_name(name) == AbstractBaseUser.normalize_username(name).strip().casefold()
    assert sign_in_name(FULL_WIDTH_WR2) == sign_in_name(" WR2") == "wr2"
    assert sign_in_name("Straße") == sign_in_name("STRASSE")


def test_a_stranger_cannot_lock_an_editor_out(client, editor, settings):
    """Also-finding: five anonymous requests locked an editor out for 15 minutes."""
    fail(client, "eddie", settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT, **STRANGER)

    assert not signs_in(client, "eddie", **STRANGER)  # the guesser is paused on that account
    assert signs_in(client, "eddie", **EDITORS_DESK)  # the editor is not
    client.logout()
    assert not signs_in(client, "eddie", **STRANGER)  # and the editor's sign-in did not forgive the guesser


def test_many_clients_against_one_account_still_end_in_a_lock(client, editor, settings):
    settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT = 8
    for n in range(4):
        fail(client, "eddie", 2, REMOTE_ADDR=f"203.0.113.{n + 10}")

    assert not signs_in(client, "eddie", **EDITORS_DESK)
    other = client.post(LOGIN, {"username": "someone-else", "password": "x"}, **EDITORS_DESK)
    assert other.status_code == 200  # the client itself is not paused, only that account


def test_one_client_guessing_many_accounts_is_paused(client, settings):
    settings.NEWSROOM_LOGIN_FAILURES_PER_CLIENT = 3
    for n in range(3):
        client.post(LOGIN, {"username": f"user{n}", "password": "x"})
    assert client.post(LOGIN, {"username": "someone-else", "password": "x"}).status_code == 429


def test_a_guesser_cannot_renew_its_budget_by_hopping_addresses_in_its_ipv6_64(client, editor, settings):
    """One IPv6 subscriber holds a whole /64: every address in it is the same client, as for votes and views."""
    settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT = 3
    for n in range(3):
        fail(client, "eddie", 1, REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")

    assert not signs_in(client, "eddie", REMOTE_ADDR="2001:db8:1:2::ffff")
    assert signs_in(client, "eddie", REMOTE_ADDR="2001:db8:1:3::1")  # another /64: another client


def test_successful_sign_in_below_the_limit_works_and_forgives_its_own_failures(client, editor, settings):
    fail(client, "eddie", settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT - 1)
    response = client.post(LOGIN, {"username": "eddie", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert SignInFailure.objects.count() == 0
    client.logout()
    fail(client, "eddie", 1)
    assert signs_in(client, "eddie")


def test_the_attempt_is_on_record_before_its_password_is_checked(client, editor, monkeypatch):
    """So parallel guesses cannot all pass the check while the first one's password is still being hashed."""
    from django.contrib.auth.backends import ModelBackend

    seen = []
    authenticate = ModelBackend.authenticate

    def counting_authenticate(self, request, **credentials):
        seen.append(SignInFailure.objects.count())
        return authenticate(self, request, **credentials)

    monkeypatch.setattr(ModelBackend, "authenticate", counting_authenticate)
    fail(client, "eddie", 2)

    assert seen == [1, 2]


def test_failures_older_than_the_window_no_longer_count_and_are_pruned(client, editor, settings):
    fail(client, "eddie", settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT)
    window = timezone.timedelta(seconds=settings.NEWSROOM_LOGIN_LOCKOUT_SECONDS + 1)
    SignInFailure.objects.update(attempted_at=timezone.now() - window)

    assert signs_in(client, "eddie")
    assert SignInFailure.objects.count() == 0


def test_names_and_addresses_are_stored_only_as_keyed_hashes(client):
    client.post(LOGIN, {"username": "my-password-typed-here", "password": "x"}, **STRANGER)
    failure = SignInFailure.objects.get()
    assert "my-password" not in failure.account and "203.0.113" not in failure.client
    assert len(failure.account) == len(failure.client) == 32


@pytest.mark.parametrize("form", [{}, {"password": "x"}, {"username": "x" * 10_000, "password": "x"}])
def test_odd_sign_in_forms_answer_the_form_not_a_500(client, form):
    assert client.post(LOGIN, form).status_code == 200


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
