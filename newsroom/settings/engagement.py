"""Defines: votes, view counting and popularity (articles/engagement/): see docs/votes-and-popularity.md.

Every value can be set from the environment under the same name.
"""

import os

from django.utils.translation import gettext_lazy as _

from newsroom.env import env_float, env_int

# The vote button's label, on every article page and in every vote message (translatable).
NEWSROOM_VOTE_LABEL = os.environ.get("NEWSROOM_VOTE_LABEL") or _("veryGood!")
# Ranking score = views * NEWSROOM_POPULARITY_VIEW_WEIGHT + net votes * NEWSROOM_POPULARITY_VOTE_WEIGHT.
NEWSROOM_POPULARITY_VIEW_WEIGHT = env_float("NEWSROOM_POPULARITY_VIEW_WEIGHT", 1)
NEWSROOM_POPULARITY_VOTE_WEIGHT = env_float("NEWSROOM_POPULARITY_VOTE_WEIGHT", 10)
NEWSROOM_POPULARITY_TRENDING_HALF_LIFE_HOURS = env_float("NEWSROOM_POPULARITY_TRENDING_HALF_LIFE_HOURS", 24)
NEWSROOM_POPULARITY_CACHE_SECONDS = env_int("NEWSROOM_POPULARITY_CACHE_SECONDS", 60)
NEWSROOM_POPULARITY_HOURLY_DAYS = env_int("NEWSROOM_POPULARITY_HOURLY_DAYS", 2)  # then hourly buckets roll up into days
NEWSROOM_POPULARITY_RETENTION_DAYS = env_int("NEWSROOM_POPULARITY_RETENTION_DAYS", 180)
# Views: once per reader per article per window; buffered in the cache and flushed into buckets in batches.
NEWSROOM_VIEW_DEDUPE_SECONDS = env_int("NEWSROOM_VIEW_DEDUPE_SECONDS", 30 * 60)
NEWSROOM_VIEW_FLUSH_INTERVAL_SECONDS = env_int("NEWSROOM_VIEW_FLUSH_INTERVAL_SECONDS", 60)
NEWSROOM_VIEW_BUFFER_LOOKBACK_HOURS = env_int("NEWSROOM_VIEW_BUFFER_LOOKBACK_HOURS", 48)
NEWSROOM_VIEW_BUFFER_TTL_SECONDS = env_int("NEWSROOM_VIEW_BUFFER_TTL_SECONDS", 72 * 3600)
# Abuse limits per client address (an IPv6 client is its /64; never the User-Agent) and who counts as a bot.
NEWSROOM_VOTE_RATE_LIMIT = env_int("NEWSROOM_VOTE_RATE_LIMIT", 30)
NEWSROOM_VOTE_RATE_WINDOW_SECONDS = env_int("NEWSROOM_VOTE_RATE_WINDOW_SECONDS", 600)
NEWSROOM_BEACON_RATE_LIMIT = env_int("NEWSROOM_BEACON_RATE_LIMIT", 300)
NEWSROOM_BEACON_RATE_WINDOW_SECONDS = env_int("NEWSROOM_BEACON_RATE_WINDOW_SECONDS", 600)
# Vote and view budgets count a client by address only (an IPv6 client is its /64), never User-Agent or cookies; per
# article and day as well, shared by everyone behind one address (an office, a campus): docs/votes-and-popularity.md.
NEWSROOM_CLIENT_IPV6_PREFIX = env_int("NEWSROOM_CLIENT_IPV6_PREFIX", 64)
NEWSROOM_VOTE_ARTICLE_LIMIT = env_int("NEWSROOM_VOTE_ARTICLE_LIMIT", 20)
NEWSROOM_VIEW_ARTICLE_LIMIT = env_int("NEWSROOM_VIEW_ARTICLE_LIMIT", 100)
NEWSROOM_ARTICLE_BUDGET_WINDOW_SECONDS = env_int("NEWSROOM_ARTICLE_BUDGET_WINDOW_SECONDS", 24 * 3600)
NEWSROOM_BOT_USER_AGENT_PATTERN = os.environ.get(
    "NEWSROOM_BOT_USER_AGENT_PATTERN",
    r"\bbot\b|bot[/;_-]|crawl|spider|slurp|scrap|fetcher|curl/|wget/|python-requests|python-urllib|httpx|aiohttp|"
    r"go-http-client|java/|okhttp|libwww|httpclient|facebookexternalhit|embedly|preview|lighthouse|pingdom|uptime",
)
