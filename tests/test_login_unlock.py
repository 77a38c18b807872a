"""An admin lifts a sign-in lock: the users' "Unlock sign-in" action (change permission only), or the command."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsroom.login_throttle import account_of
from newsroom.models import SignInFailure

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
USERS = "/admin/auth/user/"
PASSWORD = "right-password-123"
BOTNET = [f"203.0.113.{n}" for n in range(10, 14)]


@pytest.fixture
def locked_editors(settings):
    """Two editors locked on every client by guesses from many addresses (the per-account ceiling)."""
    settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT = 8
    editors = [User.objects.create_user(name, password=PASSWORD, is_staff=True) for name in ("eddie", "erin")]
    SignInFailure.objects.bulk_create(
        SignInFailure(account=account_of(editor.username), client=address, attempted_at=timezone.now())
        for editor in editors
        for address in BOTNET
        for _ in range(2)
    )
    return editors


def signs_in(client, username) -> bool:
    response = client.post(LOGIN, {"username": username, "password": PASSWORD}, REMOTE_ADDR="198.51.100.9")
    client.logout()
    return response.status_code == 302


def staff_with(*codenames) -> User:
    user = User.objects.create_user("admin", password=PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="auth", codename__in=codenames))
    return user


def unlock_action(client, *users):
    return client.post(
        USERS, {"action": "unlock_sign_in", "_selected_action": [user.pk for user in users]}, follow=True
    )


def test_an_admin_who_may_change_users_unlocks_an_account(client, locked_editors):
    eddie, _ = locked_editors
    assert not signs_in(client, "eddie")
    client.force_login(staff_with("view_user", "change_user"))

    assert 'value="unlock_sign_in"' in client.get(USERS).content.decode()
    response = unlock_action(client, eddie)

    assert "Sign-in unlocked for eddie (8 failed attempts cleared)." in response.content.decode()
    client.logout()
    assert signs_in(client, "eddie")
    assert not signs_in(client, "erin")  # only the accounts chosen


def test_staff_who_may_only_view_users_cannot_unlock(client, locked_editors):
    eddie, _ = locked_editors
    client.force_login(staff_with("view_user"))

    assert client.get(USERS).status_code == 200
    assert "unlock_sign_in" not in client.get(USERS).content.decode()
    response = unlock_action(client, eddie)

    assert "Sign-in unlocked" not in response.content.decode()
    assert SignInFailure.objects.filter(account=account_of(eddie.username)).count() == 8
    assert not signs_in(client, "eddie")


def test_the_command_unlocks_when_no_admin_can_sign_in(client, locked_editors, capsys):
    call_command("unlock_login", "eddie", "erin")

    assert "Sign-in unlocked for eddie, erin (16 failed attempts cleared)." in capsys.readouterr().out
    assert signs_in(client, "eddie") and signs_in(client, "erin")


def test_the_command_refuses_unknown_names_and_unlocks_nothing(client, locked_editors):
    with pytest.raises(CommandError, match="No such user: nobody"):
        call_command("unlock_login", "eddie", "nobody")
    assert SignInFailure.objects.count() == 16
