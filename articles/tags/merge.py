"""Writes: merging tags that differ only in case ("Harbour Barrier" and "harbour barrier") into one.

With `TAGGIT_CASE_INSENSITIVE` new duplicates cannot appear; this cleans up the ones made before. The tag
kept is the most used one (the oldest on a tie); its articles keep their other tags. Deleting the duplicates
goes through the ORM, so cached pages that showed them are purged (`articles.signals`).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Lower
from taggit.models import Tag

from articles.models import TaggedArticle


@dataclass(frozen=True)
class TagMerge:
    kept: str
    merged: list[str]
    retagged: int  # articles that now carry the kept tag instead of a duplicate


def case_duplicate_groups() -> list[list[Tag]]:
    """Tags whose names are equal ignoring case, most used first in each group (oldest first on a tie)."""
    duplicated = (
        Tag.objects.annotate(lowered=Lower("name"))
        .values("lowered")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("lowered", flat=True)
    )
    tags = (
        Tag.objects.annotate(lowered=Lower("name"), uses=Count("articles_taggedarticle_items"))
        .filter(lowered__in=list(duplicated))
        .order_by("lowered", "-uses", "pk")
    )
    groups: dict[str, list[Tag]] = {}
    for tag in tags:
        groups.setdefault(tag.lowered, []).append(tag)
    return list(groups.values())


@transaction.atomic
def tags_merge_case_duplicates(*, dry_run: bool = False) -> list[TagMerge]:
    """Fold every group of case-duplicate tags into its most used tag; what was (or would be) merged."""
    merges = []
    for kept, *duplicates in case_duplicate_groups():
        duplicate_ids = [tag.pk for tag in duplicates]
        moving = TaggedArticle.objects.filter(tag_id__in=duplicate_ids)
        already = set(TaggedArticle.objects.filter(tag=kept).values_list("content_object_id", flat=True))
        article_ids = set(moving.values_list("content_object_id", flat=True)) - already
        merges.append(TagMerge(kept=kept.name, merged=[t.name for t in duplicates], retagged=len(article_ids)))
        if dry_run:
            continue
        TaggedArticle.objects.bulk_create([TaggedArticle(tag=kept, content_object_id=pk) for pk in article_ids])
        for tag in duplicates:
            tag.delete()  # its TaggedArticle rows go with it (cascade), each through the ORM's signals
    return merges
