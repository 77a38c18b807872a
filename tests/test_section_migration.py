"""Migration 0006 renames Category to Section: articles keep their section, groups keep their permissions."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from articles.models import Article, Section

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0005_search_document")]


def test_rename_keeps_articles_in_their_sections_and_groups_their_permissions():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Category = old.get_model("articles", "Category")
    world = Category.objects.create(name="World", slug="world")
    Category.objects.create(name="Asia", slug="asia", parent=world)
    old.get_model("articles", "Article").objects.create(
        title="Kept", slug="kept", body="<p>x</p>", category=world, status="published", published_at=timezone.now()
    )
    desk = old.get_model("auth", "Group").objects.create(name="Desk")
    category_permissions = old.get_model("auth", "Permission").objects.filter(codename__endswith="_category")
    assert category_permissions.count() == 4
    desk.permissions.set(category_permissions)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Article.objects.get(slug="kept").section.slug == "world"
    assert Section.objects.get(slug="asia").parent.slug == "world"
    desk = set(Group.objects.get(name="Desk").permissions.values_list("codename", flat=True))
    assert desk == {"add_section", "change_section", "delete_section", "view_section"}
