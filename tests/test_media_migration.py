"""Migrations 0008-0010 move every hero image into the media library without loss, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0007_ranking_pinned_index")]
AFTER = [("articles", "0010_remove_article_hero_fields")]
HERO = {"hero_width": 1280, "hero_height": 720, "hero_credit": "Photo: AP"}


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_hero_images_move_into_the_library_without_loss_and_back():
    old = migrate(BEFORE)
    section = old.get_model("articles", "Section").objects.create(name="World", slug="world")
    Article = old.get_model("articles", "Article")
    common = {"section": section, "body": "<p>x</p>", "status": "published", "published_at": timezone.now()}
    shared = {"hero_image": "heroes/2026/11/harbour.jpg", "hero_alt": "A harbour", "hero_caption": "Dawn.", **HERO}
    first = Article.objects.create(title="One", slug="one", **common, **shared)
    second = Article.objects.create(title="Two", slug="two", **common, **shared)
    third = Article.objects.create(title="Three", slug="three", **common, **{**shared, "hero_caption": "Dusk."})
    plain = Article.objects.create(title="Plain", slug="plain", **common)
    old.get_model("auth", "Group").objects.get_or_create(name="Writers")  # earlier transactional tests flush it

    new = migrate(AFTER)
    heroes = dict(new.get_model("articles", "Article").objects.values_list("slug", "hero_id"))
    Image = new.get_model("articles", "Image")
    library = {i.pk: i for i in Image.objects.all()}
    assert heroes["one"] == heroes["two"] != heroes["three"] and heroes["plain"] is None
    assert len(library) == 2  # same file and words: one image; the same file described differently: another
    kept = library[heroes["one"]]
    assert (kept.file.name, kept.alt, kept.caption, kept.credit, kept.width, kept.height) == (
        "heroes/2026/11/harbour.jpg", "A harbour", "Dawn.", "Photo: AP", 1280, 720,
    )  # fmt: skip
    assert library[heroes["three"]].caption == "Dusk."
    writers = new.get_model("auth", "Group").objects.get(name="Writers")
    assert writers.permissions.filter(codename="view_image").exists()

    back = migrate(BEFORE)
    restored = {a.slug: a for a in back.get_model("articles", "Article").objects.all()}
    for article in (first, second, third, plain):
        again = restored[article.slug]
        fields = ["hero_image", "hero_alt", "hero_caption", "hero_credit", "hero_width", "hero_height"]
        assert [getattr(again, f) for f in fields] == [getattr(article, f) for f in fields]
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_body_uses_are_filled_from_the_stored_bodies():
    """library 0002: every picture a stored body shows becomes a use row (a deleted one is left out), once."""
    old = migrate([("library", "0001_initial")])
    section = old.get_model("articles", "Section").objects.create(name="World", slug="world")
    Image = old.get_model("library", "Image")
    boats, cranes = (Image.objects.create(file=f"library/{n}.jpg", alt=n) for n in ("boats", "cranes"))
    figure = '<figure class="figure" data-image="{}" data-size="wide"><img src="x.jpg" alt="a"></figure>'
    old.get_model("articles", "Article").objects.create(
        title="Fleet", slug="fleet", section=section,
        body=figure.format(boats.pk) + figure.format(cranes.pk) + figure.format(boats.pk) + figure.format(9999),
    )  # fmt: skip
    old.get_model("articles", "Article").objects.create(title="Plain", slug="plain", section=section, body="<p>x</p>")

    new = migrate([("library", "0002_body_use")])
    uses = new.get_model("library", "BodyUse").objects.values_list("article__slug", "image__alt")
    assert sorted(uses) == [("fleet", "boats"), ("fleet", "cranes")]
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
