"""Reads: library pictures in an article body: the stored reference, and what readers get from it.

The editor's figure button inserts a picture from the media library (`static/editor/library-figure.js`) as
`<figure class="figure" data-image="42" data-size="medium" data-align="left"><img src="…" alt="…">
<figcaption>…</figcaption></figure>`; the sanitiser keeps exactly those attributes (`_library_figure` in
`newsroom/settings/editor.py`). The stored `src` is only what the editor shows; a reader's page draws the
picture from the library at render time (`render_pictures`): WebP and JPEG renditions in a `srcset` with
`sizes` for its size, lazy, the library's caption and credit unless the figure gives its own, and the figure's
alt text (required on save: `images_without_alt`). A picture since deleted from the library is left out, never
an empty frame. An image change purges the pages that show it (`articles.signals.image_changed` finds them by
`uses_image`).
"""

import re
from html import unescape

from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from articles.media.models import BodyUse, Image

SIZES = {  # data-size: the `sizes` a browser picks a rendition by (the body column is 44rem wide at most)
    "small": "(min-width: 40em) 14rem, 100vw",
    "medium": "(min-width: 40em) 22rem, 100vw",
    "wide": "(min-width: 64em) 44rem, 100vw",
}
ALIGNMENTS = ("left", "center", "right")

_FIGURE = re.compile(r"<figure\b(?P<attrs>[^>]*)>(?P<inner>.*?)</figure>", re.DOTALL)
_ATTRIBUTE = re.compile(r'(?P<name>[\w-]+)="(?P<value>[^"]*)"')
_IMG = re.compile(r"<img\b(?P<attrs>[^>]*)>")
_CAPTION = re.compile(r"<figcaption\b[^>]*>(?P<text>.*?)</figcaption>", re.DOTALL)


def _attributes(text: str) -> dict[str, str]:
    return {m["name"]: unescape(m["value"]) for m in _ATTRIBUTE.finditer(text)}


def _library_id(figure_attrs: str) -> int | None:
    value = _attributes(figure_attrs).get("data-image", "")
    return int(value) if value.isdigit() else None


def image_ids(body: str) -> list[int]:
    """The library images a (sanitised) body shows, each once, in order."""
    found = (_library_id(m["attrs"]) for m in _FIGURE.finditer(body or ""))
    return list(dict.fromkeys(pk for pk in found if pk is not None))


def images_without_alt(body: str) -> int:
    """How many pictures in a body have no alt text (the article form refuses them)."""
    return sum(1 for m in _IMG.finditer(body or "") if not _attributes(m["attrs"]).get("alt", "").strip())


def uses_image(image_id: int) -> Exists:
    """Articles whose body shows library image `image_id`: an index lookup in what every save records
    (`articles.media.services.body_uses_sync`), for a filter or an annotation."""
    return Exists(BodyUse.objects.filter(article_id=OuterRef("pk"), image_id=image_id))


def _picture(attrs: dict[str, str], inner: str, image: Image) -> str:
    img = _IMG.search(inner)
    caption = _CAPTION.search(inner)
    size = attrs.get("data-size") if attrs.get("data-size") in SIZES else "wide"
    align = attrs.get("data-align") if attrs.get("data-align") in ALIGNMENTS else "center"
    context = {
        "image": image,
        "size": size,
        "align": align if size != "wide" else "center",
        "sizes": SIZES[size],
        "alt": (_attributes(img["attrs"]).get("alt", "") if img else "").strip() or image.alt,
        # The figure's own caption (sanitised markup from the body) or the library's (escaped by the template).
        "own_caption": mark_safe(caption["text"].strip()) if caption and caption["text"].strip() else "",  # noqa: S308
        "credit": attrs.get("data-credit", "").strip() or image.credit,
    }
    return render_to_string("editor/body_picture.html", context).strip()


def render_pictures(body: str) -> SafeString:
    """A sanitised body with each library figure drawn from the library (one query; none without figures)."""
    ids = image_ids(body)
    if not ids:
        return mark_safe(body or "")  # noqa: S308 — the body is sanitised on save
    library = Image.objects.in_bulk(ids)

    def replace(match: re.Match) -> str:
        pk = _library_id(match["attrs"])
        if pk is None:
            return match[0]
        image = library.get(pk)
        return _picture(_attributes(match["attrs"]), match["inner"], image) if image and image.file else ""

    return mark_safe(_FIGURE.sub(replace, body))  # noqa: S308 — sanitised body + our own template
