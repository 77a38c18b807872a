"""Drafts stay private (issue 18): on every admin page that shows an article, a writer gets their own stories and
what readers can see now, and nothing else; an editor gets everything. A story a writer may not see answers as a
missing one does (404, or the admin's "doesn't exist" redirect) and its title appears nowhere."""

import copy
import json
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone
from django.utils.text import slugify

from articles import publishing
from articles.desk import versions
from articles.desk.models import StagedChange
from articles.models import Article, Section
from tests.builders import record_views
from tests.conftest import article_made, shared_by_module
from tests.desk_helpers import CHANGE_URL, staff

pytestmark = pytest.mark.django_db

ARTICLE_URL = "/admin/articles/article/{pk}/"
TITLES = {
    "wanda_draft": "Lighthouse draft by Wanda",
    "walt_draft": "Lighthouse draft by Walt",
    "walt_embargoed": "Lighthouse embargo by Walt",
    "walt_live": "Lighthouse live by Walt",
}
# Wanda and Walt write; Eddie edits. Each writer sees their own work (draft, embargoed, live) and what is live.
VISIBLE = {
    "wanda": {"wanda_draft", "walt_live"},
    "walt": {"walt_draft", "walt_embargoed", "walt_live"},
    "eddie": set(TITLES),
}
WHO = list(VISIBLE)


@shared_by_module
def newsroom_rows() -> dict:
    """The three people and the four stories, made once for the module (tests/conftest.py, `shared_by_module`)."""
    people = {
        "wanda": staff("wanda", "Writers", first_name="Wanda"),
        "walt": staff("walt", "Writers", first_name="Walt"),
        "eddie": staff("eddie", "Editors", first_name="Eddie"),
    }
    wanda, walt = people["wanda"], people["walt"]
    section, numbers = Section.objects.create(name="World", slug="world"), iter(range(1, 10))
    now = timezone.now()
    found = {
        "wanda_draft": article_made(section, next(numbers), status=Article.Status.DRAFT, author=wanda),
        "walt_draft": article_made(section, next(numbers), status=Article.Status.DRAFT, author=walt),
        "walt_embargoed": article_made(section, next(numbers), published_at=now + timedelta(hours=3), author=walt),
        "walt_live": article_made(section, next(numbers), published_at=now - timedelta(hours=1), author=walt),
    }  # the embargoed one goes live in the next 24 h
    for key, article in found.items():
        article.slug = slugify(TITLES[key])  # as the admin fills it in: the slug names the story too
    for key, article in found.items():  # a second version each (to compare), named for all to search
        article.title, article.summary = TITLES[key], "Lighthouse keepers at work."
        publishing.article_update(article=article, base_version=article.version)  # by a script: a writer's save
        assert article.status == ("draft" if "draft" in key else "published")  # would take the story back to draft
        record_views(article, 50)  # read a lot, if it were out
    client = Client()
    client.force_login(walt)
    client.get(CHANGE_URL.format(pk=found["walt_draft"].pk))  # Walt has his draft open: "being edited now"
    return {"people": people, "stories": found}


@pytest.fixture
def people(newsroom_rows) -> dict:
    return copy.deepcopy(newsroom_rows["people"])


@pytest.fixture
def stories(newsroom_rows) -> dict:
    return copy.deepcopy(newsroom_rows["stories"])


def shown(content: str) -> set[str]:
    return {key for key, title in TITLES.items() if title in content}


def signed_in(client, people, who: str):
    client.force_login(people[who])
    return client


# --- lists: the list, its search, the autocomplete, the dashboard ------------------------------------------


@pytest.mark.parametrize("who", WHO)
def test_the_article_list_shows_only_what_the_person_may_see(client, people, stories, who):
    response = signed_in(client, people, who).get("/admin/articles/article/")
    assert response.status_code == 200
    assert shown(response.content.decode()) == VISIBLE[who]
    assert f"{len(VISIBLE[who])} articles" in response.content.decode()


@pytest.mark.parametrize("who", WHO)
def test_the_list_search_finds_only_what_the_person_may_see(client, people, stories, who):
    client = signed_in(client, people, who)
    response = client.get("/admin/articles/article/", {"q": "Lighthouse"})
    assert response.status_code == 200
    assert shown(response.content.decode()) == VISIBLE[who]
    hidden_only = client.get("/admin/articles/article/", {"q": "embargo"}).content.decode()
    assert shown(hidden_only) == VISIBLE[who] & {"walt_embargoed"}


@pytest.mark.parametrize("who", WHO)
def test_the_autocomplete_offers_only_what_the_person_may_see(client, people, stories, who):
    # No form offers articles by autocomplete, but the endpoint answers for any foreign key to them (Vote.article).
    query = {"app_label": "engagement", "model_name": "vote", "field_name": "article", "term": "Lighthouse"}
    response = signed_in(client, people, who).get("/admin/autocomplete/", query)
    assert response.status_code == 200
    texts = [result["text"] for result in json.loads(response.content)["results"]]
    assert shown(" | ".join(texts)) == VISIBLE[who] and len(texts) == len(VISIBLE[who])


@pytest.mark.parametrize("who", WHO)
def test_the_dashboard_names_only_what_the_person_may_see(client, people, stories, who):
    # Being edited now (Walt's draft), scheduled in the next 24 h, most read, latest changes by others, my drafts.
    response = signed_in(client, people, who).get("/admin/")
    assert response.status_code == 200
    assert shown(response.content.decode()) == VISIBLE[who]


# --- one story's pages -----------------------------------------------------------------------------------


def story_pages(article: Article) -> dict[str, str]:
    newest, older = versions.versions_of(article)[:2]
    base = ARTICLE_URL.format(pk=article.pk)
    return {
        "change": f"{base}change/",
        "history": f"{base}history/",
        "compare": f"{base}history/compare/?from={older.pk}&to={newest.pk}",
        "correction": f"{base}correction/",
        "delete": f"{base}delete/",
    }


@pytest.mark.parametrize("page", ["change", "history", "compare", "correction", "delete"])
@pytest.mark.parametrize("who", WHO)
def test_a_story_page_opens_only_for_those_who_may_see_the_story(client, people, stories, who, page):
    client = signed_in(client, people, who)
    for key, article in stories.items():
        response = client.get(story_pages(article)[page])
        content = response.content.decode()
        if key not in VISIBLE[who]:
            assert TITLES[key] not in content, (key, page)
            if page in ("change", "delete"):  # as the admin answers for a missing article
                assert response.status_code == 302 and response.url == "/admin/", (key, page)
                after = client.get(response.url).content.decode()
                assert "exist. Perhaps it was deleted?" in after and TITLES[key] not in after
            else:
                assert response.status_code == 404, (key, page)
            continue
        may_correct = who == "eddie" or article.author == people[who]
        may_delete = who == "eddie" or (article.author == people[who] and article.status == Article.Status.DRAFT)
        refused = (page == "correction" and not may_correct) or (page == "delete" and not may_delete)
        assert response.status_code == (403 if refused else 200), (key, page)
        assert (TITLES[key] in content) is not refused, (key, page)


@pytest.mark.parametrize("who", WHO)
def test_the_desk_endpoints_answer_404_for_a_story_the_person_may_not_see(client, people, stories, who):
    client = signed_in(client, people, who)
    for key, article in stories.items():
        base = ARTICLE_URL.format(pk=article.pk)
        oldest = versions.versions_of(article)[-1]
        for step in [
            "lock/",
            "lock/take-over/",
            "autosave/",
            "autosave/discard/",
            "review/submit/",
            "review/publish/",
            "correction/approve/",
            f"history/{oldest.pk}/restore/",
        ]:
            response = client.post(base + step, {"title": "Changed"})
            assert (response.status_code == 404) is (key not in VISIBLE[who]), (key, step, response.status_code)
            # A story the person may see can be named (a restore on a live one asks first, by its title).
            assert key in VISIBLE[who] or TITLES[key] not in response.content.decode()
        preview = client.get(base + "correction/preview/")
        assert (preview.status_code == 404) is (key not in VISIBLE[who]), (key, preview.status_code)


@pytest.mark.parametrize("who", WHO)
def test_the_view_on_site_shortcut_names_only_what_the_person_may_see(client, people, stories, who):
    client = signed_in(client, people, who)
    article_type = ContentType.objects.get_for_model(Article).pk
    for key, article in stories.items():
        response = client.get(f"/admin/r/{article_type}/{article.pk}/")
        if key in VISIBLE[who]:
            assert response.status_code == 302 and response["Location"].endswith(f"/news/{article.slug}/"), key
        else:
            assert response.status_code == 404 and article.slug not in response.content.decode(), key
    assert client.get(f"/admin/r/{article_type}/nine/").status_code == 404
    user_type = ContentType.objects.get_for_model(people["eddie"]).pk
    assert client.get(f"/admin/r/{user_type}/{people['eddie'].pk}/").status_code == 404  # users have no page


@pytest.mark.parametrize(("who", "sees_correction"), [("wanda", False), ("walt", True), ("eddie", True)])
def test_a_colleagues_staged_correction_stays_theirs(client, people, stories, who, sees_correction):
    live = stories["walt_live"]
    StagedChange.objects.create(
        article=live, title="Lighthouse closes", summary="", body="<p>Closed.</p>", note="Closure confirmed.",
        base_version=live.version, proposed_by=people["walt"], proposed_at=timezone.now(),
    )  # fmt: skip
    page = signed_in(client, people, who).get(CHANGE_URL.format(pk=live.pk)).content.decode()
    assert TITLES["walt_live"] in page
    assert ("Correction waiting for an editor" in page) is sees_correction
    assert ("Closure confirmed." in page) is sees_correction
