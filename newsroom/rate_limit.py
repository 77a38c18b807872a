"""A budget of requests per client and time window, counted in the shared cache (fixed windows)."""

import time
from dataclasses import dataclass

from django.conf import settings

from newsroom.cache import rate_limit_key
from newsroom.cache_entries import counter_add
from newsroom.requester import client_fingerprint


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

    def hit(self, request) -> bool:
        """Count this request against the client's budget; True once the budget is spent."""
        window = self.window_seconds
        slot = int(time.time()) // window
        key = rate_limit_key(self.scope, client_fingerprint(request), slot)
        return counter_add(key, timeout=window).value > self.limit


VOTES = RateLimit("vote", "NEWSROOM_VOTE_RATE_LIMIT", "NEWSROOM_VOTE_RATE_WINDOW_SECONDS")
BEACONS = RateLimit("beacon", "NEWSROOM_BEACON_RATE_LIMIT", "NEWSROOM_BEACON_RATE_WINDOW_SECONDS")
