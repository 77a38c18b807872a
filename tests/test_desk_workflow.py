"""Review workflow: draft → in review → published, each step for the right role only; staged corrections."""

import pytest
from django.core import mail

from articles import publishing
from articles.desk import versions
from articles.desk.models import Review, StagedChange
from articles.models import Article
from tests.desk_helpers import CHANGE_URL

pytestmark = pytest.mark.django_db
URL = "/admin/articles/article/{pk}/{step}/"


@pytest.fixture
def draft(make_article, wanda):
    return make_article(title="Port strike ends", slug="port-strike-ends", status=Article.Status.DRAFT, author=wanda)


def step(client, article, name: str, **data):
    return client.post(URL.format(pk=article.pk, step=name), data, follow=True)


def test_submit_request_changes_resubmit_publish(client, wanda, eddie, draft, django_capture_on_commit_callbacks):
    client.force_login(wanda)
    page = client.get(CHANGE_URL.format(pk=draft.pk)).content.decode()
    assert "Submit for review" in page and "Request changes" not in page and 'id="publish-now"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = step(client, draft, "review/submit")
    assert "Submitted for review; the editors have been told." in response.content.decode()
    assert Review.objects.get(article=draft).state == Review.State.IN_REVIEW
    assert [(m.to, m.subject) for m in mail.outbox] == [(["eddie@example.com"], "For review: Port strike ends")]
    assert f"/admin/articles/article/{draft.pk}/change/" in mail.outbox[0].body

    client.force_login(eddie)
    page = client.get(CHANGE_URL.format(pk=draft.pk)).content.decode()
    assert "In review" in page and "submitted by Wanda" in page and "Request changes" in page
    with django_capture_on_commit_callbacks(execute=True):
        step(client, draft, "review/request-changes", note="Add the union's reaction.")
    assert mail.outbox[-1].to == ["wanda@example.com"] and "Add the union's reaction." in mail.outbox[-1].body

    client.force_login(wanda)
    page = client.get(CHANGE_URL.format(pk=draft.pk)).content.decode()
    assert "Changes requested" in page and "Add the union&#x27;s reaction." in page and "Resubmit for review" in page
    step(client, draft, "review/submit")
    assert Review.objects.get(article=draft).state == Review.State.IN_REVIEW

    client.force_login(eddie)
    assert "Published." in step(client, draft, "review/publish").content.decode()
    draft.refresh_from_db()
    assert draft.is_published and not Review.objects.filter(article=draft).exists()
    client.logout()
    assert "Port strike ends" in client.get(draft.get_absolute_url()).content.decode()


def test_crafted_posts_get_no_further_than_the_buttons(client, wanda, eddie, draft, make_article):
    client.force_login(wanda)
    step(client, draft, "review/submit")
    assert step(client, draft, "review/request-changes", note="x").status_code == 403
    assert step(client, draft, "review/publish").status_code == 403
    others = make_article(status=Article.Status.DRAFT, author=eddie)
    assert step(client, others, "review/submit").status_code == 404  # a colleague's draft is not there for her
    assert client.get(URL.format(pk=draft.pk, step="review/publish")).status_code == 405
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and Review.objects.get(article=draft).state == "in_review"

    client.force_login(eddie)
    response = step(client, draft, "review/request-changes", note="  ")
    assert "Tell the writer what to change." in response.content.decode()
    assert Review.objects.get(article=draft).state == "in_review"
    live = make_article()
    assert "Only a draft can be submitted" in step(client, live, "review/submit").content.decode()


def test_a_writers_correction_stays_invisible_to_readers_until_approved(
    client, wanda, eddie, make_article, django_capture_on_commit_callbacks
):
    story = make_article(title="Mayor opens brigde", slug="mayor-bridge", author=wanda, body="<p>On Munday.</p>")
    client.force_login(wanda)
    assert "Propose a correction" in client.get(CHANGE_URL.format(pk=story.pk)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            URL.format(pk=story.pk, step="correction"),
            {"title": "Mayor opens bridge", "summary": "", "body": "<p>On Monday.</p>", "note": "Typos."},
        )
    assert StagedChange.objects.filter(article=story).exists()
    assert mail.outbox[-1].subject == "Correction proposed: Mayor opens brigde"
    client.logout()
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Mayor opens brigde" in page and "On Munday." in page

    client.force_login(eddie)
    page = client.get(CHANGE_URL.format(pk=story.pk)).content.decode()
    assert "Correction waiting for an editor" in page and "<ins>bridge</ins>" in page
    preview = client.get(URL.format(pk=story.pk, step="correction/preview"))
    assert "On Monday." in preview.content.decode() and "no-store" in preview["Cache-Control"]
    client.force_login(wanda)
    assert step(client, story, "correction/approve").status_code == 403

    client.force_login(eddie)
    with django_capture_on_commit_callbacks(execute=True):  # cached pages are dropped after commit
        assert "it is live" in step(client, story, "correction/approve").content.decode()
    client.logout()
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Mayor opens bridge" in page and "On Monday." in page
    assert versions.versions_of(story)[0].comment == "Correction by wanda approved."
    assert not StagedChange.objects.exists()


def test_a_correction_written_on_an_older_text_is_not_approved_over_a_newer_one(client, wanda, eddie, make_article):
    story = make_article(title="Old", author=wanda)
    client.force_login(wanda)
    client.post(URL.format(pk=story.pk, step="correction"), {"title": "Fixed", "summary": "", "body": "<p>x</p>"})
    story.title = "Edited meanwhile"
    publishing.article_update(article=story, by=eddie)
    client.force_login(eddie)
    response = step(client, story, "correction/approve")
    assert "The story changed after this correction was written" in response.content.decode()
    story.refresh_from_db()
    assert story.title == "Edited meanwhile"


def test_a_writer_cannot_correct_someone_elses_story(client, wanda, eddie, make_article):
    story = make_article(author=eddie)
    client.force_login(wanda)
    assert client.get(URL.format(pk=story.pk, step="correction")).status_code == 403
    response = client.post(URL.format(pk=story.pk, step="correction"), {"title": "x", "body": "<p>x</p>"})
    assert response.status_code == 403
    assert not StagedChange.objects.exists()


def test_the_article_list_filters_by_review_state(client, wanda, eddie, draft, make_article):
    make_article(title="Not in review", status=Article.Status.DRAFT, author=wanda)
    client.force_login(wanda)
    step(client, draft, "review/submit")
    client.force_login(eddie)
    page = client.get("/admin/articles/article/?review=in_review").content.decode()
    assert "Port strike ends" in page and "Not in review" not in page
    assert client.get("/admin/articles/article/?review=changes_requested").status_code == 200
