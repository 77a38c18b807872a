"""Reads: the tags suggested as an editor types into the article form's tag chips (most used first, matched
ignoring case), served as JSON by the tag list's `suggestions/` address (`articles.tags.admin`)."""

from django.db.models import Count, Q
from django.db.models.functions import Lower
from taggit.models import Tag

LIMIT = 10


def tag_suggestions(*, typed: str, limit: int = LIMIT) -> list[dict]:
    """Existing tags whose name starts with, or has a word starting with, what was typed; most used first."""
    typed = typed.strip()
    if not typed:
        return []
    matching = Q(name__istartswith=typed) | Q(name__icontains=f" {typed}")
    tags = (
        Tag.objects.filter(matching)
        .annotate(uses=Count("articles_taggedarticle_items"))
        .order_by("-uses", Lower("name"))
        .values("name", "uses")
    )
    return list(tags[:limit])
