"""Defines: what an article body may contain: ONE definition for the editor's toolbar and the server's sanitiser.

`BODY_EXTENSIONS` configures django-prose-editor (the ProseMirror/Tiptap editor in the admin); the nh3
allowlist the sanitiser uses is derived from the same dictionary by the editor's own function, so the two
cannot drift apart: what the toolbar can make, the sanitiser keeps, and nothing else.
"""

from django_prose_editor.config import allowlist_from_extensions

URL_SCHEMES = frozenset({"http", "https", "mailto"})

BODY_EXTENSIONS: dict = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Underline": True,
    "Subscript": True,
    "Superscript": True,
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False, "protocols": sorted(URL_SCHEMES)},
    "Figure": True,
    "Caption": True,
    "Image": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "HTML": True,  # the "HTML source" button for power users; what it produces is sanitised like the rest
    "History": True,
    # Our own: carries a pasted <iframe> to the server, which turns a known provider's into an embed and
    # reports any other as removed (articles/editor/embeds.py). It adds nothing to the allowlist.
    "PastedFrame": True,
}


def _allowlist() -> dict:
    """nh3 keyword arguments for the body, from `BODY_EXTENSIONS` (plus the site's link and comment policy)."""
    derived = allowlist_from_extensions(BODY_EXTENSIONS)
    attributes = {tag: set(names) for tag, names in derived["attributes"].items()}
    # Every link gets rel="noopener noreferrer" from the sanitiser, so an editor-set rel is not kept.
    attributes.get("a", set()).discard("rel")
    attributes.get("img", set()).discard("data-file")  # the editor's upload bookkeeping; readers never need it
    return {
        "tags": set(derived["tags"]),
        "attributes": attributes,
        "url_schemes": set(derived.get("url_schemes") or URL_SCHEMES),
    }


ALLOWLIST = _allowlist()
ALLOWED_TAGS: frozenset[str] = frozenset(ALLOWLIST["tags"])
