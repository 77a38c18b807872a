"""Background work on library images, through Django's tasks API."""

from django.tasks import task

from articles.media import renditions
from articles.media.models import Image


@task
def make_image_renditions(image_id: int) -> list[str]:
    """Write a library image's renditions: srcset widths, the social card and the squares (focal-point crops)."""
    image = Image.objects.filter(pk=image_id).first()
    return renditions.make_renditions(image) if image else []
