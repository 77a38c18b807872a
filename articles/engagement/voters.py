"""Reads: who is reading and voting — `u:<user id>` for signed-in readers, else `a:<random id>` from one signed,
HttpOnly cookie — and whether they have voted.

One reader, one identity: the cookie is set by whichever comes first, the view beacon or a vote, so a vote
never makes its reader someone new (who would be counted as a second view). It keeps the name `voter` it had
when only votes set it, so readers who voted before keep their votes.
"""

from django.utils.crypto import get_random_string

from articles.engagement.models import Vote

VOTER_COOKIE = "voter"
VOTER_COOKIE_SALT = "articles.voter"
VOTER_COOKIE_MAX_AGE = 60 * 60 * 24 * 365 * 2
# `?my-vote`: the article as one reader sees it after voting without JavaScript (`personal_article_url`).
MY_VOTE_PARAMETER = "my-vote"


def user_voter_key(user) -> str | None:
    """A signed-in reader's key (their pages are never cached, so they can show their own vote)."""
    return f"u:{user.pk}" if user.is_authenticated else None


def existing_voter_key(request) -> str | None:
    """The reader's key, or None for an anonymous reader with no cookie yet (or a tampered one)."""
    anonymous_id = request.get_signed_cookie(VOTER_COOKIE, default=None, salt=VOTER_COOKIE_SALT)
    return user_voter_key(request.user) or (f"a:{anonymous_id}" if anonymous_id else None)


def voter_key_or_new(request) -> tuple[str, str | None]:
    """The reader's key, and a new anonymous id to set as a cookie when the reader has none yet."""
    existing = existing_voter_key(request)
    if existing:
        return existing, None
    anonymous_id = new_anonymous_id()
    return f"a:{anonymous_id}", anonymous_id


def new_anonymous_id() -> str:
    return get_random_string(32)


def set_voter_cookie(response, request, anonymous_id: str) -> None:
    response.set_signed_cookie(
        VOTER_COOKIE,
        anonymous_id,
        salt=VOTER_COOKIE_SALT,
        max_age=VOTER_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def personal_article_url(article) -> str:
    """Where a vote without JavaScript leads: the article with this reader's vote pressed and the live count.

    Its own address, never cached, so the shared copy of the article stays the same bytes for every reader
    (and a browser's cached copy of it, showing the count before the vote, is not what the reader lands on).
    """
    return f"{article.get_absolute_url()}?{MY_VOTE_PARAMETER}"


def vote_has(*, article_id: int, voter_key: str | None) -> bool:
    if not voter_key:
        return False
    return Vote.objects.filter(article_id=article_id, voter_key=voter_key).exists()
