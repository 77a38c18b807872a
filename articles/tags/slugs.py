"""Writes: a tag always has a usable slug: a name that slugifies to nothing ("!!!", ",") gets `tag-<n>` instead."""

import re

from django.db.models.signals import pre_save
from taggit.models import Tag

FALLBACK_PREFIX = "tag-"


def _fallback_slug() -> str:
    n = Tag.objects.count() + 1
    while Tag.objects.filter(slug=f"{FALLBACK_PREFIX}{n}").exists():
        n += 1
    return f"{FALLBACK_PREFIX}{n}"


def give_tag_a_usable_slug(sender, instance: Tag, **kwargs) -> None:
    # taggit stores "" for such a name, then "_1", "_2"… after a clash: neither makes a URL anyone can read.
    if not instance.slug or (re.fullmatch(r"_\d+", instance.slug) and not instance.slugify(instance.name)):
        instance.slug = _fallback_slug()


def connect() -> None:
    pre_save.connect(give_tag_a_usable_slug, sender=Tag, dispatch_uid="articles.tags.slugs")
