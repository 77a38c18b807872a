"""Writes: queue the missing renditions of every library image (after migrating hero images into the library, or
after changing the rendition sizes). Idempotent: existing files are kept."""

from django.core.management.base import BaseCommand

from articles.media.models import Image
from articles.media.tasks import make_image_renditions


class Command(BaseCommand):
    help = "Queue renditions (srcset widths, social card, squares) for every library image; existing ones are kept."

    def handle(self, *args, **options) -> None:
        ids = list(Image.objects.order_by("pk").values_list("pk", flat=True))
        for image_id in ids:
            make_image_renditions.enqueue(image_id)
        self.stdout.write(f"Queued renditions for {len(ids)} library image(s).")
