"""Reads: the newsroom dashboard (the admin's index): what waits for me, what is mine, what goes out next, who is
editing what, what readers read, and what colleagues changed. Reads only; each list is bounded, and names only
stories this person may see (`articles.desk.visibility`): a writer, their own and what is live."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Exists, IntegerField, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone
from reversion.models import Version

from articles.desk.models import AUTOSAVE_COMMENT, EditLock, Review, StagedChange
from articles.desk.numbers import StorySeries, series_for
from articles.desk.visibility import articles_visible_to
from articles.engagement.ranking import rank_popular_articles
from articles.models import Article

LIST_LENGTH = 10
MOST_READ_WINDOWS = [("Last hour", timedelta(hours=1)), ("24 hours", timedelta(days=1)), ("7 days", timedelta(days=7))]


@dataclass
class Dashboard:
    is_editor: bool
    awaiting_review: list[Review] = field(default_factory=list)
    corrections: list[StagedChange] = field(default_factory=list)
    my_drafts: list[Article] = field(default_factory=list)
    changes_requested: list[Review] = field(default_factory=list)
    scheduled: list[Article] = field(default_factory=list)
    being_edited: list[EditLock] = field(default_factory=list)
    # Each window's stories, each with its views by hour since publication (the story form's chart, small).
    most_read: list[tuple[str, list[tuple[Article, StorySeries | None]]]] = field(default_factory=list)
    latest_changes: list[Version] = field(default_factory=list)


def dashboard_for(*, user) -> Dashboard:
    now = timezone.now()
    board = Dashboard(is_editor=user.has_perm("articles.publish_article"))
    visible = articles_visible_to(user)
    reviews = Review.objects.select_related("article", "submitted_by", "decided_by").filter(
        article__trashed_at__isnull=True
    )
    corrections = StagedChange.objects.select_related("article", "proposed_by").order_by("proposed_at")
    if board.is_editor:
        board.awaiting_review = list(
            reviews.filter(state=Review.State.IN_REVIEW).order_by("submitted_at")[:LIST_LENGTH]
        )
        board.corrections = list(corrections[:LIST_LENGTH])
    else:
        board.corrections = list(corrections.filter(proposed_by=user)[:LIST_LENGTH])
    board.changes_requested = list(
        reviews.filter(state=Review.State.CHANGES_REQUESTED, article__author=user).order_by("-decided_at")[:LIST_LENGTH]
    )
    board.my_drafts = list(
        Article.objects.drafts()
        .filter(author=user)
        .select_related("section", "review")
        .defer("body")
        .order_by("-updated_at")[:LIST_LENGTH]
    )
    board.scheduled = list(
        articles_visible_to(user, Article.objects.scheduled())
        .filter(published_at__lte=now + timedelta(hours=24))
        .select_related("section")
        .defer("body")
        .order_by("published_at")[:LIST_LENGTH]
    )
    board.being_edited = list(
        EditLock.objects.live()
        .exclude(user=user)
        .filter(article__in=visible)
        .select_related("user", "article")
        .order_by("since")[:LIST_LENGTH]
    )
    ranked = [(label, rank_popular_articles(window=window, limit=5)) for label, window in MOST_READ_WINDOWS]
    series = series_for({a.pk: a for _, articles in ranked for a in articles}.values(), now=now)  # one query
    board.most_read = [(label, [(a, series.get(a.pk)) for a in articles]) for label, articles in ranked]
    board.latest_changes = list(
        Version.objects.get_for_model(Article)
        .exclude(revision__user=user)
        .exclude(revision__comment=AUTOSAVE_COMMENT)
        # Reversion keeps ids as text: each candidate looks its article up by primary key (never the whole archive).
        .filter(Exists(visible.filter(pk=Cast(OuterRef("object_id"), IntegerField()))))
        .select_related("revision__user")
        .order_by("-pk")[:LIST_LENGTH]
    )
    return board
