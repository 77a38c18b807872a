"""Migration articles 0020 moves the library, authors, engagement and the desk into apps of their own without
moving a row: every table keeps its rows, and a group's grant on a moved model still holds under the new label."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from articles.authors.models import Author
from articles.desk.models import EditLock, Review, StagedChange, TrashedArticle
from articles.engagement.models import PopularityBucket, Vote
from articles.media.models import Image
from articles.models import Article

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0019_author_profiles")]
MOVED = {
    "library": ["image"],
    "authors": ["author"],
    "engagement": ["vote", "popularitybucket"],
    "desk": ["editlock", "review", "stagedchange", "trashedarticle"],
}


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_the_moved_models_keep_their_rows_and_grants_under_their_new_labels():
    old = migrate(BEFORE)
    now = timezone.now()
    OldUser = old.get_model("auth", "User")
    writer = OldUser.objects.create(username="walt", is_staff=True)
    section = old.get_model("articles", "Section").objects.create(name="World", slug="world")
    image = old.get_model("articles", "Image").objects.create(file="library/2026/12/harbour.jpg", alt="A harbour")
    article = old.get_model("articles", "Article").objects.create(
        title="Harbour", slug="harbour", section=section, body="<p>x</p>", status="draft", hero=image, author=writer
    )
    old.get_model("articles", "Author").objects.create(user=writer, name="Walt", slug="walt", photo=image)
    old.get_model("articles", "Vote").objects.create(article=article, voter_key="a:reader")
    old.get_model("articles", "PopularityBucket").objects.create(article=article, period_start=now, views=7, votes=1)
    old.get_model("articles", "EditLock").objects.create(article=article, user=writer, since=now, heartbeat_at=now)
    old.get_model("articles", "Review").objects.create(article=article, state="in_review", submitted_at=now)
    old.get_model("articles", "StagedChange").objects.create(
        article=article, title="Harbour", body="<p>y</p>", base_version=1, proposed_at=now
    )
    old_writers, _ = old.get_model("auth", "Group").objects.get_or_create(name="Writers")
    old_permission = old.get_model("auth", "Permission").objects.get(
        content_type__app_label="articles", codename="view_image"
    )
    old_writers.permissions.add(old_permission)
    writer.groups.add(old_writers)

    migrate(latest())
    assert Image.objects.get().pk == image.pk and Article.objects.get().hero_id == image.pk
    assert Author.objects.get().photo_id == image.pk
    assert list(Vote.objects.values_list("article_id", "voter_key")) == [(article.pk, "a:reader")]
    assert list(PopularityBucket.objects.values_list("views", "votes")) == [(7, 1)]
    assert EditLock.objects.get().user_id == writer.pk
    assert Review.objects.get().state == "in_review" and StagedChange.objects.get().base_version == 1
    assert TrashedArticle.objects.get().pk == article.pk
    moved = Permission.objects.get(codename="view_image")
    assert moved.pk == old_permission.pk and moved.content_type.app_label == "library"
    assert Group.objects.get(name="Writers").permissions.filter(pk=moved.pk).exists()
    assert User.objects.get(pk=writer.pk).has_perm("library.view_image")
    moved_models = {(label, model) for label, models in MOVED.items() for model in models}
    labels = ContentType.objects.filter(model__in=[model for _, model in moved_models])
    assert set(labels.values_list("app_label", "model")) == moved_models

    back = migrate(BEFORE)
    assert back.get_model("articles", "Vote").objects.count() == 1
    assert back.get_model("auth", "Permission").objects.get(pk=moved.pk).content_type.app_label == "articles"
    migrate(latest())
