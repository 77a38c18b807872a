"""Writes with side effects. Each checks its input first, then does the write in one transaction."""

from django.db import IntegrityError, transaction
from django.db.models import F

from articles.models import Article, Vote


@transaction.atomic
def vote_add(*, article: Article, voter_key: str) -> int:
    """Record one vote by `voter_key`; a repeat is a no-op. Returns the committed vote count."""
    try:
        with transaction.atomic():  # savepoint: a duplicate must not poison the outer transaction
            Vote.objects.create(article=article, voter_key=voter_key)
    except IntegrityError:
        pass
    else:
        Article.objects.filter(pk=article.pk).update(vote_count=F("vote_count") + 1)
    return Article.objects.values_list("vote_count", flat=True).get(pk=article.pk)
