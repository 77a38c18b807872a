"""Migration 0004 turns counters that existed before buckets into each article's `total` bucket."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from articles.engagement import reconcile

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0003_popularity")]
AFTER = [("articles", "0004_popularity_totals")]


def test_existing_counters_become_total_buckets_and_reconcile_finds_no_drift():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    category = old.get_model("articles", "Category").objects.create(name="World", slug="world")
    Article = old.get_model("articles", "Article")
    common = {"category": category, "body": "<p>x</p>", "status": "published", "published_at": timezone.now()}
    counted = Article.objects.create(title="Counted", slug="counted", view_count=1234, vote_count=0, **common)
    Article.objects.create(title="Quiet", slug="quiet", **common)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    buckets = list(
        new.get_model("articles", "PopularityBucket").objects.values_list("article_id", "granularity", "views")
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert buckets == [(counted.pk, "total", 1234)]
    assert reconcile.counts_reconcile() == []
