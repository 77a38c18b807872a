"""The one place editor HTML is cleaned before a reader sees it (allowlist, via nh3)."""

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "a", "strong", "b", "em", "i", "u", "s", "sub", "sup", "mark", "small",
    "blockquote", "q", "cite", "code", "pre", "figure", "figcaption", "img",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "abbr", "time", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title", "loading"},
    "abbr": {"title"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    """Return editor HTML with everything outside the allowlist removed.

    Scripts, styles, event handlers (`on*`) and `javascript:` URLs never survive; links get
    `rel="noopener noreferrer"`.
    """
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
