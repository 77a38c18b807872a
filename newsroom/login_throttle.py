"""Writes: admin sign-in throttling: attempts kept in the database, counted per (account, client), client, account and
trusted device.

Three limits for an untrusted client, each over the last `NEWSROOM_LOGIN_LOCKOUT_SECONDS`:
- one client on one account (`NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT`): a guesser is stopped, and a
  stranger who fails on an editor's name locks only himself out of it, never the editor;
- one client on any accounts (`NEWSROOM_LOGIN_FAILURES_PER_CLIENT`): one address guessing many names;
- any clients on one account (`NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT`, higher): many addresses guessing one
  name still end in a lock, which an admin lifts (the users' "Unlock sign-in" action, `manage.py unlock_login`).

A browser that signed in keeps its own budget (OWASP's "device cookie"): a signed, HttpOnly cookie naming the
account and a random device. An attempt on that account carrying it is judged only by that device's failures
(`NEWSROOM_LOGIN_FAILURES_PER_DEVICE`), which count against nothing else, so strangers reaching the per-account
ceiling do not lock the editor out of their own browser. A device that uses up its budget is distrusted for the
window: its attempts are judged as any client's. Its failures are rows whose client is the device's keyed hash,
marked `device-` (a hex hash never is), on the real account, so an unlock clears them too.

A name is normalised once (`sign_in_name`: NFKC as Django's `normalize_username`, stripped, casefolded) for the
lock check and every count, so full-width `wr2`, ` WR2` and `wr2` share one budget. The client is the real one behind
our trusted proxies, an IPv6 /64 as one (`newsroom.requester.client_key`).

An attempt is on record before its password is checked (and forgiven when it signs in), so parallel guesses
cannot all pass the check while the first is still hashing. Rows rather than cache counters: the throttle holds
with Redis down or restarted and is exact under concurrency, for one indexed query per sign-in and one insert
per attempt, next to a password hash that costs far more.
"""

import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models import Count, Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from newsroom.cache import hashed
from newsroom.models import SignInFailure
from newsroom.requester import client_key

LOCKOUT_MESSAGE = gettext_lazy("Too many failed sign-in attempts. Please wait %(minutes)s minutes and try again.")
DEVICE_COOKIE = "newsroom_device"
DEVICE_SALT = "newsroom.login.device"
DEVICE_MARK = "device-"


def sign_in_name(username: str) -> str:
    """The one form of a name every count and check uses: Django's normalisation (NFKC), stripped, casefolded."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def account_of(username: str) -> str:
    return hashed("newsroom.login.account", sign_in_name(username))


def client_of(request) -> str:
    """The client as every budget counts it (`requester.client_key`: an address, an IPv6 /64 as one)."""
    return client_key(request)


def _window_start():
    return timezone.now() - timedelta(seconds=settings.NEWSROOM_LOGIN_LOCKOUT_SECONDS)


def _device_max_age() -> int:
    return settings.NEWSROOM_LOGIN_DEVICE_DAYS * 24 * 60 * 60


def device_of(request, account: str) -> str | None:
    """The device key of a valid device cookie for this account (whatever its budget), else None."""
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT, max_age=_device_max_age())
    cookie_account, _, device = (value or "").partition(":")
    if not device or cookie_account != account:
        return None
    return DEVICE_MARK + hashed(DEVICE_SALT, device)[: 32 - len(DEVICE_MARK)]


def trusted_device(request, account: str) -> str | None:
    """The device key if this attempt comes from a device trusted on this account with failures to spare."""
    device = device_of(request, account)
    if device is None:
        return None
    failures = SignInFailure.objects.filter(account=account, client=device, attempted_at__gte=_window_start())
    return device if failures.count() < settings.NEWSROOM_LOGIN_FAILURES_PER_DEVICE else None


def is_locked_out(request, username: str) -> bool:
    """Whether an untrusted client's attempt on this name is refused (a trusted device is judged by `admit`)."""
    account, client = account_of(username), client_of(request)
    failures = SignInFailure.objects.filter(Q(account=account) | Q(client=client), attempted_at__gte=_window_start())
    counts = failures.aggregate(
        pair=Count("pk", filter=Q(account=account, client=client)),
        account=Count("pk", filter=Q(account=account) & ~Q(client__startswith=DEVICE_MARK)),
        client=Count("pk", filter=Q(client=client)),
    )
    return (
        counts["pair"] >= settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT
        or counts["client"] >= settings.NEWSROOM_LOGIN_FAILURES_PER_CLIENT
        or counts["account"] >= settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT
    )


def admit(request, username: str) -> bool:
    """False if this sign-in attempt is refused (locked); otherwise it is on record as a failure until it signs
    in (`forgive_on_sign_in`), against its trusted device if it has one, else its client. Rows older than the
    window go here, so the table stays the size of one window."""
    account = account_of(username)
    client = trusted_device(request, account)
    if client is None:
        if is_locked_out(request, username):
            return False
        client = client_of(request)
    SignInFailure.objects.filter(attempted_at__lt=_window_start()).delete()
    SignInFailure.objects.create(account=account, client=client, attempted_at=timezone.now())
    return True


def forgive_on_sign_in(sender, request, user, **kwargs) -> None:
    """Whoever signs in is forgiven their own failures on that account (from this client and this device);
    others' failures on it still count."""
    if request is not None:
        account = account_of(user.get_username())
        clients = [client_of(request), device_of(request, account)]
        SignInFailure.objects.filter(account=account, client__in=[c for c in clients if c]).delete()


def remember_device(response: HttpResponse, *, user) -> None:
    """After a sign-in: a new device cookie for this account (a fresh device, so an old one's failures stay its
    own). Signed and HttpOnly; Secure where the session cookie is; sent only to the admin."""
    response.set_signed_cookie(
        DEVICE_COOKIE,
        f"{account_of(user.get_username())}:{secrets.token_hex(16)}",
        salt=DEVICE_SALT,
        max_age=_device_max_age(),
        path=reverse("admin:index"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def unlock(usernames) -> int:
    """Lift every lock on these accounts (all clients' failures on them); how many failures were cleared."""
    deleted, _ = SignInFailure.objects.filter(account__in=[account_of(name) for name in usernames]).delete()
    return deleted


def lockout_message() -> str:
    return LOCKOUT_MESSAGE % {"minutes": settings.NEWSROOM_LOGIN_LOCKOUT_SECONDS // 60}


def connect() -> None:
    user_logged_in.connect(forgive_on_sign_in, dispatch_uid="newsroom_forgive_sign_in_failures")
