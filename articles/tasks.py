"""Background work, through Django's tasks API (runs inline with the immediate backend in development)."""

from django.tasks import task

from articles import images


@task
def make_hero_renditions(image_name: str) -> list[str]:
    """Resize a stored hero image into the WebP/JPEG widths the article page's srcset names."""
    return images.make_renditions(image_name)
