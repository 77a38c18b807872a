"""Corrections as newsrooms do them: the proposal form is the article form's editor, its diff says "(same)", and a
change an editor marks as a correction puts a note on the story — the page, the feeds (as an update) and the
JSON-LD's `dateModified` — with every cached copy of them dropped."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import formats, timezone

from articles.corrections.models import Correction
from articles.corrections.services import correction_note_add
from articles.desk.models import StagedChange
from articles.models import Article
from tests.desk_helpers import CHANGE_URL, change_form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_domain")]
URL = "/admin/articles/article/{pk}/{step}/"
ATOM = "{http://www.w3.org/2005/Atom}"


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def today() -> str:
    return formats.date_format(timezone.localtime(), "j F")


@pytest.fixture
def story(make_article, wanda):
    return make_article(
        title="Ferry crossing cut", slug="ferry-crossing-cut", author=wanda, summary="The crossing is shorter.",
        body="<p>The crossing takes 40 minutes.</p><p>Tickets are cheaper.</p>",
    )  # fmt: skip


def propose(client, story, **fields):
    data = {"title": story.title, "summary": story.summary, "body": story.body, "note": ""} | fields
    return client.post(URL.format(pk=story.pk, step="correction"), data, follow=True)


def test_an_approved_correction_marked_for_readers_reaches_the_page_feeds_and_json_ld(
    client, wanda, eddie, story, django_capture_on_commit_callbacks
):
    for url in (story.get_absolute_url(), "/feed/", "/atom/"):  # cached copies, all showing the old text
        assert client.get(url).status_code == 200
    client.force_login(wanda)
    propose(client, story, body="<p>The crossing takes 25 minutes.</p><p>Tickets are cheaper.</p>", note="40 → 25")
    client.force_login(eddie)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL.format(pk=story.pk, step="correction/approve"),
            {"is_correction": "on", "reader_note": "an earlier version said the crossing takes 40 minutes"},
            follow=True,
        )
    assert "Correction approved: it is live. Readers see the correction note." in response.content.decode()
    correction = Correction.objects.get(article=story)
    assert correction.by == eddie
    client.logout()

    page = client.get(story.get_absolute_url()).content.decode()
    note = f"Correction, {today()}: an earlier version said the crossing takes 40 minutes"
    assert "25 minutes" in page
    body = page.split("</head>")[1]
    assert re.sub(r"<[^>]+>", "", body).count(note) == 1  # the reader reads it once, under the story
    data = json_ld(page)
    assert data["dateModified"] == correction.made_at.isoformat()
    assert data["correction"] == [
        {"@type": "CorrectionComment", "text": note, "datePublished": correction.made_at.isoformat()}
    ]

    item = ET.fromstring(client.get("/feed/").content).find("channel/item")
    assert item.findtext("title") == "Ferry crossing cut"
    assert item.findtext("description") == f"<p>The crossing is shorter.</p><p>{note}</p>"
    assert item.findtext(f"{ATOM}updated") == correction.made_at.isoformat()
    entry = ET.fromstring(client.get("/atom/").content).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}updated") == correction.made_at.isoformat()
    assert note in entry.findtext(f"{ATOM}summary")


def test_an_approval_not_marked_as_a_correction_tells_readers_nothing(client, wanda, eddie, story):
    client.force_login(wanda)
    propose(client, story, title="Ferry crossing cut short")
    client.force_login(eddie)
    client.post(URL.format(pk=story.pk, step="correction/approve"), {"reader_note": "ignored: not ticked"})
    client.logout()
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Ferry crossing cut short" in page and "Correction," not in page and not Correction.objects.exists()
    item = ET.fromstring(client.get("/feed/").content).find("channel/item")
    assert item.findtext("description") == "The crossing is shorter." and item.find(f"{ATOM}updated") is None


def test_a_correction_ticked_without_a_note_is_refused_and_nothing_goes_live(client, wanda, eddie, story):
    client.force_login(wanda)
    propose(client, story, title="Ferry crossing cut short")
    client.force_login(eddie)
    response = client.post(
        URL.format(pk=story.pk, step="correction/approve"), {"is_correction": "on", "reader_note": "  "}, follow=True
    )
    assert "Not done — Say what the correction fixes, for readers" in response.content.decode()
    story.refresh_from_db()
    assert story.title == "Ferry crossing cut" and StagedChange.objects.filter(article=story).exists()
    assert not Correction.objects.exists()


def test_an_editor_marks_their_own_save_of_a_live_story_as_a_correction(
    client, eddie, story, django_capture_on_commit_callbacks
):
    assert "40 minutes" in client.get(story.get_absolute_url()).content.decode()  # a cached copy
    client.force_login(eddie)
    assert "Tell readers" in client.get(CHANGE_URL.format(pk=story.pk)).content.decode()
    body = "<p>The crossing takes 25 minutes.</p><p>Tickets are cheaper.</p>"
    refused = client.post(
        CHANGE_URL.format(pk=story.pk), change_form_data(client, story, body=body, is_correction="on", reader_note="")
    )
    assert "Say what the correction fixes, for readers" in refused.content.decode()
    story.refresh_from_db()
    assert "40 minutes" in story.body and not Correction.objects.exists()

    data = change_form_data(client, story, body=body, is_correction="on", reader_note="an earlier version said 40")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(CHANGE_URL.format(pk=story.pk), data).status_code == 302
    client.logout()
    page = client.get(story.get_absolute_url()).content.decode()
    text = re.sub(r"<[^>]+>", "", page.split("</head>")[1])
    assert "25 minutes" in text and f"Correction, {today()}: an earlier version said 40" in text


def test_a_plain_save_or_a_writer_or_a_draft_gets_no_correction_note(client, eddie, wanda, story, make_article):
    client.force_login(eddie)
    data = change_form_data(client, story, title="Ferry crossing cut again")
    assert client.post(CHANGE_URL.format(pk=story.pk), data).status_code == 302
    draft = make_article(status=Article.Status.DRAFT, author=wanda)
    assert "Tell readers" not in client.get(CHANGE_URL.format(pk=draft.pk)).content.decode()
    crafted = change_form_data(client, draft, is_correction="on", reader_note="sneaked in")
    assert "Only an editor saving a live story" in client.post(CHANGE_URL.format(pk=draft.pk), crafted).content.decode()
    client.force_login(wanda)
    assert "Tell readers" not in client.get(CHANGE_URL.format(pk=draft.pk)).content.decode()
    assert not Correction.objects.exists()


def test_the_note_is_dated_in_the_sites_time_zone(client, settings, make_article):
    settings.TIME_ZONE = "America/New_York"
    year = timezone.now().year
    story = make_article(published_at=datetime.datetime(year, 3, 1, tzinfo=datetime.UTC))
    correction_note_add(
        article=story,
        note="an earlier version said 40 minutes",
        at=datetime.datetime(year, 3, 5, 2, tzinfo=datetime.UTC),
    )
    page = client.get(story.get_absolute_url()).content.decode()
    # 21:00 on the 4th in New York
    assert re.search(rf'Correction, <time datetime="{year}-03-0[45]T[0-9:]+[-+Z0-9:]*">4 March</time>:', page)


def test_the_proposal_form_is_the_article_forms_editor_with_its_allowlist(client, wanda, eddie, story):
    client.force_login(wanda)
    page = client.get(URL.format(pk=story.pk, step="correction")).content.decode()
    assert "data-django-prose-editor" in page and "editor/body-tools.js" in page
    assert re.search(r'<script type="importmap" nonce="[^"]+">', page)  # the CSP lets the editor's modules load
    response = propose(
        client,
        story,
        title="Ferry crossing cut short",
        body=story.body + '<p onclick="x()">More.</p><script>x()</script>',
    )
    assert "Body — removed:" in response.content.decode()
    staged = StagedChange.objects.get(article=story)
    assert "<script" not in staged.body and "onclick" not in staged.body and "<p>More.</p>" in staged.body

    client.force_login(eddie)
    page = client.get(CHANGE_URL.format(pk=story.pk)).content.decode()
    diff = page.split('id="staged-diff"')[1].split("</table>")[0]
    assert re.search(r"Summary <small>\(same\)</small>", diff) and "Body <small>" not in diff
    assert "Title <small>" not in diff and "<ins>cut short</ins>" in diff


def test_a_body_sent_back_in_the_editors_own_spelling_is_the_same_body(client, wanda, eddie, make_article):
    story = make_article(author=wanda, body="<ul><li>Ferries</li><li>Buses</li></ul>")
    client.force_login(wanda)
    propose(client, story, title="New headline", body="<ul><li><p>Ferries</p></li><li><p>Buses</p></li></ul>")
    assert StagedChange.objects.get(article=story).body == story.body
    client.force_login(eddie)
    assert "Body <small>(same)</small>" in client.get(CHANGE_URL.format(pk=story.pk)).content.decode()
