"""Defines: where data lives: the database (and replicas), the cache, static files, uploads, the task queue, e-mail.

SQLite, local memory, the local disk and inline tasks by default, so `make run` needs nothing else;
DATABASE_URL, REDIS_URL, NEWSROOM_MEDIA_STORAGE and NEWSROOM_TASKS select the production services.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import env_bool, env_float, env_int, env_list, mailer_from_env
from newsroom.settings.core import BASE_DIR, DEBUG

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
        # The few queries run with server-side binding are prepared (newsroom/prepared_sql.py), each planned once per
        # connection (a generic plan: their plans do not depend on the values); Django's own cursors bind in the
        # client and prepare nothing either way. Off (None) for a pooler that cannot keep them.
        if env_bool("DB_PREPARED_STATEMENTS", True):
            _db["OPTIONS"]["prepare_threshold"] = 5
            _given = _db["OPTIONS"].get("options", "")
            _db["OPTIONS"]["options"] = f"{_given} -c plan_cache_mode=force_generic_plan".strip()
        else:
            _db["OPTIONS"]["prepare_threshold"] = None
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
# Read replicas (PostgreSQL streaming standbys): DATABASE_REPLICA_URLS=postgres://…,postgres://… sends anonymous
# readers' reads to them; the rest reads the primary, and so does a render after a purge until the replica has
# replayed it, or while a replica is unreachable (newsroom/db_router.py).
for _n, _url in enumerate(env_list("DATABASE_REPLICA_URLS")):
    DATABASES[f"replica_{_n}"] = {
        **dj_database_url.parse(_url),
        "OPTIONS": _db.get("OPTIONS", {}),
        # A pooled connection is checked when taken: a replica that went away is seen before a query fails.
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
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
# Whole anonymous pages are kept this long at most (a change drops the pages that show it at once).
NEWSROOM_PAGE_CACHE_SECONDS = env_int("NEWSROOM_PAGE_CACHE_SECONDS", 300)
# A story's own part (an article page without its shared blocks, newsroom/fragments.py) is kept until it changes:
# this is only a safety net (two days; less than the purge marks' week). Related gains a newly published story
# when it runs out, or at the story's next change.
NEWSROOM_FRAGMENT_SECONDS = env_int("NEWSROOM_FRAGMENT_SECONDS", 2 * 24 * 3600)
# How far apart the web servers' clocks may be: a page rendered this close to a purge is not kept (not from the
# environment: NTP keeps servers far closer; the suite sets 0).
NEWSROOM_PAGE_CACHE_CLOCK_SKEW_MS = 100
# Each process keeps the pages it served last, up to this many bytes, so a hit fetches only the purge marks.
NEWSROOM_PAGE_CACHE_LOCAL_BYTES = env_int("NEWSROOM_PAGE_CACHE_LOCAL_BYTES", 16 * 1024 * 1024)
# The edge cache in front (newsroom/edge.py, docs/edge.md): pages carry its tag header and every purge reaches it.
# "" (none), "varnish" (deploy/varnish.vcl; one purge URL per node), "fastly" or "cloudflare".
NEWSROOM_EDGE = os.environ.get("NEWSROOM_EDGE", "")
if NEWSROOM_EDGE not in {"", "varnish", "fastly", "cloudflare"}:
    raise ImproperlyConfigured("NEWSROOM_EDGE must be empty, 'varnish', 'fastly' or 'cloudflare'.")
NEWSROOM_EDGE_VARNISH_URLS = env_list("NEWSROOM_EDGE_VARNISH_URLS", "http://127.0.0.1:6081/")
NEWSROOM_EDGE_FASTLY_SERVICE_ID = os.environ.get("NEWSROOM_EDGE_FASTLY_SERVICE_ID", "")
NEWSROOM_EDGE_FASTLY_TOKEN = os.environ.get("NEWSROOM_EDGE_FASTLY_TOKEN", "")
NEWSROOM_EDGE_CLOUDFLARE_ZONE_ID = os.environ.get("NEWSROOM_EDGE_CLOUDFLARE_ZONE_ID", "")
NEWSROOM_EDGE_CLOUDFLARE_TOKEN = os.environ.get("NEWSROOM_EDGE_CLOUDFLARE_TOKEN", "")
NEWSROOM_EDGE_TIMEOUT_SECONDS = env_float("NEWSROOM_EDGE_TIMEOUT_SECONDS", 2)

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
# Other hosts body images may come from (a CDN in front of MEDIA_URL, say): the CSP's img-src allows them, and the
# sanitiser keeps an <img> only from an origin img-src allows (newsroom/media_origins.py, articles/sanitize.py).
NEWSROOM_MEDIA_ORIGINS = env_list("NEWSROOM_MEDIA_ORIGINS")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "newsroom.static_files.KeptUrlsStaticFilesStorage"  # WhiteNoise's, each URL kept per process
        )
    },
}

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

# Review e-mails (articles/desk/notify.py), through Django's MAILERS: printed to the console in development, sent
# by SMTP (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS) with DEBUG off;
# EMAIL_BACKEND picks another backend either way.
MAILERS = {"default": mailer_from_env(debug=DEBUG)}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
