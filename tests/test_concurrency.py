"""Races against PostgreSQL: many threads voting, repeating, un-voting and flushing views at once.

Skipped on SQLite only (it serialises writers, so there is no race to lose); CI runs them on PostgreSQL.
"""

import random
import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.http import HttpResponse
from django.test import Client

from articles.engagement import reconcile, view_counts, votes
from articles.engagement.models import PopularityBucket, Vote
from articles.engagement.voters import VOTER_COOKIE, VOTER_COOKIE_SALT
from articles.models import Article
from tests.builders import record_view

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for real concurrent writers"),
]

THREADS = 32
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture(autouse=True)
def _a_connection_for_every_thread():
    """Open one pooled connection per racing thread before the race. A web worker has one blocking thread; these
    tests run 32 in one process, and a pool growing from 2 under that burst cannot open 30 connections within its
    1 s timeout (the production value, kept so an unreachable database is a fast 503) on a busy machine.

    Afterwards the pool is closed, not shrunk: a pool made smaller keeps its connections until they have idled ten
    minutes, and 34 of them held by one test process left the other processes of the run (and the servers they
    start) too few of PostgreSQL's 100; the next query opens a pool of the settings' size."""
    pool = connection.pool
    pool.resize(min_size=THREADS + 2, max_size=max(pool.max_size, THREADS + 2))
    pool.wait(timeout=60)
    yield
    connection.close()
    connection.close_pool()


def run_threads(workers) -> None:
    """Start every worker at the same moment; each closes its own DB connection when done."""
    barrier = threading.Barrier(len(workers))
    errors = []

    def wrap(work):
        try:
            barrier.wait()
            work()
        except BaseException as error:  # surfaced below, in the test thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    assert errors == []


def voter_client(voter_id: str) -> Client:
    client = Client(HTTP_USER_AGENT=BROWSER_UA, HTTP_ACCEPT="application/json")
    signed = HttpResponse()
    signed.set_signed_cookie(VOTER_COOKIE, voter_id, salt=VOTER_COOKIE_SALT)  # what the site sets on a first vote
    client.cookies[VOTER_COOKIE] = signed.cookies[VOTER_COOKIE].value
    return client


def run_requests(article, jobs: list[tuple[str, str]]) -> list[tuple[str, str, int, dict]]:
    """POST each (voter, action) from one of THREADS threads, a fresh client per request."""
    random.Random(4).shuffle(jobs)
    results, lock = [], threading.Lock()

    def worker(chunk):
        def work():
            for voter, action in chunk:
                response = voter_client(voter).post(f"/news/{article.pk}/vote/", {"action": action})
                with lock:
                    results.append((voter, action, response.status_code, response.json()))

        return work

    run_threads([worker(jobs[n::THREADS]) for n in range(THREADS)])
    assert len(results) == len(jobs)
    return results


def test_concurrent_votes_repeats_and_undos_stay_exact(make_article, settings):
    settings.NEWSROOM_VOTE_RATE_LIMIT = 10_000
    settings.NEWSROOM_VOTE_ARTICLE_LIMIT = 10_000  # 280 readers, all on 127.0.0.1, vote on one article
    article = make_article()
    voters = [f"voter{n:03d}" for n in range(240)]
    repeaters = voters[::3]  # 80 voters send the same vote three times, racing themselves

    results = run_requests(article, [(v, "vote") for v in voters] + [(v, "vote") for v in repeaters for _ in range(2)])

    assert {status for _, _, status, _ in results} == {200}
    counted = [body for _, _, _, body in results if body["changed"]]
    assert Counter(voter for voter, _, _, body in results if body["changed"]) == Counter(voters)  # once each
    # Every counted vote saw its own committed count: exactly 1..240, no gaps, no duplicates.
    assert sorted(body["votes"] for body in counted) == list(range(1, 241))
    assert all(1 <= body["votes"] <= 240 and body["voted"] for _, _, _, body in results)
    article.refresh_from_db()
    assert article.vote_count == Vote.objects.filter(article=article).count() == 240

    # Round two: 100 readers withdraw (each twice at once), 40 newcomers vote, 40 old voters repeat.
    leavers, newcomers = voters[:100], [f"new{n:03d}" for n in range(40)]
    jobs = [(v, "undo") for v in leavers for _ in range(2)]
    jobs += [(v, "vote") for v in newcomers] + [(v, "vote") for v in voters[200:]]

    results = run_requests(article, jobs)

    assert {status for _, _, status, _ in results} == {200}
    withdrawn = Counter(v for v, action, _, body in results if action == "undo" and body["changed"])
    joined = Counter(v for v, action, _, body in results if action == "vote" and body["changed"])
    assert withdrawn == Counter(leavers) and joined == Counter(newcomers)
    article.refresh_from_db()
    assert article.vote_count == Vote.objects.filter(article=article).count() == 240 - 100 + 40
    assert set(Vote.objects.values_list("voter_key", flat=True)) == {f"a:{v}" for v in voters[100:] + newcomers}
    assert sum(PopularityBucket.objects.filter(article=article).values_list("votes", flat=True)) == 180
    assert reconcile.counts_reconcile() == []


def test_reconcile_under_voting_traffic_introduces_no_drift(make_article):
    articles = [make_article() for _ in range(4)]
    stop = threading.Event()

    def voter(n):
        def work():
            for i in range(12):
                article = articles[(n + i) % len(articles)]
                votes.vote_add(article=article, voter_key=f"a:t{n}-{i % 8}")  # repeats mixed in
                if i % 5 == 4:
                    votes.vote_remove(article=article, voter_key=f"a:t{n}-{i % 8}")
                connection.close()  # back to the pool between "requests", as a web worker would

        return work

    repaired = []  # voting never leaves drift, so any repair would be reconciliation getting it wrong

    def reconciler():
        while not stop.is_set():
            repaired.extend(reconcile.counts_reconcile())
            connection.close()

    voters = [voter(n) for n in range(THREADS - 1)]
    done = threading.Barrier(len(voters) + 1)

    def finish(work):
        def wrapped():
            try:
                work()
            finally:
                done.wait()

        return wrapped

    def watcher():
        done.wait()
        stop.set()

    run_threads([finish(work) for work in voters] + [watcher, reconciler])

    assert repaired == []
    for article in Article.objects.all():
        assert article.vote_count == Vote.objects.filter(article=article).count()


def test_view_flushes_racing_each_other_and_new_views_lose_nothing(make_article):
    articles = [make_article() for _ in range(3)]
    producers, flushers = THREADS // 2, THREADS // 2
    per_producer = 300
    produced = threading.Barrier(producers + 1)
    done = threading.Event()

    def produce(n):
        def work():
            try:
                for i in range(per_producer):
                    record_view(articles[(n + i) % 3])
            finally:
                produced.wait()

        return work

    def flush():
        # Keep flushing while views pour in, so flushes race each other and the increments.
        while not done.is_set():
            view_counts.view_counts_flush(lookback_hours=1)
            connection.close()

    def watch():
        produced.wait()
        done.set()

    run_threads([produce(n) for n in range(producers)] + [flush for _ in range(flushers - 1)] + [watch])
    view_counts.view_counts_flush()

    expected = Counter()
    for n in range(producers):
        for i in range(per_producer):
            expected[articles[(n + i) % 3].pk] += 1
    for article in articles:
        article.refresh_from_db()
        buckets = PopularityBucket.objects.filter(article=article).values_list("views", flat=True)
        assert article.view_count == sum(buckets) == expected[article.pk]
    assert view_counts.view_counts_pending(article_id=articles[0].pk) == 0
    assert view_counts.view_counts_flush().views == 0
