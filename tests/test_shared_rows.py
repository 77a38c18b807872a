"""The suite's own promise (tests/conftest.py, `shared_by_module`): rows a module's tests share are made once, and
what one test changes, in the database or in its copy of the objects, is undone before the next."""

import copy

import pytest

from articles import publishing
from articles.models import Article, Section
from tests.conftest import article_made, shared_by_module

pytestmark = pytest.mark.django_db

MADE = []


@shared_by_module
def harbour_rows() -> Article:
    MADE.append(1)
    return article_made(Section.objects.create(name="Ports", slug="ports"), 1, title="Harbour reopens")


@pytest.fixture
def story(harbour_rows) -> Article:
    return copy.deepcopy(harbour_rows)


def test_a_test_changes_the_shared_story(story):
    story.title = "Harbour closes"
    publishing.article_update(article=story)
    Article.objects.create(title="Extra", slug="extra", section=story.section)

    assert Article.objects.get(pk=story.pk).title == "Harbour closes" and Article.objects.count() == 2


def test_the_next_finds_it_as_it_was_made_once(story):
    assert story.title == "Harbour reopens"
    assert list(Article.objects.values_list("title", flat=True)) == ["Harbour reopens"]
    assert MADE == [1]
