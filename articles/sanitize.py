"""The one place editor HTML is cleaned before a reader sees it (allowlist, via nh3).

The allowlist is not written here: it is derived from the editor's configuration in
`articles/editor/markup.py`, so what the toolbar can make and what the sanitiser keeps are one definition.
"""

import nh3

from articles.editor.markup import ALLOWLIST

ALLOWED_TAGS = ALLOWLIST["tags"]
ALLOWED_ATTRIBUTES = ALLOWLIST["attributes"]
ALLOWED_URL_SCHEMES = ALLOWLIST["url_schemes"]

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """Return editor HTML with everything outside the allowlist removed.

    Scripts, styles, event handlers (`on*`) and `javascript:` URLs never survive; links get
    `rel="noopener noreferrer"`.
    """
    return _cleaner.clean(html or "")
