"""Writes: merging tags into one — any two or more an editor picks ("UK" into "United Kingdom", from the tag
list's action) or those that differ only in case (`manage.py merge_duplicate_tags`), through one service.

Each article that carried a merged tag is saved through `article_update` with the kept tag in its place, so it
gets a kept version whose comment names the merge, an open form on it merges rather than putting the old tag
back, and its pages are purged (`articles.signals`). Then the merged tags, now unused, are deleted (their tag
pages purged too). All in one transaction: an article that cannot be saved leaves every tag as it was.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Lower
from taggit.models import Tag

from articles.models import Article, TaggedArticle
from articles.publishing import article_update


@dataclass(frozen=True)
class TagMerge:
    kept: str
    merged: list[str]
    retagged: int  # articles that now carry the kept tag instead of a merged one


def merge_comment(*, kept: Tag, merged: list[Tag]) -> str:
    names = ", ".join(f"“{tag.name}”" for tag in merged)
    return f"Tag{'s' if len(merged) > 1 else ''} {names} merged into “{kept.name}”."


@transaction.atomic
def tags_merge(*, kept: Tag, merged: list[Tag], by=None, dry_run: bool = False) -> TagMerge:
    """Fold `merged` into `kept`: every article carrying one of them carries `kept` instead (one new version
    each), and the merged tags are deleted. What was (or, with `dry_run`, would be) merged."""
    merged = [tag for tag in merged if tag.pk != kept.pk]
    merged_ids = {tag.pk for tag in merged}
    carrying = set(TaggedArticle.objects.filter(tag_id__in=merged_ids).values_list("content_object_id", flat=True))
    already = set(TaggedArticle.objects.filter(tag=kept).values_list("content_object_id", flat=True))
    result = TagMerge(kept=kept.name, merged=[tag.name for tag in merged], retagged=len(carrying - already))
    if dry_run or not merged:
        return result
    comment = merge_comment(kept=kept, merged=merged)
    for article in Article.objects.filter(pk__in=carrying).order_by("pk"):  # the trash's too: restored as they are
        tags = [kept if tag.pk in merged_ids else tag for tag in article.tags.all()]
        article_update(article=article, by=by, base_version=article.version, tags=tags, comment=comment)
    for tag in merged:
        tag.delete()  # unused now; its tag page and list are purged through the ORM's signals
    return result


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
    return [tags_merge(kept=kept, merged=duplicates, dry_run=dry_run) for kept, *duplicates in case_duplicate_groups()]
