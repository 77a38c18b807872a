"""Two editors in two real Chromium sessions: edit locks, conflicts merged or refused, history and restore, trash."""

import pytest
from django.contrib.auth.models import Group, Permission, User

from articles import publishing
from articles.models import Article
from tests.browser.conftest import PASSWORD, editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def write_body(page, text: str) -> None:
    """Replace the body with one paragraph, typed into the editor as an editor would."""
    page.locator(".ProseMirror[contenteditable=true]").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


@pytest.fixture
def story(section) -> Article:
    article = Article(
        title="Harbor reopnes", slug="harbor-reopnes", body="<p>The harbour reopend today.</p>", section=section
    )
    return publishing.article_publish(article=publishing.article_create(article=article))


def save(page) -> None:
    page.locator("input[name=_continue]").first.click()


def test_two_editors_both_changes_are_kept_and_the_second_sees_who_is_editing(signed_in, story, screenshot):
    editor("ana", "Ana"), editor("bo", "Bo")
    change_url = f"/admin/articles/article/{story.pk}/change/"
    ana = signed_in("ana")
    ana.goto(change_url)
    bo = signed_in("bo")
    bo.goto(change_url)
    assert "Ana is editing since" in bo.locator("#desk-lock").inner_text()
    assert bo.locator(".desk-take-over button").is_visible()
    bo.goto("/admin/articles/article/")
    assert "Ana is editing since" in bo.locator("#result_list").inner_text()

    bo.goto(change_url)
    bo.fill("#id_title", "Harbor reopens")
    bo.fill("#id_slug", "harbor-reopens")
    save(bo)
    assert "changed successfully" in bo.locator(".messagelist").inner_text()

    write_body(ana, "The harbour reopened today.")  # her form was opened before Bo's save
    save(ana)
    merged = ana.locator(".messagelist").inner_text()
    screenshot(ana, "desk-merged")
    assert "kept theirs: Title (Bo" in merged and "Slug (Bo" in merged
    assert ana.input_value("#id_title") == "Harbor reopens"

    story.refresh_from_db()
    assert (story.title, story.slug, story.body) == (
        "Harbor reopens",
        "harbor-reopens",
        "<p>The harbour reopened today.</p>",
    )
    reader = bo.context.new_page()
    reader.goto("/news/harbor-reopens/")
    assert reader.locator("h1").inner_text() == "Harbor reopens"
    assert "reopened today" in reader.locator("article").inner_text()


def test_two_editors_on_the_same_headline_the_stale_save_is_refused_with_who_and_what(signed_in, story, screenshot):
    editor("ana", "Ana"), editor("bo", "Bo")
    change_url = f"/admin/articles/article/{story.pk}/change/"
    ana = signed_in("ana")
    ana.goto(change_url)
    bo = signed_in("bo")
    bo.goto(change_url)
    bo.fill("#id_title", "Harbour reopens")
    save(bo)
    version_after_bo = Article.objects.get(pk=story.pk).version

    ana.fill("#id_title", "Harbor reopens at last")
    save(ana)

    conflict = ana.locator("#edit-conflict")
    assert "Not saved: this article was changed after you opened it." in conflict.inner_text()
    screenshot(ana, "desk-conflict", full_page=False)
    assert "Harbour reopens" in conflict.inner_text() and "by Bo" in conflict.inner_text()
    story.refresh_from_db()
    assert story.title == "Harbour reopens"  # never a silent revert

    save(ana)  # she has seen Bo's title and keeps hers, knowingly
    assert "changed successfully" in ana.locator(".messagelist").inner_text()
    story.refresh_from_db()
    assert story.title == "Harbor reopens at last" and story.version == version_after_bo + 1


def test_an_editor_takes_over_and_the_first_one_is_told(signed_in, story):
    editor("ana", "Ana"), editor("bo", "Bo")
    change_url = f"/admin/articles/article/{story.pk}/change/"
    ana = signed_in("ana")
    ana.goto(change_url)
    bo = signed_in("bo")
    bo.goto(change_url)
    bo.click(".desk-take-over button")
    assert "You are editing this article now" in bo.locator(".messagelist").inner_text()

    # Ana's open form hears it at its next heartbeat (forced here rather than waiting 20 s).
    ana.evaluate("document.getElementById('desk-lock').dispatchEvent(new Event('desk:beat'))")
    ana.locator("#desk-lock-notice", has_text="Bo is editing since").wait_for(timeout=5000)
    assert ana.locator(".desk-take-over button").is_visible()


def test_restore_an_older_version_from_the_history_and_see_it_live(signed_in, story, screenshot):
    editor("ana", "Ana")
    good_title = story.title
    story.title, story.body = "Harbour closes", "<p>Wrong story pasted over the right one.</p>"
    publishing.article_update(article=story, base_version=story.version)
    ana = signed_in("ana")
    ana.goto(f"/admin/articles/article/{story.pk}/change/")
    ana.click("text=History")
    ana.wait_for_url("**/history/")
    rows = ana.locator("#versions tbody tr")
    rows.first.wait_for()
    assert rows.count() == 3 and "Title, body" in rows.first.inner_text()
    ana.locator("#compare-form button.default").click()  # the two newest are preselected
    ana.wait_for_url("**/history/compare/**")
    diff = ana.locator("#diff").inner_text()
    screenshot(ana, "desk-history-diff")
    assert "Harbor reopnes" in diff and "Harbour closes" in diff

    ana.go_back()
    ana.wait_for_url("**/history/")
    rows.nth(1).locator("button", has_text="Restore this version").click()
    ana.wait_for_url("**/restore/")  # a live story: asked first, with what readers would see change
    assert "This story is live" in ana.locator("#content-main").inner_text()
    ana.get_by_role("button", name="Restore it on the live story now").click()
    ana.wait_for_url("**/change/")

    assert "is now version 4" in ana.locator(".messagelist").inner_text()
    reader = ana.context.new_page()
    reader.goto(story.get_absolute_url())
    assert reader.locator("h1").inner_text() == good_title
    assert "reopend today" in reader.locator("article").inner_text()


def test_trash_and_restore_bring_back_tags_image_and_counts(signed_in, story, tmp_path):
    editor("ana", "Ana")
    story.tags.add("harbour", "weather")
    from tests.builders import library_image, png_bytes, record_votes

    story.hero = library_image(content=png_bytes(640, 400), name="bay.png", alt="Ships in the bay")
    publishing.article_update(article=story)
    record_votes(story, 3)
    ana = signed_in("ana")
    ana.goto(f"/admin/articles/article/{story.pk}/change/")
    ana.locator("a.deletelink").first.click()
    ana.click("input[value='Move to the trash']")
    said = ana.locator(".messagelist").inner_text()
    assert "was moved to the trash: an editor can restore it from there." in said and "deleted" not in said
    reader = ana.context.new_page()
    assert reader.goto(story.get_absolute_url()).status == 404

    ana.goto("/admin/desk/trashedarticle/")
    ana.check(f"input[name=_selected_action][value='{story.pk}']")
    ana.select_option("select[name=action]", "restore")
    ana.click("button[name=index]")
    assert "Restored 1 article(s)." in ana.locator(".messagelist").inner_text()

    reader.goto(story.get_absolute_url())
    assert reader.locator("h1").inner_text() == story.title
    assert reader.locator("img[alt='Ships in the bay']").is_visible()
    assert "(3)" in reader.locator(".vote-button, button", has_text="veryGood!").first.inner_text()
    assert {"harbour", "weather"} <= set(reader.locator("article, body").first.inner_text().split())


def writer(username: str, first_name: str, email: str) -> User:
    group, created = Group.objects.get_or_create(name="Writers")
    if created:
        codenames = ["add_article", "change_article", "delete_article", "view_article", "view_section", "view_tag"]
        group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    user = User.objects.create_user(username, email, PASSWORD, is_staff=True, first_name=first_name)
    user.groups.add(group)
    return user


def test_writer_submits_editor_is_told_requests_changes_writer_resubmits_editor_publishes(signed_in, section):
    from django.core import mail

    wanda = writer("wanda", "Wanda", "wanda@example.com")
    eddie = editor("eddie", "Eddie")
    eddie.email = "eddie@example.com"
    eddie.save()
    draft = publishing.article_create(
        article=Article(title="Ferry timetable", slug="ferry", body="<p>Boats leave at 9.</p>", section=section),
        by=wanda,
    )
    change_url = f"/admin/articles/article/{draft.pk}/change/"
    w = signed_in("wanda")
    w.goto(change_url)
    w.click("#submit-for-review")
    assert "the editors have been told" in w.locator(".messagelist").inner_text()
    assert [m.to for m in mail.outbox] == [["eddie@example.com"]] and "Ferry timetable" in mail.outbox[0].subject

    e = signed_in("eddie")
    e.goto(change_url)
    assert "In review" in e.locator("#workflow").inner_text()
    e.fill("#review-note-input", "Which port? Add the summer times.")
    e.click("#request-changes")
    assert "Sent back to the writer" in e.locator(".messagelist").inner_text()
    assert mail.outbox[-1].to == ["wanda@example.com"]

    w.goto(change_url)
    assert "Which port? Add the summer times." in w.locator("#review-note").inner_text()
    write_body(w, "Boats leave Busan at 9, and at 8 in summer.")
    save(w)
    w.click("#submit-for-review")
    assert "Resubmit" not in w.locator("#workflow").inner_text()

    e.goto(change_url)
    e.click("#publish-now")
    assert "Published." in e.locator(".messagelist").inner_text()
    reader = e.context.new_page()
    reader.goto("/news/ferry/")
    assert "Boats leave Busan at 9" in reader.locator("article").inner_text()


def test_a_writers_correction_to_a_live_story_is_invisible_until_an_editor_approves_it(signed_in, section):
    wanda = writer("wanda", "Wanda", "wanda@example.com")
    editor("eddie", "Eddie")
    story = publishing.article_publish(
        article=Article(
            title="Mayor opens brigde", slug="bridge", body="<p>On Munday.</p>", section=section, author=wanda
        )
    )
    w = signed_in("wanda")
    w.goto(f"/admin/articles/article/{story.pk}/change/")
    w.click("#propose-correction")
    w.fill("#id_title", "Mayor opens bridge")
    w.locator("#correction-form .ProseMirror[contenteditable=true]").click()  # the article form's rich editor
    w.keyboard.press("Control+a")
    w.keyboard.type("On Monday.")
    w.click("#correction-form input[type=submit]")
    assert "readers see the published text" in w.locator(".messagelist").inner_text()

    def read_as_a_reader() -> tuple[str, str]:
        """A fresh anonymous browser (no HTTP cache of its own)."""
        reader = w.context.browser.new_page(base_url=w.url.split("/admin/")[0])
        reader.goto("/news/bridge/")
        seen = reader.locator("h1").inner_text(), reader.locator("article").inner_text()
        reader.close()
        return seen

    assert read_as_a_reader()[0] == "Mayor opens brigde"

    e = signed_in("eddie")
    e.goto(f"/admin/articles/article/{story.pk}/change/")
    assert "Correction waiting for an editor" in e.locator("#staged-correction").inner_text()
    e.click("#approve-correction")
    assert "it is live" in e.locator(".messagelist").inner_text()
    title, text = read_as_a_reader()
    assert title == "Mayor opens bridge" and "On Monday." in text


def test_the_dashboard_is_the_admin_index(signed_in, section, screenshot):
    from datetime import timedelta

    from django.utils import timezone

    from articles.desk import workflow
    from tests.builders import record_views

    wanda = writer("wanda", "Wanda", "wanda@example.com")
    editor("eddie", "Eddie")
    now = timezone.now()
    for n, title in enumerate(["Harbour reopens after storm", "Ferry timetable changes", "Mayor opens bridge"]):
        story = publishing.article_publish(
            article=Article(title=title, slug=f"story-{n}", body="<p>x</p>", section=section, author=wanda),
            at=now - timedelta(hours=n + 1),
        )
        record_views(story, 100 - 30 * n, at=now - timedelta(minutes=20))
    draft = publishing.article_create(
        article=Article(title="Port strike ends", slug="port", body="<p>x</p>", section=section), by=wanda
    )
    workflow.review_submit(article=draft, by=wanda)
    publishing.article_publish(
        article=Article(title="Budget at noon", slug="budget", body="<p>x</p>", section=section),
        at=now + timedelta(hours=3),
    )
    csp_violations = []
    e = signed_in("eddie")
    e.on("console", lambda msg: "Content Security Policy" in msg.text and csp_violations.append(msg.text))
    e.goto("/admin/")
    assert "Port strike ends" in e.locator("#awaiting-review").inner_text()
    assert "Budget at noon" in e.locator("#scheduled").inner_text()
    assert "Harbour reopens after storm" in e.locator("#most-read").inner_text()
    e.locator("#awaiting-review a", has_text="Port strike ends").click()
    e.wait_for_url(f"**/{draft.pk}/change/")
    e.go_back()
    screenshot(e, "desk-dashboard")
    assert csp_violations == []


def test_autosave_survives_closing_the_tab_and_leaving_with_changes_asks_first(signed_in, story):
    editor("ana", "Ana")
    change_url = f"/admin/articles/article/{story.pk}/change/"
    ana = signed_in("ana")
    ana.goto(change_url)
    write_body(ana, "A long paragraph written before the laptop died.")
    ana.locator("#autosave-status").dispatch_event("desk:autosave")  # rather than waiting 30 s
    ana.locator("#autosave-status", has_text="Autosaved at").wait_for(timeout=5000)
    story.refresh_from_db()
    assert "laptop" not in story.body and story.is_published  # an autosave writes and publishes nothing

    context = ana.context
    with ana.expect_event("dialog") as asked:
        ana.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.accept()

    again = context.new_page()
    again.goto(change_url)
    assert "You have text autosaved at" in again.locator("#autosave-offer").inner_text()
    again.click("#restore-autosave")
    assert again.input_value("#id_body") == "<p>A long paragraph written before the laptop died.</p>"
    save(again)
    assert "changed successfully" in again.locator(".messagelist").inner_text()
    story.refresh_from_db()
    assert story.body == "<p>A long paragraph written before the laptop died.</p>"
