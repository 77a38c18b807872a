"""Writes: importing what readers did to an article: its slug redirects, vote rows and popularity buckets, merged.

Merging never adds twice: a vote is one row per (article, voter key), so the archive's rows are added only
where absent (the site's own votes stay); a popularity bucket already there keeps the larger of its views and
net votes and the archive's; a redirect is an old slug, pointed at the imported article unless the slug is a
live article's own address now. The counters are then recomputed from the rows by `counts_reconcile`.
"""

from django.db import connection
from django.utils import timezone

from articles.engagement.models import PopularityBucket, Vote
from articles.models import Article, SlugRedirect

INSERT_BATCH_SIZE = 500


def redirects_merge(*, article: Article, redirects: list[dict]) -> int:
    """Point each old slug at `article`; how many redirects were added or re-pointed."""
    changed = 0
    for redirect in redirects:
        old_slug = redirect["old_slug"]
        if old_slug == article.slug or Article.objects.filter(slug=old_slug).exists():
            continue  # a live address is never shadowed by a redirect (publishing drops such redirects too)
        existing = SlugRedirect.objects.filter(old_slug=old_slug).first()
        if existing is not None and existing.article_id == article.pk:
            continue
        if existing is None:
            existing = SlugRedirect(old_slug=old_slug, article=article)
            existing.full_clean()
            existing.save()
            SlugRedirect.objects.filter(pk=existing.pk).update(created_at=redirect["created_at"] or timezone.now())
        else:
            SlugRedirect.objects.filter(pk=existing.pk).update(article=article)
        changed += 1
    return changed


def votes_merge(*, article_id: int, votes: list[tuple[str, object]]) -> int:
    """Add the archive's votes this article does not have yet (with their times); how many were added."""
    if not votes:
        return 0
    have = set(Vote.objects.filter(article_id=article_id).values_list("voter_key", flat=True))
    missing = [(key, at) for key, at in votes if key not in have]
    table = connection.ops.quote_name(Vote._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    for start in range(0, len(missing), INSERT_BATCH_SIZE):
        batch = missing[start : start + INSERT_BATCH_SIZE]
        placeholders = ", ".join(["(%s, %s, %s)"] * len(batch))
        params = [value for key, at in batch for value in (article_id, key, adapt(at))]
        with connection.cursor() as cursor:
            # `Vote.created_at` is auto_now_add: the ORM would stamp the import's time over the vote's own.
            cursor.execute(
                f"INSERT INTO {table} (article_id, voter_key, created_at) VALUES {placeholders} "  # noqa: S608 — table name from model meta, values are parameters
                "ON CONFLICT (article_id, voter_key) DO NOTHING",
                params,
            )
    return len(missing)


def buckets_merge(*, article_id: int, buckets: list[tuple[str, object, int, int]]) -> int:
    """Add missing buckets, raise existing ones to the archive's figures; how many were written."""
    if not buckets:
        return 0
    existing = {
        (bucket.granularity, bucket.period_start): bucket
        for bucket in PopularityBucket.objects.filter(article_id=article_id)
    }
    new, raised = [], []
    for granularity, period_start, views, votes in buckets:
        bucket = existing.get((granularity, period_start))
        if bucket is None:
            new.append(PopularityBucket(article_id=article_id, granularity=granularity, period_start=period_start,
                                        views=views, votes=votes))  # fmt: skip
        elif views > bucket.views or votes > bucket.votes:
            bucket.views, bucket.votes = max(views, bucket.views), max(votes, bucket.votes)
            raised.append(bucket)
    PopularityBucket.objects.bulk_create(new, batch_size=INSERT_BATCH_SIZE)
    PopularityBucket.objects.bulk_update(raised, ["views", "votes"], batch_size=INSERT_BATCH_SIZE)
    return len(new) + len(raised)
