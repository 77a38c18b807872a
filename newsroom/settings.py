"""
Newsroom settings: one module, read from environment variables.

Development defaults are safe (SQLite file, local-memory cache). With DEBUG off
the project refuses to start unless SECRET_KEY and ALLOWED_HOSTS are set for real.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from js_asset import static_lazy

from newsroom.cached_reverse import tag_url
from newsroom.env import env_bool, env_float, env_int, env_list, mailer_from_env
from newsroom.media_origins import media_origins

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105 — only ever used with DEBUG on
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

if DEBUG:
    SECRET_KEY = SECRET_KEY or _DEV_SECRET_KEY
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing or weak. With DEBUG off, set the SECRET_KEY environment variable "
            "to a random string of at least 50 characters (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set DEBUG=1 for development."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is empty. With DEBUG off, set the ALLOWED_HOSTS environment variable to the "
            "comma-separated host names this site answers to (for example 'news.example.com'), "
            "or set DEBUG=1 for development."
        )

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",  # full-text search fields; harmless on SQLite
    "taggit",
    "django_prose_editor",
    "django_tasks_db",
    "reversion",  # every version of an article (articles/desk/versions.py)
    "articles",
    "newsroom.apps.NewsroomConfig",  # failed sign-ins (newsroom/models.py), manage.py unlock_login
]

MIDDLEWARE = [
    "newsroom.forwarded.UntrustedForwardedHeadersMiddleware",  # X-Forwarded-* only from NEWSROOM_TRUSTED_PROXIES
    "django.middleware.security.SecurityMiddleware",
    "newsroom.browser_policies.BrowserPoliciesMiddleware",  # Permissions-Policy on every response
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.hostile_input.RejectNulBytesMiddleware",  # a 400, before the page cache or a query sees a NUL
    # Anonymous reader pages from the cache, before sessions, CSRF or any view (articles/page_cache.py).
    "articles.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "articles.context_processors.site",
            ],
        },
    },
]

# Database: SQLite file by default; DATABASE_URL=postgres://… uses psycopg 3 with Django's pool.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL)
    if _db["ENGINE"] == "django.db.backends.postgresql":
        # Django's own psycopg connection pool; it requires persistent connections off.
        _db["CONN_MAX_AGE"] = 0
        _db.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DB_POOL_MIN", 2),
            "max_size": env_int("DB_POOL_MAX", 20),
            "timeout": env_float("DB_POOL_TIMEOUT", 1),  # database unreachable: the 503 page this fast
        }
        _db["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 2))  # libpq's minimum is 2 s
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let readers and one writer share the file without "database is locked".
    _db.setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES = {"default": _db}
# Read replicas (PostgreSQL): DATABASE_REPLICA_URLS=postgres://…,postgres://… sends plain reads to them.
for _n, _url in enumerate(env_list("DATABASE_REPLICA_URLS")):
    DATABASES[f"replica_{_n}"] = {**dj_database_url.parse(_url), "TEST": {"MIRROR": "default"}}
    DATABASES[f"replica_{_n}"]["OPTIONS"] = _db.get("OPTIONS", {})
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["newsroom.db_router.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Django's built-in Redis backend when REDIS_URL is set, local memory otherwise. Every key the
# project uses is in newsroom/cache.py.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "newsroom")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache_backend.FailSafeRedisCache",  # Redis down: a miss, logged once, fast
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": CACHE_KEY_PREFIX,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # The default 300 keys are too few for the view buffer.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
SITE_ID = 1

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Django serves uploads itself only in development and `make serve`; in production the web server does.
NEWSROOM_SERVE_MEDIA = env_bool("NEWSROOM_SERVE_MEDIA", default=DEBUG)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploads: the local disk (MEDIA_ROOT) by default; NEWSROOM_MEDIA_STORAGE=s3 puts them in an S3-compatible bucket
# through django-storages (credentials from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables).
NEWSROOM_MEDIA_STORAGE = os.environ.get("NEWSROOM_MEDIA_STORAGE") or "local"
if NEWSROOM_MEDIA_STORAGE == "s3":
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,  # MinIO, R2, Spaces, …
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,  # a CDN in front of the bucket
            "location": os.environ.get("AWS_LOCATION", "media"),
            # Plain URLs, computed without a request and the same for every reader (pages are cached whole).
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
elif NEWSROOM_MEDIA_STORAGE == "local":
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured("NEWSROOM_MEDIA_STORAGE must be 'local' or 's3'.")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# taggit's Tag has no URL of its own: its page (Django adds `get_absolute_url` from this setting).
ABSOLUTE_URL_OVERRIDES = {"taggit.tag": tag_url}

# Whole anonymous pages are kept this long at most (a change drops the pages that show it at once).
NEWSROOM_PAGE_CACHE_SECONDS = env_int("NEWSROOM_PAGE_CACHE_SECONDS", 300)
# How far apart the web servers' clocks may be: a page rendered this close to a purge is not kept.
NEWSROOM_PAGE_CACHE_CLOCK_SKEW_MS = env_int("NEWSROOM_PAGE_CACHE_CLOCK_SKEW_MS", 100)

# Uploads: Pillow checks every image; anything above this many pixels is refused as a likely bomb.
NEWSROOM_MAX_IMAGE_PIXELS = env_int("NEWSROOM_MAX_IMAGE_PIXELS", 40_000_000)
NEWSROOM_MAX_UPLOAD_BYTES = env_int("NEWSROOM_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)  # a form error above it
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
NEWSROOM_HERO_RENDITION_WIDTHS = (320, 640, 1280)

# Background work (image renditions): a database queue run by `manage.py db_worker` in production, inline in
# the request in the embedded default (`make run` needs no worker). NEWSROOM_TASKS=immediate|database.
NEWSROOM_TASKS = os.environ.get("NEWSROOM_TASKS") or ("immediate" if DEBUG or not DATABASE_URL else "database")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[NEWSROOM_TASKS]
    }
}

# Tags match whatever their case: "Harbour Barrier" typed by a writer is the existing "harbour barrier".
TAGGIT_CASE_INSENSITIVE = True

# --- The body editor and embeds (articles/editor/) ----------------------------------------------------------------
# Mastodon servers whose posts may be embedded (each is a frame host, so the list is explicit).
NEWSROOM_EMBED_MASTODON_HOSTS = env_list("NEWSROOM_EMBED_MASTODON_HOSTS", "mastodon.social,mastodon.online")
# What the CSP's frame-src allows: the embeds' frame hosts, nothing else (a test keeps it equal to embeds.py's list).
NEWSROOM_EMBED_FRAME_HOSTS = [
    f"https://{host}"
    for host in [
        "www.youtube-nocookie.com",
        "player.vimeo.com",
        "platform.twitter.com",
        "www.instagram.com",
        "embed.bsky.app",
        *NEWSROOM_EMBED_MASTODON_HOSTS,
        "datawrapper.dwcdn.net",
        "flo.uri.sh",
    ]
]


def _adds_no_markup(extension_config, shared_config) -> None:
    """The PastedFrame editor extension carries iframes to the server for embeds.py; the allowlist gains nothing."""


DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {"js": [static_lazy("editor/pasted-frame.js")], "extensions": {"PastedFrame": _adds_no_markup}},
]
# The one <style> element the editor (Tiptap) injects, allowed by its hash rather than 'unsafe-inline'
# (django-prose-editor 0.28.0; tests/browser/test_editor_browser.py fails with the new hash on an upgrade).
PROSE_EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"

# Security. Every response carries a CSP; the few inline scripts use the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, PROSE_EDITOR_STYLE_HASH],
    "img-src": [CSP.SELF, "data:", *media_origins(MEDIA_URL, _media_storage)],  # S3/CDN; articles/sanitize.py
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "frame-src": NEWSROOM_EMBED_FRAME_HOSTS,  # embeds, only after a reader's click (articles/editor/embeds.py)
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
# Admin sign-in throttling: failures counted per client, per account, per (account, client) for this long.
NEWSROOM_LOGIN_FAILURES_PER_CLIENT = env_int("NEWSROOM_LOGIN_FAILURES_PER_CLIENT", 20)
NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT = env_int("NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT", 50)
NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT = env_int("NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT", 5)
NEWSROOM_LOGIN_LOCKOUT_SECONDS = env_int("NEWSROOM_LOGIN_LOCKOUT_SECONDS", 900)

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_REDIRECT_EXEMPT += [r"^readyz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Votes, view counting and popularity (articles/engagement/) ------------------------------------------------
# See docs/votes-and-popularity.md. Every value can be set from the environment under the same name.
# The vote button's label, on every article page and in every vote message (translatable).
NEWSROOM_VOTE_LABEL = os.environ.get("NEWSROOM_VOTE_LABEL") or _("veryGood!")
# Ranking score = views * NEWSROOM_POPULARITY_VIEW_WEIGHT + net votes * NEWSROOM_POPULARITY_VOTE_WEIGHT.
NEWSROOM_POPULARITY_VIEW_WEIGHT = env_float("NEWSROOM_POPULARITY_VIEW_WEIGHT", 1)
NEWSROOM_POPULARITY_VOTE_WEIGHT = env_float("NEWSROOM_POPULARITY_VOTE_WEIGHT", 10)
NEWSROOM_POPULARITY_TRENDING_HALF_LIFE_HOURS = env_float("NEWSROOM_POPULARITY_TRENDING_HALF_LIFE_HOURS", 24)
NEWSROOM_POPULARITY_CACHE_SECONDS = env_int("NEWSROOM_POPULARITY_CACHE_SECONDS", 60)
NEWSROOM_POPULARITY_HOURLY_DAYS = env_int("NEWSROOM_POPULARITY_HOURLY_DAYS", 2)  # then hourly buckets roll up into days
NEWSROOM_POPULARITY_RETENTION_DAYS = env_int("NEWSROOM_POPULARITY_RETENTION_DAYS", 180)
# Views: once per reader per article per window; buffered in the cache and flushed into buckets in batches.
NEWSROOM_VIEW_DEDUPE_SECONDS = env_int("NEWSROOM_VIEW_DEDUPE_SECONDS", 30 * 60)
NEWSROOM_VIEW_FLUSH_INTERVAL_SECONDS = env_int("NEWSROOM_VIEW_FLUSH_INTERVAL_SECONDS", 60)
NEWSROOM_VIEW_BUFFER_LOOKBACK_HOURS = env_int("NEWSROOM_VIEW_BUFFER_LOOKBACK_HOURS", 48)
NEWSROOM_VIEW_BUFFER_TTL_SECONDS = env_int("NEWSROOM_VIEW_BUFFER_TTL_SECONDS", 72 * 3600)
# Abuse limits (per client = salted hash of address + User-Agent) and who counts as a bot.
NEWSROOM_VOTE_RATE_LIMIT = env_int("NEWSROOM_VOTE_RATE_LIMIT", 30)
NEWSROOM_VOTE_RATE_WINDOW_SECONDS = env_int("NEWSROOM_VOTE_RATE_WINDOW_SECONDS", 600)
NEWSROOM_BEACON_RATE_LIMIT = env_int("NEWSROOM_BEACON_RATE_LIMIT", 300)
NEWSROOM_BEACON_RATE_WINDOW_SECONDS = env_int("NEWSROOM_BEACON_RATE_WINDOW_SECONDS", 600)
# Addresses/networks of our own load balancers: X-Forwarded-For is believed only from them.
NEWSROOM_TRUSTED_PROXIES = env_list("NEWSROOM_TRUSTED_PROXIES")
# Vote and view budgets count a client by address only (an IPv6 client is its /64), never User-Agent or cookies; per
# article and day as well, shared by everyone behind one address (an office, a campus): docs/votes-and-popularity.md.
NEWSROOM_CLIENT_IPV6_PREFIX = env_int("NEWSROOM_CLIENT_IPV6_PREFIX", 64)
NEWSROOM_VOTE_ARTICLE_LIMIT = env_int("NEWSROOM_VOTE_ARTICLE_LIMIT", 20)
NEWSROOM_VIEW_ARTICLE_LIMIT = env_int("NEWSROOM_VIEW_ARTICLE_LIMIT", 100)
NEWSROOM_ARTICLE_BUDGET_WINDOW_SECONDS = env_int("NEWSROOM_ARTICLE_BUDGET_WINDOW_SECONDS", 24 * 3600)
NEWSROOM_BOT_USER_AGENT_PATTERN = os.environ.get(
    "NEWSROOM_BOT_USER_AGENT_PATTERN",
    r"\bbot\b|bot[/;_-]|crawl|spider|slurp|scrap|fetcher|curl/|wget/|python-requests|python-urllib|httpx|aiohttp|"
    r"go-http-client|java/|okhttp|libwww|httpclient|facebookexternalhit|embedly|preview|lighthouse|pingdom|uptime",
)

# --- The editors' desk (articles/desk/) ---------------------------------------------------------------------------
# An open article form beats every 20 s; its edit lock ("Ana is editing since 10:42") lapses this long after the last.
NEWSROOM_EDIT_LOCK_SECONDS = env_int("NEWSROOM_EDIT_LOCK_SECONDS", 90)
# Review e-mails (articles/desk/notify.py), through Django's MAILERS: printed to the console in development, sent
# by SMTP (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS) with DEBUG off;
# EMAIL_BACKEND picks another backend either way.
MAILERS = {"default": mailer_from_env(debug=DEBUG)}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
