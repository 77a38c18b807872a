"""Writes: queue the missing renditions of every library image (after migrating hero images into the library, or
after changing the rendition sizes or formats), turning off the ready flag of an image that lacks one. Idempotent:
existing files are kept."""

from django.core.management.base import BaseCommand

from articles.media import renditions
from articles.media.models import Image
from articles.media.tasks import make_image_renditions
from articles.signals import reader_visible_update


class Command(BaseCommand):
    help = (
        "Queue renditions (srcset widths, social card, squares) for every library image that lacks one; "
        "its pages show the original picture until the worker has made them."
    )

    def handle(self, *args, **options) -> None:
        queued = 0
        images = Image.objects.order_by("pk")
        for image in images.iterator(chunk_size=500):
            if self._lacks_renditions(image):
                make_image_renditions.enqueue(image.pk)
                queued += 1
        self.stdout.write(f"Queued renditions for {queued} of {images.count()} library image(s).")

    @staticmethod
    def _lacks_renditions(image: Image) -> bool:
        """Whether `image` needs the worker; a width or format added since its renditions were made (960 px,
        AVIF) turns its ready flag off first, so its pages never offer a file that is not there yet."""
        if None in (image.width, image.height, image.file_size):
            return True  # a hero from before the library: the task measures it first
        sizes_missing, crops_missing = renditions.missing(image)
        stale = {"sizes_ready": False} if sizes_missing else {}
        stale |= {"crops_ready": False} if crops_missing else {}
        if stale:
            reader_visible_update(Image.objects.filter(pk=image.pk), **stale)  # its cached pages are dropped
        return bool(stale) or not (image.sizes_ready and image.crops_ready)
