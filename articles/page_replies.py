"""Serves: how a page kept by the page cache goes out (`articles.page_cache`): the shared blocks stitched into a
page kept as fragments, its validators and 304s, and how long the edge and browsers may keep it.
"""

import time
from functools import lru_cache

from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from newsroom import edge
from newsroom.fragments import complete, stitch
from newsroom.http_cache import PUBLIC_CACHE, cap_lifetime

# How long after it was fetched a downstream copy may still be served: fresh, then stale while revalidated.
DOWNSTREAM_HORIZON_SECONDS = PUBLIC_CACHE["s_maxage"] + PUBLIC_CACHE["stale_while_revalidate"]
# A stitched page's `Last-Modified`, written once per process for each time a page or block was built: every hit on
# that page sends the same one.
_last_modified = lru_cache(maxsize=4096)(http_date)


def cap_downstream(response, entry: dict, now: float) -> None:
    """The edge and browsers keep a copy no longer than this cache does, and a list no longer than until the next
    scheduled story goes live (`downstream_expires`), then not even stale: nobody at the app notices a go-live
    while the edge answers, so the edge must come back for it. A go-live further off than a downstream copy could
    be served, stale included (a list kept until it changes, the next story scheduled for tomorrow), leaves the
    copy its `stale-while-revalidate`."""
    until = entry.get("downstream_expires", entry["expires"])
    hard = until < entry["expires"] and until - now <= DOWNSTREAM_HORIZON_SECONDS
    cap_lifetime(response, until - now, hard=hard)


def conditional(request, response, entry, stitched=None):
    etag, modified = (
        (entry["etag"], entry["stored_at"]) if stitched is None else (stitched.etag, stitched.last_modified)
    )
    return get_conditional_response(request, etag=etag, last_modified=int(modified), response=response)


def stitch_into(request, response, entry: dict, held: dict[str, dict], shown):
    """Join the blocks into a page kept as fragments; its validators and downstream lifetime cover them."""
    fragment = entry["fragment"]
    blocks = complete(fragment, held)
    stitched = stitch(
        entry["content"], etag=entry["etag"], built_at=entry["stored_at"], fragment=fragment, blocks=blocks
    )
    response.content = b"" if request.method == "HEAD" else stitched.content
    response["Content-Length"] = str(len(stitched.content))
    response["ETag"] = stitched.etag
    response["Last-Modified"] = _last_modified(stitched.last_modified)
    edge.tag_response(response, {*shown, *stitched.shown})
    if stitched.kept:
        # The whole page changes when a block does: downstream no longer than its blocks stay fresh.
        cap_lifetime(response, stitched.fresh_until - time.time(), hard=False)
    else:
        edge.keep_off_the_edge(response)
    return stitched
