"""Writes: votes: `vote_spend_budget` decides whether a request may vote and spends its budget; `vote_add` /
`vote_remove` do it, exactly.

A client (its address, `newsroom.requester.client_key`) has two budgets: votes per short window on any article,
and votes per day on one article. Neither depends on a User-Agent or a cookie, which a client changes at will.

A vote is an insert-if-absent on the unique (article, voter key), then an `F()` increment of `vote_count` and
+1 in the current hour's bucket, all in one transaction; un-voting is the reverse. Each reports the count
as committed.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.engagement.buckets import buckets_add, hour_row
from articles.engagement.models import Vote
from articles.models import Article
from newsroom import rate_limit, requester

ACTIONS = ("vote", "undo")

REFUSED_BOT = _("Automated clients can't vote. If you are a person, please use a regular web browser.")
REFUSED_RATE = _("Too many votes from this connection. Please wait a few minutes and try again.")
REFUSED_ARTICLE_BUDGET = _(
    "This article has had as many votes from your connection today as we count. If you share the connection "
    "with many readers (an office, a campus), please try again tomorrow."
)
REFUSED_MISSING = _("This article isn't available for voting.")
REFUSED_ACTION = _("Unknown vote action: send action=vote or action=undo.")


@dataclass
class VoteRefused(Exception):
    message: str
    status: int
    article: Article | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class VoteOutcome:
    count: int  # the article's vote count as committed by this transaction
    voted: bool  # whether this voter's vote stands afterwards
    changed: bool  # False when the request was a repeat (idempotent no-op)


@dataclass(frozen=True)
class VoteAllowed:
    article: Article
    budget: rate_limit.Spent | None  # the unit of the per-article budget a vote took; None for withdrawing

    def repeat_costs_nothing(self, outcome: VoteOutcome) -> None:
        """A repeated vote adds nothing, so it gives its unit of the per-article budget back."""
        if self.budget and not outcome.changed:
            self.budget.give_back()


def vote_spend_budget(*, request, article_id: int, action: str) -> VoteAllowed:
    """The published article this request may vote on, its budgets spent; raises `VoteRefused` otherwise.

    A vote takes one unit of the client's budget on this article (`NEWSROOM_VOTE_ARTICLE_LIMIT` a day);
    withdrawing one is free, as it can only lower a count.
    """
    if requester.is_bot(request):
        raise VoteRefused(REFUSED_BOT, 403)
    if rate_limit.VOTES.hit(request):
        raise VoteRefused(REFUSED_RATE, 429, headers={"Retry-After": str(rate_limit.VOTES.window_seconds)})
    article = Article.objects.published().filter(pk=article_id).first()
    if article is None:
        raise VoteRefused(REFUSED_MISSING, 404)
    if action not in ACTIONS:
        raise VoteRefused(REFUSED_ACTION, 400, article=article)
    if action == "undo":
        return VoteAllowed(article=article, budget=None)
    budget = rate_limit.VOTES_PER_ARTICLE.spend(request, per=str(article.pk))
    if budget.over:
        retry_after = {"Retry-After": str(budget.retry_after)}
        raise VoteRefused(REFUSED_ARTICLE_BUDGET, 429, article=article, headers=retry_after)
    return VoteAllowed(article=article, budget=budget)


def _committed_vote_count(article_id: int) -> int:
    return Article.objects.values_list("vote_count", flat=True).get(pk=article_id)


@transaction.atomic
def vote_add(*, article: Article, voter_key: str) -> VoteOutcome:
    """Record one vote by `voter_key`; a repeat is a no-op that reports the same count."""
    now = timezone.now()
    table = connection.ops.quote_name(Vote._meta.db_table)
    with connection.cursor() as cursor:
        # Insert-if-absent on the unique key: a duplicate neither errors nor counts.
        cursor.execute(
            f"INSERT INTO {table} (article_id, voter_key, created_at) VALUES (%s, %s, %s) "  # noqa: S608 — table name from model meta
            f"ON CONFLICT (article_id, voter_key) DO NOTHING RETURNING id",
            [article.pk, voter_key, connection.ops.adapt_datetimefield_value(now)],
        )
        inserted = cursor.fetchone() is not None
    if inserted:
        Article.objects.filter(pk=article.pk).update(vote_count=F("vote_count") + 1)
        buckets_add([hour_row(article.pk, now, votes=1)])
    return VoteOutcome(count=_committed_vote_count(article.pk), voted=True, changed=inserted)


@transaction.atomic
def vote_remove(*, article: Article, voter_key: str | None) -> VoteOutcome:
    """Withdraw `voter_key`'s vote; without one it is a no-op. The count never goes below zero."""
    deleted = 0
    if voter_key:
        deleted, _ = Vote.objects.filter(article_id=article.pk, voter_key=voter_key).delete()
    if deleted:
        Article.objects.filter(pk=article.pk, vote_count__gt=0).update(vote_count=F("vote_count") - 1)
        # Net votes of the current hour: the ranking window sees the withdrawal when it happens.
        buckets_add([hour_row(article.pk, timezone.now(), votes=-1)])
    return VoteOutcome(count=_committed_vote_count(article.pk), voted=False, changed=bool(deleted))


def votes_remove_fraudulent(*, votes: Iterable[Vote]) -> int:
    """Editors removing votes they judge fraudulent: each goes through `vote_remove`, so counters follow."""
    return sum(vote_remove(article=Article(pk=vote.article_id), voter_key=vote.voter_key).changed for vote in votes)
