from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.crypto import get_random_string
from django.views.decorators.http import require_POST

from articles import services
from articles.models import Article

VOTER_COOKIE = "voter"
VOTER_COOKIE_SALT = "articles.voter"
VOTER_COOKIE_MAX_AGE = 60 * 60 * 24 * 365 * 2


def voter_key_for(request) -> tuple[str, str | None]:
    """The voter's key, and a new anonymous id to set as a cookie when the reader has none yet."""
    if request.user.is_authenticated:
        return f"u:{request.user.pk}", None
    anonymous_id = request.get_signed_cookie(VOTER_COOKIE, default=None, salt=VOTER_COOKIE_SALT)
    if anonymous_id:
        return f"a:{anonymous_id}", None
    anonymous_id = get_random_string(32)
    return f"a:{anonymous_id}", anonymous_id


@require_POST
def vote(request, pk: int):
    article = get_object_or_404(Article.objects.published(), pk=pk)
    voter_key, new_id = voter_key_for(request)
    services.vote_add(article=article, voter_key=voter_key)
    messages.success(request, "Thanks — your vote is counted.")
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
