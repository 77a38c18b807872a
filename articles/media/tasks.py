"""Writes: background work on library images, through Django's tasks API."""

from django.tasks import task

from articles.media import renditions
from articles.media.models import Image
from articles.signals import reader_visible_update


@task
def make_image_renditions(image_id: int) -> list[str]:
    """Write a library image's renditions (srcset widths, social card, squares), then mark them ready.

    An image stored without its width, height or file size (heroes from before the library) is measured first,
    so `manage.py make_renditions` also fills those in.

    Marked only if the file and focal point are still those the renditions were made from: an edit made
    meanwhile queued its own run, and pages keep using the original until that one is done.
    """
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return []
    if None in (image.width, image.height, image.file_size):  # a hero from before the library: measure it once
        image.width, image.height, image.file_size = renditions.measure(image)
        measured = {"width": image.width, "height": image.height, "file_size": image.file_size}
        reader_visible_update(Image.objects.filter(pk=image_id), **measured)
    written = renditions.make_renditions(image)
    same = {"file": image.file.name, "focal_x": image.focal_x, "focal_y": image.focal_y}
    # Cached pages still show the original: purged, they pick up the renditions.
    reader_visible_update(Image.objects.filter(pk=image_id, **same), sizes_ready=True, crops_ready=True)
    return written
