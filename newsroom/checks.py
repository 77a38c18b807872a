"""Reads: settings that must agree with each other, checked at start-up (`manage.py check`, `runserver`, `migrate`).

Each value is read from the environment on its own (newsroom/settings/); these pairs only make sense together,
and a contradiction would lose data or lock editors out quietly rather than fail, so it is an error before the
site starts. Tagged "newsroom": `manage.py check --tag newsroom` runs these alone.
"""

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

TAG = "newsroom"


def _view_buffer_outlives_its_look_back() -> list[CheckMessage]:
    """articles/engagement/view_counts.py: a flush reads the buffers of the last LOOKBACK hours."""
    ttl, interval = settings.NEWSROOM_VIEW_BUFFER_TTL_SECONDS, settings.NEWSROOM_VIEW_FLUSH_INTERVAL_SECONDS
    lookback = settings.NEWSROOM_VIEW_BUFFER_LOOKBACK_HOURS * 3600
    needed = lookback + 3600  # a counter is written during its hour, then looked for LOOKBACK hours after it
    errors = []
    if ttl < needed:
        errors.append(
            Error(
                f"NEWSROOM_VIEW_BUFFER_TTL_SECONDS ({ttl}) is shorter than the look-back of a flush: buffered "
                "views would expire before a flush reads them, and be lost.",
                hint=f"Set it to at least (NEWSROOM_VIEW_BUFFER_LOOKBACK_HOURS + 1) x 3600 = {needed} seconds.",
                id="newsroom.E001",
            )
        )
    if interval >= lookback:
        errors.append(
            Error(
                f"NEWSROOM_VIEW_FLUSH_INTERVAL_SECONDS ({interval}) is not shorter than the look-back of a flush: "
                "an hour of buffered views could leave the look-back between two flushes, unflushed.",
                hint=f"Set it below NEWSROOM_VIEW_BUFFER_LOOKBACK_HOURS x 3600 = {lookback} seconds.",
                id="newsroom.E002",
            )
        )
    return errors


def _one_client_cannot_lock_an_account() -> list[CheckMessage]:
    """newsroom/login_throttle.py: a stranger failing on an editor's name locks only himself out of it."""
    pair = settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT
    account = settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT
    if pair < account:
        return []
    return [
        Error(
            f"NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT ({pair}) is not below "
            f"NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT ({account}): one client could lock an editor out of the admin.",
            hint="Keep the per-account-and-client limit below the per-account one (the defaults: 5 and 50).",
            id="newsroom.E003",
        )
    ]


def settings_agree(app_configs=None, **kwargs) -> list[CheckMessage]:
    return [*_view_buffer_outlives_its_look_back(), *_one_client_cannot_lock_an_account()]


def connect() -> None:
    register(settings_agree, TAG)
