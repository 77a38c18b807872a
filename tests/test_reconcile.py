"""reconcile_counts repairs deliberately broken counters and reports what it fixed."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.engagement import buckets, reconcile, votes
from articles.engagement.models import Vote
from articles.models import Article

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("reconcile_counts", *args, stdout=out)
    return out.getvalue()


def test_repairs_broken_vote_and_view_counters(make_article):
    healthy, broken = make_article(), make_article()
    for article in (healthy, broken):
        votes.vote_add(article=article, voter_key="a:one")
        votes.vote_add(article=article, voter_key="a:two")
        buckets.view_counts_record(article_id=article.pk, views=12)
    Article.objects.filter(pk=broken.pk).update(vote_count=999, view_count=5)  # drift, e.g. a manual edit
    Vote.objects.create(article=healthy, voter_key="a:three")  # a row written behind the service's back

    report = run()

    assert f"article {broken.pk}: vote_count 999 -> 2" in report
    assert f"article {broken.pk}: view_count 5 -> 12" in report
    assert f"article {healthy.pk}: vote_count 2 -> 3" in report
    assert "Fixed 3 drifted counter(s)." in report
    assert list(Article.objects.order_by("pk").values_list("vote_count", "view_count")) == [(3, 12), (2, 12)]
    assert run().strip() == "No drift: all counters agree."


def test_can_limit_to_articles_and_skip_views(make_article):
    a, b = make_article(), make_article()
    Article.objects.filter(pk__in=[a.pk, b.pk]).update(vote_count=4, view_count=9)

    report = run("--article", str(a.pk), "--skip-views")

    assert "Fixed 1 drifted counter(s)." in report
    assert list(Article.objects.order_by("pk").values_list("vote_count", "view_count")) == [(0, 9), (4, 9)]


def test_counts_folded_past_retention_still_reconcile(make_article):
    article = make_article()
    buckets.view_counts_record(article_id=article.pk, views=30, at=article.published_at - timezone.timedelta(days=400))
    buckets.view_counts_record(article_id=article.pk, views=2)
    buckets.popularity_rollup()
    buckets.popularity_prune()
    assert run().strip() == "No drift: all counters agree."


def test_screening_costs_one_query_per_chunk_when_nothing_drifted(make_article, django_assert_num_queries):
    for n in range(30):
        article = make_article()
        votes.vote_add(article=article, voter_key=f"a:{n}")
        buckets.view_counts_record(article_id=article.pk, views=n)
    with django_assert_num_queries(2):  # the id list, one screening query for the chunk
        assert reconcile.counts_reconcile() == []
