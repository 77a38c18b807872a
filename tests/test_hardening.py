"""Issue 11 (hardening): odd input found by a security test answers sensibly, never a 500."""

import pytest
from django.contrib.auth.models import User
from taggit.models import Tag

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", [",", "!!!"])
def test_a_tag_whose_name_slugifies_to_nothing_gets_a_usable_slug(client, make_article, name):
    article = make_article(tags=[name])
    tag = Tag.objects.get(name=name)
    assert tag.slug.startswith("tag-")

    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert f'href="/tag/{tag.slug}/"' in page.content.decode()
    assert client.get(f"/tag/{tag.slug}/").status_code == 200
    assert client.get(f"/tag/{tag.slug}/feed/").status_code == 200


def test_two_such_tags_get_different_slugs(make_article):
    make_article(tags=["!!!", "???"])
    slugs = {tag.slug for tag in Tag.objects.all()}
    assert len(slugs) == 2
    assert all(slug.startswith("tag-") for slug in slugs)


def test_pages_showing_a_tag_stored_with_an_empty_slug_do_not_fail(client, make_article):
    article = make_article(tags=["budget"])
    Tag.objects.filter(name="budget").update(slug="")  # a tag stored before the fix
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))

    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert "budget" in page.content.decode()
    assert client.get(article.get_preview_url()).status_code == 200
