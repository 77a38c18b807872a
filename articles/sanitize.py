"""Defines: the one place editor HTML is cleaned before a reader sees it (allowlist, via nh3).

The allowlist is not written here: it is derived from the editor's configuration in
`articles/editor/markup.py`, so what the toolbar can make and what the sanitiser keeps are one definition.

Images follow the page's CSP (`img-src` in `newsroom/settings/security.py`): a body image is kept only if the
browser will show it, so it is this site's (made relative, whatever host it was pasted from) or from an origin
the CSP lists (the media bucket or CDN: `newsroom/media_origins.py`). An image from anywhere else loses its `src`:
the picture is left out (with its frame: no empty `<figure>` is stored), and no third party learns who read the
story.
"""

import re
from urllib.parse import urlsplit

import nh3
from django.conf import settings

from articles.editor.markup import ALLOWLIST
from newsroom.media_origins import origin_of

ALLOWED_TAGS = ALLOWLIST["tags"]
ALLOWED_ATTRIBUTES = ALLOWLIST["attributes"]
ALLOWED_URL_SCHEMES = ALLOWLIST["url_schemes"]

# What browsers ignore in a URL (tabs and newlines anywhere; controls and spaces around it) and read as "/".
_IGNORED_IN_URLS = re.compile(r"[\t\n\r]")
_SURROUNDING = "".join(chr(c) for c in range(0x21))
# What is left of a refused picture: an <img> without a source, then a figure with no picture (its caption alone).
_IMAGE_WITHOUT_SOURCE = re.compile(r'<img\b(?![^>]*\ssrc="[^"])[^>]*>')
_EMPTY_FIGURE = re.compile(r"<figure\b[^>]*>\s*(?:<figcaption\b[^>]*>.*?</figcaption>\s*)?</figure>", re.DOTALL)


def _media_origins() -> set[str]:
    return {source for source in settings.SECURE_CSP["img-src"] if source.startswith(("https://", "http://"))}


def _own_hosts() -> set[str]:
    return {host.lower() for host in settings.ALLOWED_HOSTS if host and host[0] not in ".*"}


def image_source(url: str) -> str | None:
    """The `src` to keep for a body image, or None when its host is neither this site nor a media origin."""
    seen = _IGNORED_IN_URLS.sub("", url).strip(_SURROUNDING).replace("\\", "/")
    try:
        parts = urlsplit(seen)
    except ValueError:
        return None
    if not parts.scheme and not seen.startswith("//"):
        return url  # a path on this site: CSP 'self'
    if origin_of(seen) in _media_origins():
        return url
    if parts.netloc and (parts.hostname or "") in _own_hosts() and parts.path.startswith("/"):
        # Pasted with this site's (or another of its names') address: relative, so it shows under 'self'.
        return parts._replace(scheme="", netloc="").geturl()
    return None


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    return image_source(value) if tag == "img" and attribute == "src" else value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    attribute_filter=_filter_attribute,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """Return editor HTML with everything outside the allowlist removed.

    Scripts, styles, event handlers (`on*`) and `javascript:` URLs never survive; links get
    `rel="noopener noreferrer"`; images from hosts the CSP would block are left out, and so is a figure left
    with no picture.
    """
    clean = _cleaner.clean(html or "")
    if "<img" not in clean:
        return clean
    return _EMPTY_FIGURE.sub("", _IMAGE_WITHOUT_SOURCE.sub("", clean))
