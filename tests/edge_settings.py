"""Settings for the app servers tests/test_edge.py starts: production's (DEBUG off, from the environment), but static
files served from the finders, so no collectstatic run is needed first."""

from newsroom.settings import *  # noqa: F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
# One clock, as in the suite: a page rendered right after the test's purge may be kept.
NEWSROOM_PAGE_CACHE_CLOCK_SKEW_MS = 0
