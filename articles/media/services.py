"""Writes: the media library: uploading an image and editing what it says or where its focal point is.

An upload is checked by Pillow in the form (`articles.images.check_image`) and re-encoded here without any
metadata, then stored whole or not at all (a full disk: `images.MediaNotStored`, and no row); renditions are
queued after commit whenever the file or the focal point changes. An edit, and
renditions becoming ready, drop the cached pages of the articles that show the image (`articles.signals`).
"""

from django.db import transaction

from articles import images
from articles.editor.pictures import image_ids
from articles.media.models import BodyUse, Image
from articles.media.tasks import make_image_renditions


def _reencode_new_file(image: Image) -> bool:
    """Re-encode a newly uploaded file (EXIF orientation applied, all metadata dropped); whether there was one."""
    upload = image.file
    if not upload or upload._committed:
        return False
    name, content, width, height = images.reencode(upload.file, upload.name)
    field = upload.field
    image.file = images.store(field.generate_filename(image, name), content, max_length=field.max_length)
    # From the re-encoding, not read back from the store (with S3 that would be a download).
    image.width, image.height, image.file_size = width, height, content.size
    return True


def _queue_renditions(image: Image) -> None:
    image_id = image.pk
    transaction.on_commit(lambda: make_image_renditions.enqueue(image_id))


@transaction.atomic
def image_create(*, image: Image, by=None) -> Image:
    """A new library image, stamped with who uploaded it."""
    if by is not None and image.uploaded_by_id is None:
        image.uploaded_by = by
    image.full_clean()
    _reencode_new_file(image)
    image.save()
    _queue_renditions(image)
    return image


@transaction.atomic
def image_update(*, image: Image, by=None) -> Image:
    """Save edited alt text, caption, credit, focal point or a replaced file; new crops when they change."""
    image.full_clean()
    before = Image.objects.filter(pk=image.pk).values("file", "focal_x", "focal_y").first() or {}
    new_file = _reencode_new_file(image)
    moved = (before.get("focal_x"), before.get("focal_y")) != (image.focal_x, image.focal_y)
    if new_file:
        image.sizes_ready = False
    if new_file or moved:
        image.crops_ready = False  # pages use the original until the new crops exist
    image.save()
    if new_file or moved:
        _queue_renditions(image)
    return image


def body_uses_sync(*, article_id: int, body: str, before: str | None = None) -> None:
    """Record which library pictures `body` shows (`BodyUse`). No query when the figures are the ones `before`
    showed (most saves; a new article's `before` is ""), `None`: not known. Pictures deleted since are left out."""
    shown = set(image_ids(body))
    if before is not None and shown == set(image_ids(before)):
        return
    kept = set(Image.objects.filter(pk__in=shown).values_list("pk", flat=True)) if shown else set()
    BodyUse.objects.filter(article_id=article_id).exclude(image_id__in=kept).delete()
    BodyUse.objects.bulk_create([BodyUse(article_id=article_id, image_id=pk) for pk in kept], ignore_conflicts=True)
