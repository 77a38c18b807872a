"""Defines: the Django project itself: secret key and hosts, apps, middleware, templates, languages, logging.

With DEBUG off the project refuses to start unless SECRET_KEY and ALLOWED_HOSTS are set for real.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from newsroom.cached_reverse import tag_url
from newsroom.env import env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

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
    "newsroom.apps.NewsroomConfig",  # sign-in failures; before django_tasks_db, so its db_worker is the one run
    "django_tasks_db",
    "reversion",  # every version of an article (articles/desk/versions.py)
    "articles",  # the content model: articles, sections, tags, slug redirects
    # Features with their own models (label in brackets): tables keep their `articles_` names (db_table).
    "articles.media.apps.LibraryConfig",  # the media library (library)
    "articles.authors.apps.AuthorsConfig",  # authors' profiles (authors)
    "articles.engagement.apps.EngagementConfig",  # votes and popularity buckets (engagement)
    "articles.desk.apps.DeskConfig",  # edit locks, reviews, staged corrections, the trash (desk)
    "articles.corrections.apps.CorrectionsConfig",  # correction notes readers see (corrections)
]

MIDDLEWARE = [
    "newsroom.forwarded.UntrustedForwardedHeadersMiddleware",  # X-Forwarded-* only from NEWSROOM_TRUSTED_PROXIES
    "django.middleware.security.SecurityMiddleware",
    "newsroom.browser_policies.BrowserPoliciesMiddleware",  # Permissions-Policy on every response
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # gzip for text, below WhiteNoise (static files come precompressed) and above the page cache (which keeps and
    # replays plain bytes; a copy is compressed once per process): newsroom/compression.py
    "newsroom.compression.CompressionMiddleware",
    "newsroom.hostile_input.RejectNulBytesMiddleware",  # a 400, before the page cache or a query sees a NUL
    "newsroom.db_router.ReplicaReadsMiddleware",  # with read replicas: which requests may read them
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
            # `{% extends %}` finding its parent's blocks once per compiled template (newsroom/template_extends.py)
            "builtins": ["newsroom.template_extends"],
        },
    },
]

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

# taggit's Tag has no URL of its own: its page (Django adds `get_absolute_url` from this setting).
ABSOLUTE_URL_OVERRIDES = {"taggit.tag": tag_url}

# Tags match whatever their case: "Harbour Barrier" typed by a writer is the existing "harbour barrier".
TAGGIT_CASE_INSENSITIVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
