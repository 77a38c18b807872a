import pytest
from django.contrib.auth.models import User

from articles.models import Section

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


def test_section_page_shows_breadcrumb_of_nested_path(client):
    world = Section.objects.create(name="World", slug="world")
    Section.objects.create(name="Asia", slug="asia", parent=world)
    page = client.get("/section/asia/").content.decode()
    assert 'href="/section/world/"' in page and "Asia" in page
