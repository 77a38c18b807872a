"""Writes: renditions of a library image: the article page's widths, a 1200x630 social card, square thumbnails and the
16:9, 4:3 and 1:1 crops of structured data (off the request; pages read only their names).

The card and the squares are cropped around the image's focal point, and their names carry it, so moving the
focal point makes new files under new names (no stale crop in a CDN or a browser). Names are computed, never
looked up: rendering a page makes no storage calls.
"""

import io
import re
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PillowImage

from articles import images

SOCIAL_CARD_SIZE = (1200, 630)
SQUARE_SIZES = (160, 320)
# Structured data (NewsArticle JSON-LD) gives search engines each picture in these shapes, 1200 px wide.
STRUCTURED_DATA_CROPS = {"16x9": (1200, 675), "4x3": (1200, 900), "1x1": (1200, 1200)}


def _named(original: str, label: str, image) -> str:
    return _names(original, [label], image)[0]


def _names(original: str, labels: list[str], image) -> list[str]:
    """`_named` for several labels of one picture: its path parsed once (the JSON-LD names three crops per render).
    Each name is `str(folder / file)`: the file part is one plain name, so joining it is putting a "/" between."""
    focal = f"f{round(image.focal_x * 100):03d}-{round(image.focal_y * 100):03d}"
    if _PLAIN_ORIGINAL.fullmatch(original):  # what pathlib makes of it, by string joins (a third of the JSON-LD's time)
        folder, _, file = original.rpartition("/")
        return [f"renditions/{folder}/{file.rpartition('.')[0]}-{label}-{focal}.jpg" for label in labels]
    path = PurePosixPath(original)
    folder = PurePosixPath("renditions") / path.parent
    return [f"{folder}/{path.stem}-{label}-{focal}.jpg" for label in labels]


# An original's name as uploads are stored (`folder/…/file.ext`): plain segments, none empty or starting with a dot, and
# a file with one suffix at least, so pathlib's parent is the part before the last "/" and its stem the file before
# its last ".".
_PLAIN_ORIGINAL = re.compile(r"(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*/)+[A-Za-z0-9_-][A-Za-z0-9_.-]*\.[A-Za-z0-9]+")


def social_card_name(image) -> str:
    width, height = SOCIAL_CARD_SIZE
    return _named(image.file.name, f"card{width}x{height}", image)


def square_name(image, size: int) -> str:
    return _named(image.file.name, f"sq{size}", image)


def structured_data_names(image) -> list[str]:
    """The 16:9, 4:3 and 1:1 crops of `image` for structured data, in that order."""
    return _names(image.file.name, [f"r{ratio}" for ratio in STRUCTURED_DATA_CROPS], image)


def url(name: str) -> str:
    return images.media_url(name)


def srcset(image, ext: str) -> str:
    return images.srcset(image.file.name, image.width, ext) if image.file else ""


def thumbnail(image) -> tuple[str, str]:
    """A list's small square picture as (src, srcset): the squares once made, else the smallest width rendition,
    else the original (a list never shows a broken picture while the worker is behind; CSS crops it square)."""
    if image.crops_ready:
        squares = [(url(square_name(image, size)), size) for size in SQUARE_SIZES]
        return squares[0][0], ", ".join(f"{address} {size}w" for address, size in squares)
    if image.sizes_ready:
        return url(images.rendition_name(image.file.name, images.rendition_widths(image.width)[0], "jpg")), ""
    return image.file_url, ""


def missing(image) -> tuple[bool, bool]:
    """Whether any of the image's (srcset widths, crops) renditions is not in the store: a width or a format added
    since they were made. Asks the store about each file: for `manage.py make_renditions`, never for a page."""
    name, width = image.file.name, image.width
    crops = [social_card_name(image), *(square_name(image, s) for s in SQUARE_SIZES), *structured_data_names(image)]
    sizes_missing = not all(default_storage.exists(n) for n in images.rendition_names(name, width))
    return sizes_missing, not all(default_storage.exists(n) for n in crops)


def measure(image) -> tuple[int, int, int]:
    """Width, height and file size of a stored original, read from the store (reads only the image header)."""
    name = image.file.name
    with default_storage.open(name, "rb") as handle, PillowImage.open(handle) as opened:
        width, height = opened.size
    return width, height, default_storage.size(name)


def crop_box(*, width: int, height: int, ratio: float, focal_x: float, focal_y: float) -> tuple[int, int, int, int]:
    """The largest `ratio` (width/height) box inside the image, as centred on the focal point as the edges allow."""
    crop_w, crop_h = (width, round(width / ratio)) if width / height <= ratio else (round(height * ratio), height)
    crop_w, crop_h = min(crop_w, width), min(crop_h, height)
    left = min(max(round(focal_x * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(focal_y * height - crop_h / 2), 0), height - crop_h)
    return left, top, left + crop_w, top + crop_h


def _save_crop(source: PillowImage.Image, image, *, name: str, size: tuple[int, int]) -> str | None:
    if default_storage.exists(name):  # the name carries the file and the focal point: same name, same crop
        return None
    box = crop_box(
        width=source.width, height=source.height, ratio=size[0] / size[1], focal_x=image.focal_x, focal_y=image.focal_y
    )
    cropped = source.crop(box).resize(size, PillowImage.Resampling.LANCZOS)
    buffer = io.BytesIO()
    cropped.save(buffer, "JPEG", quality=84, optimize=True, progressive=True)
    return images.store(name, ContentFile(buffer.getvalue()))


def make_renditions(image) -> list[str]:
    """Write the missing renditions of a library image (widths, social card, squares); returns the names written."""
    written = images.make_renditions(image.file.name)
    with default_storage.open(image.file.name, "rb") as handle, PillowImage.open(handle) as opened:
        opened.load()
        source = images.on_white(opened)  # the card and squares are JPEGs: transparent parts white, not black
    crops = [(social_card_name(image), SOCIAL_CARD_SIZE), *((square_name(image, s), (s, s)) for s in SQUARE_SIZES)]
    crops += zip(structured_data_names(image), STRUCTURED_DATA_CROPS.values(), strict=True)
    written += [saved for name, size in crops if (saved := _save_crop(source, image, name=name, size=size))]
    return written
