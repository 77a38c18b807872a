"""Defines: what the sanitiser is about to remove from a body, in words an editor understands.

The sanitiser (`articles/sanitize.py`) never fails a save; this module reads the same HTML beforehand and
lists what falls outside the allowlist (`articles/editor/markup.py`), so the admin can say
"removed: an iframe from example.com" instead of dropping it silently.
"""

from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlsplit

from articles.editor.markup import ALLOWLIST
from articles.sanitize import image_source

# Attributes the sanitiser drops that carry nothing a reader would miss: not worth an editor's attention.
_UNREMARKABLE_ATTRIBUTES = {"class", "id", "dir", "lang", "data-type", "data-file", "rel", "target", "style"}
_URL_ATTRIBUTES = {"href", "src"}
_ARTICLES = {"a", "e", "i", "o", "u"}


def _a(noun: str) -> str:
    return f"{'an' if noun[0].lower() in _ARTICLES else 'a'} {noun}"


def _host(url: str | None) -> str:
    try:
        return urlsplit(url or "").hostname or ""
    except ValueError:
        return ""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag not in ALLOWLIST["tags"]:
            host = _host(values.get("src") or values.get("href") or values.get("data"))
            self.found[f"{tag} from {host}" if host else tag] += 1
            return
        allowed = ALLOWLIST["attributes"].get(tag, set())
        for name, value in attrs:
            if name in _URL_ATTRIBUTES and name in allowed and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme and scheme not in ALLOWLIST["url_schemes"]:
                    self.found[f"{scheme}: link"] += 1
                elif tag == "img" and name == "src" and image_source(value) is None:
                    self.found[f"image from {_host(value) or 'another site'} (upload it to the media library)"] += 1
            elif name not in allowed and name not in _UNREMARKABLE_ATTRIBUTES:
                self.found[f"{name} attribute on <{tag}>"] += 1

    handle_startendtag = handle_starttag


def describe_removed(html: str) -> list[str]:
    """One phrase per kind of markup the sanitiser will remove from `html` ("an iframe from x.org")."""
    reader = _Reader()
    reader.feed(html or "")
    reader.close()
    return [_a(what) if count == 1 else f"{count} x {what}" for what, count in reader.found.items()]
