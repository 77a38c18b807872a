"""Writes: a budget of requests per client and time window, spent in the shared cache (fixed windows).

A client is its address (`requester.client_key`: an IPv4 address or an IPv6 /64), never anything it chooses
(User-Agent, cookies). A budget may also be kept per thing (`per=`: one article), so one client's requests
cannot pile onto one article however slowly they come.
"""

import time
from dataclasses import dataclass

from django.conf import settings

from newsroom.cache import rate_limit_key
from newsroom.cache_entries import counter_add
from newsroom.requester import client_key


@dataclass(frozen=True)
class Spent:
    """One unit taken from a budget: whether the budget was already spent, and how to give the unit back."""

    key: str
    over: bool
    window_seconds: int
    retry_after: int  # seconds until this window ends and the budget is whole again

    def give_back(self) -> None:
        """The request turned out to add nothing (a repeat vote, a view already counted): it costs nothing."""
        counter_add(self.key, -1, timeout=self.window_seconds)


@dataclass(frozen=True)
class RateLimit:
    scope: str
    limit_setting: str  # read when checked, so tests and deployments can change it
    window_setting: str

    @property
    def limit(self) -> int:
        return getattr(settings, self.limit_setting)

    @property
    def window_seconds(self) -> int:
        return getattr(settings, self.window_setting)

    def spend(self, request, *, per: str = "") -> Spent:
        """Count this request against the client's budget (for `per`, if given)."""
        window = self.window_seconds
        now = int(time.time())
        client = f"{client_key(request)}:{per}" if per else client_key(request)
        key = rate_limit_key(self.scope, client, now // window)
        over = counter_add(key, timeout=window).value > self.limit
        return Spent(key=key, over=over, window_seconds=window, retry_after=window - now % window)

    def hit(self, request) -> bool:
        """Count this request against the client's budget; True once the budget is spent."""
        return self.spend(request).over


VOTES = RateLimit("vote", "NEWSROOM_VOTE_RATE_LIMIT", "NEWSROOM_VOTE_RATE_WINDOW_SECONDS")
BEACONS = RateLimit("beacon", "NEWSROOM_BEACON_RATE_LIMIT", "NEWSROOM_BEACON_RATE_WINDOW_SECONDS")
# Per client and article: a crowd behind one address (an office, a campus) shares these
# (newsroom/settings/engagement.py says why).
VOTES_PER_ARTICLE = RateLimit("vote-article", "NEWSROOM_VOTE_ARTICLE_LIMIT", "NEWSROOM_ARTICLE_BUDGET_WINDOW_SECONDS")
VIEWS_PER_ARTICLE = RateLimit("view-article", "NEWSROOM_VIEW_ARTICLE_LIMIT", "NEWSROOM_ARTICLE_BUDGET_WINDOW_SECONDS")
