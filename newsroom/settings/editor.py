"""Defines: the editors' tools: uploads and image renditions, the body editor and its embeds, edit locks."""

from django_prose_editor.config import add_tags_and_attributes, process_figure
from js_asset import static_lazy

from articles.editor.embeds import frame_origins
from newsroom.env import env_int, env_list

# Uploads: Pillow checks every image; anything above this many pixels is refused as a likely bomb.
NEWSROOM_MAX_IMAGE_PIXELS = env_int("NEWSROOM_MAX_IMAGE_PIXELS", 40_000_000)
NEWSROOM_MAX_UPLOAD_BYTES = env_int("NEWSROOM_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)  # a form error above it
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The srcset widths: 960 is what a 752-px main column (1366-px laptop) and a 375-px phone at 2x pick.
NEWSROOM_HERO_RENDITION_WIDTHS = (320, 640, 960, 1280)

# Mastodon servers whose posts may be embedded (each is a frame host, so the list is explicit).
NEWSROOM_EMBED_MASTODON_HOSTS = env_list("NEWSROOM_EMBED_MASTODON_HOSTS", "mastodon.social,mastodon.online")
# The most a page's CSP frame-src may allow: the embed providers' frame hosts (written once, in embeds.py).
NEWSROOM_EMBED_FRAME_HOSTS = frame_origins(NEWSROOM_EMBED_MASTODON_HOSTS)


def _adds_no_markup(extension_config, shared_config) -> None:
    """PastedFrame carries iframes to the server for embeds.py, EmbedCards draws preview cards beside the document:
    the allowlist gains nothing from either."""


def _library_figure(extension_config, shared_config) -> None:
    """The figure button inserts a library picture (static/editor/library-figure.js replaces the editor's Figure):
    a figure also keeps which image, its size and alignment and its own credit (articles/editor/pictures.py)."""
    process_figure(extension_config, shared_config)
    add_tags_and_attributes(shared_config, [], {"figure": ["data-image", "data-size", "data-align", "data-credit"]})


DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {"js": [static_lazy("editor/pasted-frame.js")], "extensions": {"PastedFrame": _adds_no_markup}},
    {"js": [static_lazy("editor/library-figure.js")], "extensions": {"Figure": _library_figure}},
    {"js": [static_lazy("editor/embed-cards.js")], "extensions": {"EmbedCards": _adds_no_markup}},
]
# The one <style> element the editor (Tiptap) injects, allowed by its hash rather than 'unsafe-inline'
# (django-prose-editor 0.28.0; tests/browser/test_editor_browser.py fails with the new hash on an upgrade).
PROSE_EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"

# An open article form beats every 20 s; its edit lock ("Ana is editing since 10:42") lapses this long after the last.
NEWSROOM_EDIT_LOCK_SECONDS = env_int("NEWSROOM_EDIT_LOCK_SECONDS", 90)
