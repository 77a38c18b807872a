"""Defines: the Content-Security-Policy, cookies, HTTPS behind a proxy, sign-in throttling, trusted proxies."""

from django.utils.csp import CSP

from newsroom.env import env_bool, env_int, env_list
from newsroom.media_origins import media_origins
from newsroom.settings.core import DEBUG
from newsroom.settings.editor import PROSE_EDITOR_STYLE_HASH
from newsroom.settings.services import MEDIA_URL, NEWSROOM_MEDIA_ORIGINS, STORAGES

# Security. Every response carries a CSP; the few inline scripts use the per-request nonce. Only what differs from
# default-src is spelt out (fonts, fetches and frames are ours alone: 'self'). A page showing embeds adds their
# hosts, and only theirs, to its own frame-src (`newsroom.browser_policies.allow_frames`), never one outside
# NEWSROOM_EMBED_FRAME_HOSTS (articles/editor/embeds.py), and only after a reader's click does one load.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, PROSE_EDITOR_STYLE_HASH],
    "img-src": [CSP.SELF, "data:", *media_origins(MEDIA_URL, STORAGES["default"], NEWSROOM_MEDIA_ORIGINS)],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # newsroom/csp_reports.py. Not report-to: Chromium then ignores report-uri, and (tested) delivered nothing.
    "report-uri": ["/csp-report"],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "newsroom.views.csrf_failure"
CSRF_COOKIE_HTTPONLY = False  # the vote script reads the token from the form, not the cookie
LOGIN_URL = "admin:login"
# Where a sign-in lands when `next=` is missing or rejected (off-site, `javascript:`): the admin's index (the
# only sign-in is the admin's, for staff), not Django's default `/accounts/profile/`, which is no page here.
LOGIN_REDIRECT_URL = "admin:index"
# Admin sign-in throttling: failures counted per client, per account, per (account, client) for this long.
NEWSROOM_LOGIN_FAILURES_PER_CLIENT = env_int("NEWSROOM_LOGIN_FAILURES_PER_CLIENT", 20)
NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT = env_int("NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT", 50)
NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT = env_int("NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT", 5)
NEWSROOM_LOGIN_LOCKOUT_SECONDS = env_int("NEWSROOM_LOGIN_LOCKOUT_SECONDS", 900)
# A browser that signed in before keeps its own budget (a signed device cookie, this many days), counted alone.
NEWSROOM_LOGIN_FAILURES_PER_DEVICE = env_int("NEWSROOM_LOGIN_FAILURES_PER_DEVICE", 5)
NEWSROOM_LOGIN_DEVICE_DAYS = env_int("NEWSROOM_LOGIN_DEVICE_DAYS", 180)
# Addresses/networks of our own load balancers: X-Forwarded-For is believed only from them.
NEWSROOM_TRUSTED_PROXIES = env_list("NEWSROOM_TRUSTED_PROXIES")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers probe over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
