"""The vote endpoint (works with and without JavaScript) and the view beacon (live counts for cached pages)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseNotAllowed, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from articles import clients, services
from articles.models import Article

VOTER_COOKIE = "voter"
VOTER_COOKIE_SALT = "articles.voter"
VOTER_COOKIE_MAX_AGE = 60 * 60 * 24 * 365 * 2

MESSAGES = {
    "bot": "Automated clients can't vote. If you are a person, please use a regular web browser.",
    "rate": "Too many votes from this connection. Please wait a few minutes and try again.",
    "missing": "This article isn't available for voting.",
    "action": "Unknown vote action: send action=vote or action=undo.",
    "method": "Voting needs a POST request: please use the veryGood! button on the article.",
    "beacon_method": "This address only accepts POST requests from the article page.",
}


def voter_key_for(request) -> tuple[str, str | None]:
    """The voter's key, and a new anonymous id to set as a cookie when the reader has none yet."""
    existing = existing_voter_key(request)
    if existing:
        return existing, None
    anonymous_id = get_random_string(32)
    return f"a:{anonymous_id}", anonymous_id


def existing_voter_key(request) -> str | None:
    """`u:<id>` for signed-in readers, `a:<id>` from the signed cookie, or None for a reader who never voted."""
    if request.user.is_authenticated:
        return f"u:{request.user.pk}"
    anonymous_id = request.get_signed_cookie(VOTER_COOKIE, default=None, salt=VOTER_COOKIE_SALT)
    return f"a:{anonymous_id}" if anonymous_id else None


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _refuse(request, *, status: int, reason: str, article: Article | None = None, headers=None):
    message = MESSAGES[reason]
    if _wants_json(request):
        response = JsonResponse({"error": message}, status=status)
    else:
        response = render(
            request, "articles/vote_refused.html", {"message": message, "article": article}, status=status
        )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _published_article(pk: int) -> Article | None:
    return Article.objects.published().filter(pk=pk).first()


@never_cache
def vote(request, pk: int):
    # Checks first (method, CSRF by middleware, bots, rate limit, the article), then the write.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"], content=MESSAGES["method"])
    if clients.is_bot(request):
        return _refuse(request, status=403, reason="bot")
    if clients.rate_limited(
        request, scope="vote", limit=settings.VOTE_RATE_LIMIT, window_seconds=settings.VOTE_RATE_WINDOW_SECONDS
    ):
        return _refuse(
            request, status=429, reason="rate", headers={"Retry-After": str(settings.VOTE_RATE_WINDOW_SECONDS)}
        )
    article = _published_article(pk)
    if article is None:
        return _refuse(request, status=404, reason="missing")
    action = request.POST.get("action", "vote") or "vote"
    if action not in {"vote", "undo"}:
        return _refuse(request, status=400, reason="action", article=article)

    if action == "undo":
        voter_key, new_id = existing_voter_key(request), None
        outcome = (
            services.vote_remove(article=article, voter_key=voter_key)
            if voter_key
            else services.VoteOutcome(count=article.vote_count, voted=False, changed=False)
        )
    else:
        voter_key, new_id = voter_key_for(request)
        outcome = services.vote_add(article=article, voter_key=voter_key)

    if _wants_json(request):
        response = JsonResponse({"votes": outcome.count, "voted": outcome.voted, "changed": outcome.changed})
    else:
        if outcome.voted:
            text = "Thanks — your vote is counted." if outcome.changed else "You have already voted for this article."
        else:
            text = "Your vote is withdrawn." if outcome.changed else "You had not voted for this article."
        messages.success(request, f"{text} veryGood! now stands at {outcome.count}.")
        response = redirect(article)
        response.status_code = 303  # See Other: the browser GETs the article with the new count
    if new_id:
        response.set_signed_cookie(
            VOTER_COOKIE,
            new_id,
            salt=VOTER_COOKIE_SALT,
            max_age=VOTER_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _counts_this_view(request) -> bool:
    """Readers count; bots, speculative loads and staff (editors browsing signed in) never do."""
    if clients.is_bot(request) or clients.is_prefetch(request):
        return False
    return not (request.user.is_authenticated and request.user.is_staff)


@csrf_exempt  # carries no reader's authority: it can only add one deduplicated view, and returns public counts
@never_cache
def view_beacon(request, pk: int):
    """Count a view (once per reader per article per window) and return the live counts as JSON."""
    if request.method != "POST":
        return JsonResponse({"error": MESSAGES["beacon_method"]}, status=405, headers={"Allow": "POST"})
    counts = Article.objects.published().filter(pk=pk).values("vote_count", "view_count").first()
    if counts is None:
        return JsonResponse({"error": MESSAGES["missing"]}, status=404)

    voter_key = existing_voter_key(request)
    counted = False
    if _counts_this_view(request) and not clients.rate_limited(
        request, scope="beacon", limit=settings.BEACON_RATE_LIMIT, window_seconds=settings.BEACON_RATE_WINDOW_SECONDS
    ):
        counted = services.view_register(article_id=pk, reader_key=voter_key or clients.client_fingerprint(request))
        if services.views_flush_if_due() is not None:
            counts = Article.objects.filter(pk=pk).values("vote_count", "view_count").first() or counts
    return JsonResponse(
        {
            "views": counts["view_count"] + services.views_pending(article_id=pk),
            "votes": counts["vote_count"],
            "voted": services.vote_has(article_id=pk, voter_key=voter_key),
            "counted": counted,
            # A page from a shared cache carries someone else's CSRF token: the script swaps in this reader's.
            "csrf": get_token(request),
        }
    )
