"""Admin sign-in throttling: attempts recorded in the database, counted per (account, client), client and account.

Three limits, each over the last `NEWSROOM_LOGIN_LOCKOUT_SECONDS`:
- one client on one account (`NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT`): a guesser is stopped, and a
  stranger who fails on an editor's name locks only himself out of it, never the editor;
- one client on any accounts (`NEWSROOM_LOGIN_FAILURES_PER_CLIENT`): one address guessing many names;
- any clients on one account (`NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT`, higher): many addresses guessing one
  name still end in a lock, which an admin lifts (the users' "Unlock sign-in" action, `manage.py unlock_login`).

A name is normalised once (`sign_in_name`: NFKC as Django's `normalize_username`, stripped, casefolded) for the
lock check and every count, so full-width `wr2`, ` WR2` and `wr2` share one budget. The client is the real one behind
our trusted proxies, an IPv6 /64 as one (`newsroom.requester.client_key`).

An attempt is on record before its password is checked (and forgiven when it signs in), so parallel guesses
cannot all pass the check while the first is still hashing. Rows rather than cache counters: the throttle holds
with Redis down or restarted and is exact under concurrency, for one indexed query per sign-in and one insert
per attempt, next to a password hash that costs far more.
"""

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from newsroom.cache import hashed
from newsroom.models import SignInFailure
from newsroom.requester import client_key

LOCKOUT_MESSAGE = gettext_lazy("Too many failed sign-in attempts. Please wait %(minutes)s minutes and try again.")


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


def is_locked_out(request, username: str) -> bool:
    account, client = account_of(username), client_of(request)
    failures = SignInFailure.objects.filter(Q(account=account) | Q(client=client), attempted_at__gte=_window_start())
    counts = failures.aggregate(
        pair=Count("pk", filter=Q(account=account, client=client)),
        account=Count("pk", filter=Q(account=account)),
        client=Count("pk", filter=Q(client=client)),
    )
    return (
        counts["pair"] >= settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT
        or counts["client"] >= settings.NEWSROOM_LOGIN_FAILURES_PER_CLIENT
        or counts["account"] >= settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT
    )


def admit(request, username: str) -> bool:
    """False if this sign-in attempt is refused (locked); otherwise it is on record as a failure until it signs
    in (`forgive_on_sign_in`). Rows older than the window go here, so the table stays the size of one window."""
    if is_locked_out(request, username):
        return False
    SignInFailure.objects.filter(attempted_at__lt=_window_start()).delete()
    SignInFailure.objects.create(account=account_of(username), client=client_of(request), attempted_at=timezone.now())
    return True


def forgive_on_sign_in(sender, request, user, **kwargs) -> None:
    """Whoever signs in is forgiven their own failures on that account; others' failures on it still count."""
    if request is not None:
        SignInFailure.objects.filter(account=account_of(user.get_username()), client=client_of(request)).delete()


def unlock(usernames) -> int:
    """Lift every lock on these accounts (all clients' failures on them); how many failures were cleared."""
    deleted, _ = SignInFailure.objects.filter(account__in=[account_of(name) for name in usernames]).delete()
    return deleted


def lockout_message() -> str:
    return LOCKOUT_MESSAGE % {"minutes": settings.NEWSROOM_LOGIN_LOCKOUT_SECONDS // 60}


def connect() -> None:
    user_logged_in.connect(forgive_on_sign_in, dispatch_uid="newsroom_forgive_sign_in_failures")
