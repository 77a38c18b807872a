"""Settings for the app servers the topology tests start: production settings over plain HTTP on 127.0.0.1.

Unlike `newsroom.test_settings`, every server shares one cache key prefix (the purge marks must be shared) and
the database, Redis and replicas come from the environment the harness sets (tests/topology/conftest.py).
"""

from newsroom.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False  # no TLS in front of the servers here
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files from the finders: no collectstatic before the servers start.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
