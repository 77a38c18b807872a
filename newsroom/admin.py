"""The admin site, with sign-in attempts throttled per client and per account."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.template.response import TemplateResponse
from django.utils.crypto import salted_hmac

from articles import clients

LOCKOUT_MESSAGE = "Too many failed sign-in attempts. Please wait {minutes} minutes and try again."


def _keys(request, username: str) -> tuple[str, str]:
    """Cache keys for this client and for this account; keyed hashes, so no raw address or name is stored.

    The address is the real client's behind our trusted proxies (`TRUSTED_PROXIES`), so one proxy's address
    never becomes everyone's shared budget.
    """
    ip = salted_hmac("newsroom.login.client", clients.client_ip(request), algorithm="sha256").hexdigest()[:32]
    account = salted_hmac("newsroom.login.account", username.strip().lower(), algorithm="sha256").hexdigest()[:32]
    return f"login-fail:ip:{ip}", f"login-fail:user:{account}"


def is_locked_out(request, username: str) -> bool:
    ip_key, user_key = _keys(request, username)
    failures = cache.get_many([ip_key, user_key])
    return (
        failures.get(ip_key, 0) >= settings.LOGIN_FAILURES_PER_CLIENT
        or failures.get(user_key, 0) >= settings.LOGIN_FAILURES_PER_ACCOUNT
    )


def _increment(key: str) -> None:
    cache.add(key, 0, settings.LOGIN_LOCKOUT_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


@receiver(user_login_failed, dispatch_uid="newsroom_count_login_failure")
def count_login_failure(sender, credentials, request=None, **kwargs) -> None:
    if request is not None:
        for key in _keys(request, credentials.get("username", "")):
            _increment(key)


@receiver(user_logged_in, dispatch_uid="newsroom_clear_login_failures")
def clear_account_failures(sender, request, user, **kwargs) -> None:
    if request is not None:
        cache.delete(_keys(request, user.get_username())[1])


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom admin"
    index_title = "Editorial desk"

    def login(self, request, extra_context=None):
        if request.method == "POST" and is_locked_out(request, request.POST.get("username", "")):
            context = {
                **self.each_context(request),
                "title": "Sign-in paused",
                "lockout_message": LOCKOUT_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_SECONDS // 60),
            }
            return TemplateResponse(request, "admin/login_locked.html", context, status=429)
        return super().login(request, extra_context)
