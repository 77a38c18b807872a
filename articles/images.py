"""Writes: uploaded images (the media library's, `articles/media/`): Pillow checks, re-encoding, stored whole or not at
all, srcset renditions.

Renditions live next to the original under ``renditions/`` with predictable names, so a template
can build a ``srcset`` from the original's name and width without touching the database.
"""

import errno
import io
import re
import warnings
from contextlib import suppress
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import DEFAULT_STORAGE_ALIAS, FileSystemStorage, default_storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from PIL import Image, ImageOps, features

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Each srcset width is written in these formats, best first: AVIF only where this Pillow can write it (it is built
# with libavif from Pillow 11.3; `features.check("avif")`), WebP, and JPEG, which every browser reads. Pages offer a
# format only when it is listed here, so a Pillow without AVIF gives pages with no AVIF source, never a broken one.
RENDITION_FORMATS = {**({"avif": "AVIF"} if features.check("avif") else {}), "webp": "WEBP", "jpg": "JPEG"}
# AVIF at quality 50 (about Squoosh's default) and speed 8: the demo's pictures at 960 px came out 24-47 % smaller
# than WebP at 82, in 0.1-0.3 s each (speed 6, the default, took three times as long).
SAVE_OPTIONS = {"AVIF": {"quality": 50, "speed": 8}, "WEBP": {"quality": 82}, "JPEG": {"quality": 82, "optimize": True}}
# The most pixels a side may have in every format we write (WebP: 16383; JPEG: 65535; PNG: far more).
MAX_IMAGE_SIDE = 16383
DISK_FULL = (
    "The media disk is full, so this image was not saved. Ask whoever runs the site to free some space, "
    "then upload it again."
)
NOT_STORED = (
    "The media store could not save this image (%(reason)s), so it was not saved. Try again; if it keeps "
    "failing, tell whoever runs the site."
)


class MediaNotStored(Exception):
    """A file could not be written to the media store (a full disk, most often); nothing of it was left there."""

    def __init__(self, error: OSError):
        full = error.errno in (errno.ENOSPC, errno.EDQUOT)
        super().__init__(DISK_FULL if full else NOT_STORED % {"reason": error.strerror or error})


def store(name: str, content: ContentFile, *, max_length: int | None = None) -> str:
    """Save `content` under `name` (or the name the store gives instead when it is taken): whole, or not at all.

    The local disk keeps what it wrote of a file whose write failed (a full disk: a 0-byte or half file, which
    pages and renditions would then take for the image); that part is removed and `MediaNotStored` raised. An S3
    store keeps no part of a failed upload.
    """
    local = isinstance(default_storage, FileSystemStorage)
    if local:  # the name it will write, so that a failed write's remains can be found
        name = default_storage.get_available_name(name, max_length=max_length)
    try:
        return default_storage.save(name, content, max_length=max_length)
    except OSError as error:
        if local:
            _remove_partial(name, whole_size=content.size)
        raise MediaNotStored(error) from error


def _remove_partial(name: str, *, whole_size: int) -> None:
    """Remove what a failed save left under `name`: only a shorter file, never a whole one."""
    with suppress(OSError):  # the disk is failing: the error raised already says the image was not saved
        if default_storage.exists(name) and default_storage.size(name) < whole_size:
            default_storage.delete(name)


def check_image(file) -> None:
    """Raise ValidationError unless `file` is a complete, reasonably sized image Pillow can decode."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise ValidationError(
                        "Unsupported image type %(format)s. Upload a JPEG, PNG, WebP or GIF.",
                        code="image_format",
                        params={"format": image.format},
                    )
                width, height = image.size
                if width * height > settings.NEWSROOM_MAX_IMAGE_PIXELS:
                    raise _too_large(width, height)
                if max(width, height) > MAX_IMAGE_SIDE:
                    raise ValidationError(
                        "This image is %(width)s x %(height)s pixels: neither side may exceed %(limit)s pixels. "
                        "Crop or resize it, then upload it again.",
                        code="image_side_too_long",
                        params={"width": width, "height": height, "limit": MAX_IMAGE_SIDE},
                    )
                image.load()  # decodes every pixel: catches truncated and corrupt files
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(None, None) from None
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many types for broken files; all mean the same to an editor
        raise ValidationError(
            "This file is not a complete image (%(reason)s). Upload a valid JPEG, PNG, WebP or GIF.",
            code="invalid_image",
            params={"reason": str(exc) or exc.__class__.__name__},
        ) from None
    finally:
        file.seek(0)


def _too_large(width, height) -> ValidationError:
    size = f" ({width} x {height} pixels)" if width else ""
    return ValidationError(
        "This image is too large%(size)s. The limit is %(limit)s megapixels.",
        code="image_too_large",
        params={"size": size, "limit": settings.NEWSROOM_MAX_IMAGE_PIXELS // 1_000_000},
    )


def reencode(file, name: str) -> tuple[str, ContentFile, int, int]:
    """Decode and re-encode an upload: applies EXIF orientation, then drops EXIF/GPS and all metadata."""
    file.seek(0)
    with Image.open(file) as source:
        image = ImageOps.exif_transpose(source)
        buffer = io.BytesIO()
        stem = PurePosixPath(name).stem or "image"
        if has_alpha(image):
            image.convert("RGBA").save(buffer, "PNG", optimize=True)
            new_name = f"{stem}.png"
        else:
            image.convert("RGB").save(buffer, "JPEG", quality=88, optimize=True, progressive=True)
            new_name = f"{stem}.jpg"
        return new_name, ContentFile(buffer.getvalue()), image.width, image.height


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def on_white(image: Image.Image) -> Image.Image:
    """An RGB copy for JPEG, transparent parts white (`convert("RGB")` alone turns them black)."""
    if not has_alpha(image):
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def rendition_name(original: str, width: int, ext: str) -> str:
    path = PurePosixPath(original)
    return str(PurePosixPath("renditions") / path.parent / f"{path.stem}-{width}.{ext}")


def rendition_widths(original_width: int | None) -> list[int]:
    """Widths worth making for an original: never upscale, always at least the smallest one."""
    widths = [w for w in settings.NEWSROOM_HERO_RENDITION_WIDTHS if original_width and w <= original_width]
    return widths or [min(settings.NEWSROOM_HERO_RENDITION_WIDTHS)]


def make_renditions(original: str) -> list[str]:
    """Write the srcset renditions of a stored image in every format of `RENDITION_FORMATS`; returns the names
    written (idempotent: a rendition already stored is kept).

    AVIF and WebP keep the original's transparency; JPEG has none, so transparent parts become white there.
    """
    written = []
    with default_storage.open(original, "rb") as handle, Image.open(handle) as source:
        source.load()
        transparent = has_alpha(source)
        keeps_alpha = source.convert("RGBA" if transparent else "RGB")
        # An opaque picture is the same RGB image in every format, so each width is resized once, not per format
        # (resizing was a third of a rendition job's time for the demo's 1280-px pictures).
        sources = {"JPEG": on_white(source) if transparent else keeps_alpha}
    full_width, full_height = source.size
    for width in rendition_widths(full_width):
        height = max(1, round(full_height * width / full_width))
        resized_from: dict[int, Image.Image] = {}
        for ext, fmt in RENDITION_FORMATS.items():
            name = rendition_name(original, width, ext)
            if default_storage.exists(name):
                continue
            image = sources.get(fmt, keeps_alpha)
            if id(image) not in resized_from:
                resized_from[id(image)] = (
                    image if width >= full_width else image.resize((width, height), Image.Resampling.LANCZOS)
                )
            store(name, ContentFile(encoded(resized_from[id(image)], fmt)))
            written.append(name)
    return written


def encoded(image: Image.Image, fmt: str) -> bytes:
    """One rendition's bytes: the picture in `fmt` with its `SAVE_OPTIONS`."""
    buffer = io.BytesIO()
    image.save(buffer, fmt, **SAVE_OPTIONS[fmt])
    return buffer.getvalue()


def rendition_names(original: str, original_width: int | None) -> list[str]:
    """Every srcset rendition an original should have: each width in each format."""
    return [rendition_name(original, w, ext) for w in rendition_widths(original_width) for ext in RENDITION_FORMATS]


# A stored name's URL by one string join where the store is the local disk: FileSystemStorage.url quotes the name and
# `urljoin`s it onto MEDIA_URL (~10 µs; five or six per article page rendered afresh), which for a plain name (letters,
# digits, `_.-`, no empty or dot segment: nothing to quote or resolve) is MEDIA_URL followed by the name. Any other
# name, any other store, or a MEDIA_URL on which a probe name does not come out as that join, asks the store.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")
_PROBE_NAME = "renditions/a_b/c-1.d-e.jpg"
_joined_base: list[str | None] = []  # [MEDIA_URL where a plain name's URL is a join onto it, else None], once


def media_url(name: str) -> str:
    """`default_storage.url(name)`, the same string, by a join onto the store's base URL where that is the same."""
    if not _joined_base:
        _joined_base.append(_join_base())
    base = _joined_base[0]
    if base is not None and _PLAIN_NAME.fullmatch(name):
        return base + name
    return default_storage.url(name)


def _join_base() -> str | None:
    storage = storages[DEFAULT_STORAGE_ALIAS]  # what `default_storage` stands for: its class and base URL
    if type(storage).url is not FileSystemStorage.url or storage.base_url is None:
        return None
    base = storage.base_url
    return base if storage.url(_PROBE_NAME) == base + _PROBE_NAME else None


# A srcset is worked out once per process (a lead picture's three took a tenth of an article's render): the names
# follow from the original's, and the store's URLs of a name do not change; a settings change forgets them.
SRCSETS_REMEMBERED = 4096
_srcsets: dict[tuple[str, int | None, str], str] = {}


def srcset(original: str, original_width: int | None, ext: str) -> str:
    key = (original, original_width, ext)
    found = _srcsets.get(key)
    if found is None:
        if len(_srcsets) >= SRCSETS_REMEMBERED:
            _srcsets.clear()
        widths = rendition_widths(original_width)
        found = _srcsets[key] = ", ".join(f"{media_url(rendition_name(original, w, ext))} {w}w" for w in widths)
    return found


@receiver(setting_changed, dispatch_uid="images_forget_srcsets")
def _forget_srcsets(**kwargs) -> None:
    _srcsets.clear()
    _joined_base.clear()
