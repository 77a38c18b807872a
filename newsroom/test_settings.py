"""Defines: test settings: the real settings with a fast hasher, throwaway media and an isolated cache."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-" + "x7Q2k" * 12)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["CACHE_KEY_PREFIX"] = f"newsroom-test-{os.getpid()}"

from newsroom.settings import *  # noqa: F403

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Background work runs inline (tests that need the database queue say so).
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Serve static files straight from the finders: no collectstatic needed before tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A file-backed SQLite test database: the browser tests' live server answers requests on several
# threads, and an in-memory database shared between threads fails under concurrent requests.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"newsroom-test-{os.getpid()}.sqlite3")}  # noqa: F405
# Under pytest-xdist every worker gets a Redis database of its own (15, 14, …): each test empties the cache,
# which in Redis empties the whole database, whatever the key prefix.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    _base, _, _db = CACHES["default"]["LOCATION"].rpartition("/")  # noqa: F405
    CACHES["default"]["LOCATION"] = f"{_base}/{(int(_db or 0) - int(_worker[2:])) % 16}"  # noqa: F405
# One clock in tests: a page rendered right after a purge may be kept (production allows for skew).
NEWSROOM_PAGE_CACHE_CLOCK_SKEW_MS = 0
