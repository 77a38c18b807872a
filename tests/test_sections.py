import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from articles.models import Section
from articles.sections import main_sections
from newsroom.cache import SECTION_TREE_KEY

pytestmark = pytest.mark.django_db


def test_nested_section_path_and_label():
    world = Section.objects.create(name="World", slug="world")
    asia = Section.objects.create(name="Asia", slug="asia", parent=world)
    korea = Section.objects.create(name="Korea", slug="korea", parent=asia)
    assert [c.name for c in korea.path()] == ["World", "Asia", "Korea"]
    assert str(korea) == "World > Asia > Korea"


def test_admin_refuses_a_section_inside_its_own_subsection(client):
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))
    world = Section.objects.create(name="World", slug="world")
    asia = Section.objects.create(name="Asia", slug="asia", parent=world)

    response = client.post(
        f"/admin/articles/section/{world.pk}/change/",
        {"name": "World", "slug": "world", "parent": asia.pk, "position": 0, "description": ""},
    )

    assert response.status_code == 200
    assert "cannot be inside itself" in response.content.decode()
    world.refresh_from_db()
    assert world.parent is None


def test_section_tree_is_dropped_after_commit_not_before(django_capture_on_commit_callbacks):
    world = Section.objects.create(name="World", slug="world")
    assert [s.name for s in main_sections()] == ["World"]  # cached

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        world.name = "Globe"
        world.save()
        # Before commit another request could still read the old row: the cached tree must stay until then,
        # so what that request caches is dropped by the purge that follows the commit.
        assert cache.get(SECTION_TREE_KEY) is not None
    for callback in callbacks:
        callback()

    assert cache.get(SECTION_TREE_KEY) is None
    assert [s.name for s in main_sections()] == ["Globe"]


def test_the_tree_is_unpickled_once_per_process_and_follows_a_change(django_capture_on_commit_callbacks):
    from articles.sections import section_tree

    world = Section.objects.create(name="World", slug="world")
    first = section_tree()
    assert section_tree() is first  # the same cached bytes: the tree this process made of them

    with django_capture_on_commit_callbacks(execute=True):
        world.name = "Globe"
        world.save()

    assert section_tree() is not first
    assert [s.name for s in section_tree().values()] == ["Globe"]
    assert [s.name for s in first.values()] == ["World"]  # what an earlier request read is left as it was


def test_the_sitemap_leaves_the_kept_tree_unchanged(client):
    from articles.sections import section_tree

    Section.objects.create(name="World", slug="world")
    section_tree()
    assert client.get("/sitemap.xml").status_code == 200
    assert not any(hasattr(s, "sitemap_lastmod") for s in section_tree().values())
