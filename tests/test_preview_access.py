"""Previews show a story before readers can see it: editors any story, a writer only their own (issue 11)."""

import pytest
from django.utils import timezone

from articles.desk.models import StagedChange
from articles.models import Article
from tests.desk_helpers import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return {
        "wanda": staff("wanda", "Writers"),
        "walt": staff("walt", "Writers"),
        "eddie": staff("eddie", "Editors"),
    }


@pytest.fixture
def stories(make_article, people):
    wanda = people["wanda"]
    return {
        "draft": make_article(title="Wanda's draft", body="<p>Draft words.</p>", status=Article.Status.DRAFT,
                              author=wanda),
        "embargoed": make_article(title="Embargoed results", body="<p>Embargoed words.</p>", author=wanda,
                                  published_at=timezone.now() + timezone.timedelta(days=1)),
    }  # fmt: skip


@pytest.mark.parametrize("story", ["draft", "embargoed"])
@pytest.mark.parametrize(("who", "status"), [("wanda", 200), ("eddie", 200), ("walt", 404)])
def test_a_preview_is_for_the_stories_author_and_editors_only(client, people, stories, story, who, status):
    client.force_login(people[who])
    response = client.get(stories[story].get_preview_url())
    assert response.status_code == status
    words = "Draft words." if story == "draft" else "Embargoed words."
    assert (words in response.content.decode()) is (status == 200)


def test_a_staff_user_without_article_permissions_sees_no_preview(client, stories):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("sam", password="pw-for-tests-only", is_staff=True))
    assert client.get(stories["draft"].get_preview_url()).status_code == 404


def test_a_staged_correction_is_previewed_by_its_writer_and_editors_only(client, people, make_article):
    story = make_article(title="Mayor opens brigde", author=people["wanda"], body="<p>On Munday.</p>")
    StagedChange.objects.create(
        article=story, title="Mayor opens bridge", summary="", body="<p>Fixed Monday.</p>",
        base_version=story.version, proposed_by=people["wanda"], proposed_at=timezone.now(),
    )  # fmt: skip
    url = f"/admin/articles/article/{story.pk}/correction/preview/"
    for who, status in [("walt", 403), ("wanda", 200), ("eddie", 200)]:
        client.force_login(people[who])
        response = client.get(url)
        assert response.status_code == status, who
        assert ("Fixed Monday." in response.content.decode()) is (status == 200)
