"""Admin sign-in throttling: failures counted per client and per account, in the shared cache.

The client is the real one behind our trusted proxies (`NEWSROOM_TRUSTED_PROXIES`), so one proxy's address
never becomes everyone's shared budget. Receivers are connected in `NewsroomAdminConfig.ready()`.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.utils.translation import gettext_lazy

from newsroom.cache import login_failures_account_key, login_failures_client_key
from newsroom.cache_entries import counter_add
from newsroom.requester import client_ip

LOCKOUT_MESSAGE = gettext_lazy("Too many failed sign-in attempts. Please wait %(minutes)s minutes and try again.")


def _keys(request, username: str) -> tuple[str, str]:
    return login_failures_client_key(client_ip(request)), login_failures_account_key(username)


def is_locked_out(request, username: str) -> bool:
    client_key, account_key = _keys(request, username)
    failures = cache.get_many([client_key, account_key])
    return (
        failures.get(client_key, 0) >= settings.NEWSROOM_LOGIN_FAILURES_PER_CLIENT
        or failures.get(account_key, 0) >= settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT
    )


def lockout_message() -> str:
    return LOCKOUT_MESSAGE % {"minutes": settings.NEWSROOM_LOGIN_LOCKOUT_SECONDS // 60}


def count_login_failure(sender, credentials, request=None, **kwargs) -> None:
    if request is not None:
        for key in _keys(request, credentials.get("username", "")):
            counter_add(key, timeout=settings.NEWSROOM_LOGIN_LOCKOUT_SECONDS)


def clear_account_failures(sender, request, user, **kwargs) -> None:
    if request is not None:
        cache.delete(login_failures_account_key(user.get_username()))


def connect() -> None:
    user_login_failed.connect(count_login_failure, dispatch_uid="newsroom_count_login_failure")
    user_logged_in.connect(clear_account_failures, dispatch_uid="newsroom_clear_login_failures")
