"""Defines: newsroom settings, read from environment variables, in parts by what they are about.

Development defaults are safe (SQLite file, local-memory cache); with DEBUG off the project refuses to start
unless SECRET_KEY and ALLOWED_HOSTS are set for real. Every setting and its environment variable: the README.
"""

from newsroom.settings.core import *  # noqa: F403 — the project: keys, hosts, apps, middleware, templates
from newsroom.settings.editor import *  # noqa: F403 — uploads, the body editor, embeds, edit locks
from newsroom.settings.engagement import *  # noqa: F403 — votes, views, popularity, abuse limits
from newsroom.settings.security import *  # noqa: F403 — CSP, cookies, HTTPS, sign-in throttling, proxies
from newsroom.settings.services import *  # noqa: F403 — database, cache, files, tasks, e-mail
