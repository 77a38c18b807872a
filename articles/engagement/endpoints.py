"""Serves: HTTP endpoints: the vote form (with and without JavaScript) and the "seen" beacons (a view; live counts)."""

import base64
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseNotFound, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from articles.engagement import view_counts, voters, votes
from articles.models import Article
from newsroom import rate_limit, requester
from newsroom.cache_backend import shared_cache_down

VOTE_NEEDS_POST = gettext_lazy("Voting needs a POST request: please use the vote button on the article.")
VOTE_NEEDS_CONFIRMING = gettext_lazy("Please confirm your vote on the article page.")
SEEN_NEEDS_POST = gettext_lazy("This address only accepts POST requests from the article page.")
SEEN_IMAGE_NEEDS_GET = gettext_lazy("This address is an image on the article page: it only answers GET requests.")
# The smallest transparent GIF (1 by 1 pixel): what the no-JavaScript beacon answers.
TRANSPARENT_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _refusal(request, refusal: votes.VoteRefused):
    if requester.wants_json(request):
        response = JsonResponse({"error": str(refusal.message)}, status=refusal.status)
    else:
        context = {"message": refusal.message, "article": refusal.article}
        response = render(request, "articles/vote_refused.html", context, status=refusal.status)
    for name, value in refusal.headers.items():
        response[name] = value
    return response


def vote_message(outcome: votes.VoteOutcome) -> str:
    """What a reader without JavaScript reads after pressing the button."""
    if outcome.voted:
        text = _("Thanks — your vote is counted.") if outcome.changed else _("You have already voted for this article.")
    else:
        text = _("Your vote is withdrawn.") if outcome.changed else _("You had not voted for this article.")
    now_stands = _("%(label)s now stands at %(count)s.") % {
        "label": settings.NEWSROOM_VOTE_LABEL,
        "count": outcome.count,
    }
    return f"{text} {now_stands}"


def _has_valid_csrf_token(request) -> bool:
    """Django's own token check, for browsers that do not say where a request comes from."""
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is None


def _confirm(request, pk: int, action: str):
    """A request we cannot tell from a forgery: ask the reader to press once more, on a page with a token."""
    if requester.wants_json(request):
        return JsonResponse({"error": str(VOTE_NEEDS_CONFIRMING)}, status=403)
    article = Article.objects.published().filter(pk=pk).first()
    if article is None:
        return _refusal(request, votes.VoteRefused(votes.REFUSED_MISSING, 404))
    context = {"article": article, "action": action if action in votes.ACTIONS else "vote"}
    return render(request, "articles/vote_confirm.html", context)


@csrf_exempt  # checked below: same-origin by the browser's word, or Django's token
@never_cache
def vote(request, pk: int):
    """Parse, make sure the reader meant it, spend the client's budget (`vote_spend_budget`), then vote or
    withdraw.

    The button on a shared, cached page carries no token: browsers say the POST comes from our page
    (`Sec-Fetch-Site`/`Origin`), and one that cannot say so gets a confirmation page that carries a token.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"], content=VOTE_NEEDS_POST)
    action = request.POST.get("action") or "vote"
    if not (requester.is_same_origin(request) or _has_valid_csrf_token(request)):
        return _confirm(request, pk, action)
    try:
        allowed = votes.vote_spend_budget(request=request, article_id=pk, action=action)
    except votes.VoteRefused as refusal:
        return _refusal(request, refusal)

    article, new_id = allowed.article, None
    if action == "undo":
        outcome = votes.vote_remove(article=article, voter_key=voters.existing_voter_key(request))
    else:
        voter_key, new_id = voters.voter_key_or_new(request)
        outcome = votes.vote_add(article=article, voter_key=voter_key)
        allowed.repeat_costs_nothing(outcome)

    if requester.wants_json(request):
        response = JsonResponse({"votes": outcome.count, "voted": outcome.voted, "changed": outcome.changed})
    else:
        messages.success(request, vote_message(outcome))
        # See Other: the browser GETs the article as this reader sees it — their vote, the count just committed.
        response = redirect(voters.personal_article_url(article))
        response.status_code = 303
    if new_id:
        voters.set_voter_cookie(response, request, new_id)
    return response


def _counts_this_view(request) -> bool:
    """Readers on our own page count; bots, speculative loads, other sites' pages and staff (editors browsing
    signed in) never do. A browser that sends no Fetch Metadata is taken at its word (the budgets bound it)."""
    if requester.is_bot(request) or requester.is_prefetch(request):
        return False
    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        return False
    return not (request.user.is_authenticated and request.user.is_staff)


def _view_count(request, pk: int, *, reader_key: str, returning_as: str | None = None) -> bool:
    """Count this reader's view, within the client's daily budget on this article (`NEWSROOM_VIEW_ARTICLE_LIMIT`).

    Each reader counts once per window by `reader_key`, which a client can renew at will (a new User-Agent, no
    cookie); the budget, kept by address alone, is what bounds the views one client adds to one article.
    """
    budget = rate_limit.VIEWS_PER_ARTICLE.spend(request, per=str(pk))
    if budget.over:
        return False
    counted = view_counts.view_register(article_id=pk, reader_key=reader_key, returning_as=returning_as)
    if not counted:
        budget.give_back()  # a reader already counted in this window costs nothing
    return counted


@dataclass(frozen=True)
class Sighting:
    counted: bool  # this view was added
    flushed: bool  # the buffer went into the database meanwhile: the article row has the newest counts
    new_reader_id: str | None  # the reader had no cookie: the id to hand out, so they come back as themselves


def _sight(request, pk: int, *, reader_key: str | None) -> Sighting:
    """Count a reader's view (once per reader per article per window) and flush the buffer when due.

    A reader with no cookie yet is counted by address + User-Agent, and is handed a reader id that is marked as
    counted too: coming back with it, or voting with it, is no second view, and a client that keeps no cookie
    counts once, not on every page. Two readers on one address with the same browser count once each, as soon
    as each holds their own cookie.
    """
    if not _counts_this_view(request) or rate_limit.BEACONS.hit(request):
        return Sighting(counted=False, flushed=False, new_reader_id=None)
    new_id = None if reader_key else voters.new_anonymous_id()
    if new_id:
        counted = _view_count(request, pk, reader_key=requester.reader_fingerprint(request), returning_as=f"a:{new_id}")
    else:
        counted = _view_count(request, pk, reader_key=reader_key)
    written_through = counted and shared_cache_down(cache)  # Redis down: the view went into view_count
    flushed = view_counts.view_counts_flush_if_due() is not None or written_through
    return Sighting(counted=counted, flushed=flushed, new_reader_id=new_id)


def views_label(views: int) -> str:
    return ngettext("%(count)s view", "%(count)s views", views) % {"count": views}


@csrf_exempt  # carries no reader's authority: it can only add one deduplicated view, and returns public counts
@never_cache
def seen(request, pk: int):
    """The article page's beacon: count a view (once per reader per article per window), return live counts."""
    if request.method != "POST":
        return JsonResponse({"error": str(SEEN_NEEDS_POST)}, status=405, headers={"Allow": "POST"})
    counts = Article.objects.published().filter(pk=pk).values("vote_count", "view_count").first()
    if counts is None:
        return JsonResponse({"error": str(votes.REFUSED_MISSING)}, status=404)

    voter_key = voters.existing_voter_key(request)
    sighting = _sight(request, pk, reader_key=voter_key)
    if sighting.flushed:
        counts = Article.objects.filter(pk=pk).values("vote_count", "view_count").first() or counts
    views = counts["view_count"] + view_counts.view_counts_pending(article_id=pk)
    response = JsonResponse(
        {
            "views": views,
            "views_label": views_label(views),  # "1 view", "2 views": the page shows it as it comes
            "votes": counts["vote_count"],
            "voted": voters.vote_has(article_id=pk, voter_key=voter_key),
            "counted": sighting.counted,
            # A page from a shared cache carries someone else's CSRF token: the script swaps in this reader's.
            "csrf": get_token(request),
        }
    )
    if sighting.new_reader_id:
        voters.set_voter_cookie(response, request, sighting.new_reader_id)
    return response


@never_cache
def seen_image(request, pk: int):
    """The beacon of readers without JavaScript: a one-pixel image in the page's `<noscript>`, counted like the script's
    beacon (a browser running the script never loads it). Never stored by any cache, so each view asks again."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"], content=SEEN_IMAGE_NEEDS_GET)
    if not Article.objects.published().filter(pk=pk).exists():
        return HttpResponseNotFound(votes.REFUSED_MISSING, content_type="text/plain; charset=utf-8")
    sighting = Sighting(counted=False, flushed=False, new_reader_id=None)
    if request.method == "GET":
        sighting = _sight(request, pk, reader_key=voters.existing_voter_key(request))
    response = HttpResponse(TRANSPARENT_GIF, content_type="image/gif")
    if sighting.new_reader_id:
        voters.set_voter_cookie(response, request, sighting.new_reader_id)
    return response
