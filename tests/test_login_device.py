"""A browser that signed in keeps its own sign-in budget (a signed device cookie): strangers who reach the
per-account ceiling from many addresses do not lock the editor out of it."""

import pytest
from django.contrib.auth.models import User

from newsroom.login_throttle import account_of
from newsroom.models import SignInFailure

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
PASSWORD = "right-password-123"
DEVICE_COOKIE = "newsroom_device"
HOME = {"REMOTE_ADDR": "198.51.100.9"}
CAFE = {"REMOTE_ADDR": "192.0.2.44"}  # a fresh address: the editor travelling


@pytest.fixture
def editor(db):
    return User.objects.create_user("eddie", password=PASSWORD, is_staff=True)


@pytest.fixture
def known_browser(client, editor):
    """The editor's browser, signed in once before (from home), then signed out."""
    assert client.post(LOGIN, {"username": "eddie", "password": PASSWORD}, **HOME).status_code == 302
    device = client.cookies[DEVICE_COOKIE]
    client.logout()  # the test client forgets every cookie: keep the device's, as a browser does
    client.cookies[DEVICE_COOKIE] = device.value
    return client


def botnet_locks(client, username, settings) -> None:
    """10 addresses, 5 failures each: the per-account ceiling of 50, reached by strangers with no cookie."""
    stranger = client.__class__()
    for n in range(10):
        for _ in range(settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT):
            response = stranger.post(LOGIN, {"username": username, "password": "x"}, REMOTE_ADDR=f"203.0.113.{n}")
            assert response.status_code == 200


def attempt(client, password, **extra) -> int:
    return client.post(LOGIN, {"username": "eddie", "password": password}, **extra).status_code


def test_the_device_cookie_is_signed_httponly_and_sent_only_to_the_admin(client, editor):
    response = client.post(LOGIN, {"username": "eddie", "password": PASSWORD}, **HOME)

    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["path"] == "/admin/" and cookie["samesite"] == "Strict"
    assert "eddie" not in cookie.value and cookie.value.count(":") == 3  # account hash:device:time:signature
    assert client.post(LOGIN, {"username": "eddie", "password": "wrong"}).status_code == 200
    assert DEVICE_COOKIE not in client.post(LOGIN, {"username": "eddie", "password": "wrong"}).cookies


def test_the_device_cookie_is_secure_where_the_session_cookie_is(client, editor, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = client.post(LOGIN, {"username": "eddie", "password": PASSWORD}, **HOME)
    assert response.cookies[DEVICE_COOKIE]["secure"]


def test_strangers_at_the_account_ceiling_lock_out_an_unknown_browser(client, editor, settings):
    botnet_locks(client, "eddie", settings)

    assert attempt(client, PASSWORD, **CAFE) == 429
    assert "_auth_user_id" not in client.session


def test_strangers_at_the_account_ceiling_do_not_lock_out_the_editors_browser(known_browser, settings):
    botnet_locks(known_browser, "eddie", settings)

    assert attempt(known_browser, PASSWORD, **CAFE) == 302
    assert "_auth_user_id" in known_browser.session


def test_a_known_browser_may_mistype_its_password_without_touching_the_accounts_budget(known_browser, settings):
    botnet_locks(known_browser, "eddie", settings)
    account = account_of("eddie")
    before = SignInFailure.objects.filter(account=account).exclude(client__startswith="device-").count()

    for _ in range(settings.NEWSROOM_LOGIN_FAILURES_PER_DEVICE - 1):
        assert attempt(known_browser, "typo", **CAFE) == 200

    assert SignInFailure.objects.filter(account=account).exclude(client__startswith="device-").count() == before
    assert attempt(known_browser, PASSWORD, **CAFE) == 302


def test_a_device_that_uses_up_its_budget_is_distrusted(known_browser, settings):
    for _ in range(settings.NEWSROOM_LOGIN_FAILURES_PER_DEVICE):
        assert attempt(known_browser, "guess", **CAFE) == 200
    botnet_locks(known_browser, "eddie", settings)

    assert attempt(known_browser, PASSWORD, **CAFE) == 429  # judged as any client: the account is at its ceiling


def test_a_distrusted_device_is_still_a_client_with_its_own_pair_budget(known_browser, settings):
    """A stolen laptop's cookie gives 5 guesses, then 5 more as an ordinary client, then a pause: no more."""
    per_device = settings.NEWSROOM_LOGIN_FAILURES_PER_DEVICE
    per_pair = settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT
    statuses = [attempt(known_browser, "guess", **CAFE) for _ in range(per_device + per_pair + 1)]
    assert statuses == [200] * (per_device + per_pair) + [429]


def test_a_device_cookie_helps_only_the_account_it_names(client, editor, settings):
    User.objects.create_user("erin", password=PASSWORD, is_staff=True)
    assert client.post(LOGIN, {"username": "erin", "password": PASSWORD}, **HOME).status_code == 302
    device = client.cookies[DEVICE_COOKIE].value
    client.logout()
    client.cookies[DEVICE_COOKIE] = device
    botnet_locks(client, "eddie", settings)

    assert attempt(client, PASSWORD, **CAFE) == 429


@pytest.mark.parametrize("forged", ["anything", "{account}:abc", "{account}:abc:forged-signature"])
def test_a_forged_device_cookie_is_no_cookie(client, editor, settings, forged):
    botnet_locks(client, "eddie", settings)
    client.cookies[DEVICE_COOKIE] = forged.format(account=account_of("eddie"))

    assert attempt(client, PASSWORD, **CAFE) == 429


def test_an_expired_device_cookie_is_no_cookie(known_browser, settings):
    botnet_locks(known_browser, "eddie", settings)
    settings.NEWSROOM_LOGIN_DEVICE_DAYS = 0

    assert attempt(known_browser, PASSWORD, **CAFE) == 429


def test_signing_in_on_the_device_forgives_its_failures_and_renews_its_cookie(known_browser, settings):
    old = known_browser.cookies[DEVICE_COOKIE].value
    for _ in range(settings.NEWSROOM_LOGIN_FAILURES_PER_DEVICE - 1):
        attempt(known_browser, "typo", **CAFE)

    response = known_browser.post(LOGIN, {"username": "eddie", "password": PASSWORD}, **CAFE)

    assert response.status_code == 302
    assert SignInFailure.objects.count() == 0
    assert response.cookies[DEVICE_COOKIE].value != old
