"""Seed one `total` bucket per article from its existing counters, so buckets sum to the counters from day one."""

import datetime

from django.db import migrations

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def seed_totals(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    PopularityBucket = apps.get_model("articles", "PopularityBucket")
    articles = Article.objects.exclude(view_count=0, vote_count=0).values_list("pk", "view_count", "vote_count")
    PopularityBucket.objects.bulk_create(
        [
            PopularityBucket(article_id=pk, granularity="total", period_start=EPOCH, views=views, votes=votes)
            for pk, views, votes in articles.iterator()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_popularity")]

    operations = [migrations.RunPython(seed_totals, migrations.RunPython.noop)]
