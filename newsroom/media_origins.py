"""Defines: where uploaded images are served from when that is not this site (an S3 bucket, a CDN), as CSP origins.

The settings put them in the CSP's `img-src`; the sanitiser (`articles/sanitize.py`) keeps a body image only if
that `img-src` lets it display. Worked out from the settings alone: no storage call, no network.
"""

from urllib.parse import urlsplit


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of an absolute URL, "" for a relative one (served by this site: CSP 'self')."""
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname, parts.port
    except ValueError:  # a bad port or bracket: no browser loads it, so it is no origin
        return ""
    if not parts.netloc or not host:
        return ""
    scheme = parts.scheme.lower() or "https"  # a scheme-relative URL is fetched over https from our https pages
    host = f"[{host}]" if ":" in host else host  # IPv6
    return f"{scheme}://{host}{f':{port}' if port else ''}"


def _s3_origins(options: dict) -> list[str]:
    """The hosts django-storages' S3 backend puts in its URLs (tests/test_media_origins.py checks them)."""
    if domain := options.get("custom_domain"):
        return [origin_of(f"https://{domain}")]
    if endpoint := options.get("endpoint_url"):
        return [origin_of(endpoint)]  # MinIO, R2, Spaces…: path-style, https://endpoint/bucket/…
    bucket, region = options.get("bucket_name") or "", options.get("region_name")
    if bucket and "." not in bucket:
        return [f"https://{bucket}.s3.amazonaws.com"]
    return [f"https://s3.{region}.amazonaws.com" if region else "https://s3.amazonaws.com"]


def media_origins(media_url: str, storage: dict, listed: list[str]) -> list[str]:
    """Every origin media is served from besides this site: MEDIA_URL's host when absolute, the S3 bucket or CDN
    when that backend is chosen, and those `listed` (NEWSROOM_MEDIA_ORIGINS). No duplicates."""
    found = [origin_of(media_url)]
    if storage.get("BACKEND") == "storages.backends.s3.S3Storage":
        found += _s3_origins(storage.get("OPTIONS", {}))
    found += [origin_of(url) for url in listed]
    return list(dict.fromkeys(origin for origin in found if origin))
