"""Writes: old versions pruned: per article, the newest N are kept, and of the older ones the last of each day."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from reversion.models import Revision, Version

from articles.desk.models import AUTOSAVE_COMMENT
from articles.models import Article


def versions_prune(*, keep_last: int, dry_run: bool = False) -> int:
    """Delete the revisions (with every version in them) no article still keeps; returns how many."""
    if keep_last < 1:
        raise ValueError("keep_last must be at least 1: an article's latest version is what conflicts build on.")
    rows = (
        Version.objects.filter(content_type=ContentType.objects.get_for_model(Article))
        .exclude(revision__comment=AUTOSAVE_COMMENT)  # autosaves replace each other and go with the next save
        .order_by("object_id", "-pk")
        .values_list("object_id", "revision_id", "revision__date_created")
    )
    kept, dropped = set(), set()
    article_id, position, days = None, 0, set()
    for object_id, revision_id, created in rows.iterator(chunk_size=2000):
        if object_id != article_id:
            article_id, position, days = object_id, 0, set()
        position += 1
        day = timezone.localtime(created).date()
        if position <= keep_last or day not in days:
            kept.add(revision_id)
        else:
            dropped.add(revision_id)
        days.add(day)
    doomed = sorted(dropped - kept)
    if not dry_run:
        with transaction.atomic():
            for start in range(0, len(doomed), 500):
                Revision.objects.filter(pk__in=doomed[start : start + 500]).delete()
    return len(doomed)
