"""Reads: static files' URLs, each worked out once per process (WhiteNoise's hashed, compressed files).

`{% static %}` asks the manifest storage for a file's hashed URL every time: a manifest lookup, URL splitting,
joining and unquoting, 50-90 µs each, four times on every article page rendered afresh. The manifest is read
once when a process starts and never changes under it (`collectstatic` before a deploy, new processes after),
so each URL is kept once found. A name missing from the manifest still raises, every time (nothing is kept).
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

STATIC_URLS_KEPT = 1024  # counted: a site's templates name a few dozen static files


class KeptUrlsStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, its URLs kept per process."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool, bool], str] = {}

    def url(self, name, force=False):
        key = (name, force, settings.DEBUG)  # DEBUG gives the unhashed URL (a test may switch it)
        found = self._urls.get(key)
        if found is None:
            found = super().url(name, force)
            if len(self._urls) < STATIC_URLS_KEPT:
                self._urls[key] = found
        return found
