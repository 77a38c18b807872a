"""Serves: gzip for what we send as text (HTML, JSON, feeds, sitemaps), whoever is in front: `make serve` (granian
compresses nothing), the front proxy or the edge (both pass a compressed response through).

Django's `GZipMiddleware`, narrowed two ways. Only text types: an image is compressed already, and WhiteNoise,
above this middleware, serves static files precompressed. And a copy from the page cache is compressed once per
process, not on every hit: it is the same bytes for every reader and holds no secret (no token, no session:
`articles/page_cache.py`), so BREACH has nothing to find in it, and its `ETag` is a hash of those bytes, so the
gzipped bytes are kept under it (`compressed_copies`, a `newsroom.local_copies.LocalCopies` of a quarter of the page
cache's own per-process budget: gzip leaves HTML about a fifth of its size). Any other response (a signed-in page,
the admin) is compressed each time, with Django's random padding. Compressed, the `ETag` turns weak (RFC 9110), on a
304 as on the 200; the page cache compares validators weakly, so 304s keep working.
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from newsroom.local_copies import LocalCopies

TEXT_TYPES = frozenset({
    "application/json", "application/ld+json", "application/xml", "application/rss+xml", "application/atom+xml",
    "application/javascript", "application/manifest+json", "image/svg+xml",
})  # fmt: skip
SMALLEST = 200  # bytes: below this gzip's own header and trailer eat the saving (Django's threshold too)


def is_text(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type.startswith("text/") or media_type in TEXT_TYPES


# The gzipped bytes of the page-cache copies this process served last, by `ETag`.
compressed_copies = LocalCopies(settings.NEWSROOM_PAGE_CACHE_LOCAL_BYTES // 4, size=len)


def _shared_copy_etag(response) -> str | None:
    """The page cache's content-hash `ETag` of a shared copy (stored or replayed), else None."""
    etag = response.get("ETag", "")
    return etag if "X-Page-Cache" in response and etag.startswith('"') else None


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        accepts_gzip = bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
        if response.status_code == 304:
            # Only the page cache sends ETags (its copies are text): a 304 names what the 200 would have.
            if response.get("ETag", "").startswith('"'):
                patch_vary_headers(response, ("Accept-Encoding",))
                if accepts_gzip:
                    response.headers["ETag"] = "W/" + response["ETag"]
            return response
        if not is_text(response.get("Content-Type", "")):
            return response
        etag = _shared_copy_etag(response)
        shared_copy = etag is not None and accepts_gzip and not response.has_header("Content-Encoding")
        if not shared_copy or len(response.content) < SMALLEST:
            return super().process_response(request, response)
        compressed = compressed_copies.get(etag)
        if compressed is None:
            compressed = compress_string(response.content)  # no padding: the same bytes for everyone
            compressed_copies.put(etag, compressed)
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        patch_vary_headers(response, ("Accept-Encoding",))
        response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response
