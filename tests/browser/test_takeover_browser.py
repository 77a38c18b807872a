"""A take-over in two real Chromium sessions: the first editor's open form hears it within seconds (its own
heartbeat, nothing forced), saving is off, "Copy my text" hands back what they typed, and a save sent anyway
is refused by the server with the text still in the form."""

import pytest
from django.contrib.auth.models import Group, Permission, User

from articles import publishing
from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "right-password-123"


def editor(username: str, first_name: str) -> User:
    # Transactional tests flush the tables between tests: the roles migration's group is made again here.
    group, created = Group.objects.get_or_create(name="Editors")
    if created:
        group.permissions.add(*Permission.objects.filter(content_type__app_label__in=["articles", "taggit"]))
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True, first_name=first_name)
    user.groups.add(group)
    return user


@pytest.fixture
def signed_in(browser, live_server):
    contexts = []

    def sign_in(username: str):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.goto("/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        return page

    yield sign_in
    for context in contexts:
        context.close()


@pytest.fixture
def story(section) -> Article:
    article = Article(title="Harbour reopens", slug="harbour-reopens", body="<p>Ships are back.</p>", section=section)
    return publishing.article_publish(article=publishing.article_create(article=article))


def test_the_first_editor_hears_of_the_take_over_cannot_save_and_keeps_their_text(signed_in, story, screenshot):
    editor("ana", "Ana"), editor("bo", "Bo")
    change_url = f"/admin/articles/article/{story.pk}/change/"
    ana = signed_in("ana")
    ana.goto(change_url)
    ana.fill("#id_title", "Harbour reopens after the storm")
    ana.locator(".ProseMirror[contenteditable=true]").first.click()
    ana.keyboard.press("Control+A")
    ana.keyboard.type("Ships are back after three days of storm.")

    bo = signed_in("bo")
    bo.goto(change_url)
    bo.click(".desk-take-over button")
    assert "You are editing this article now" in bo.locator(".messagelist").inner_text()

    # No beat forced: Ana's form checks in every 10 s on its own.
    ana.locator("#desk-lock-notice", has_text="they took over from you").wait_for(timeout=15_000)
    assert "Bo is editing since" in ana.locator("#desk-lock-notice").inner_text()
    assert ana.locator("input[name=_continue]").first.is_disabled()
    assert ana.locator("input[name=_save]").first.is_disabled()
    ana.click("#desk-copy-text")
    copied = ana.input_value("#desk-my-text")
    screenshot(ana, "desk-taken-over", full_page=False)
    assert "Harbour reopens after the storm" in copied and "three days of storm" in copied

    # A save sent anyway (no script, an old tab): the server refuses it and gives her text back.
    ana.evaluate("HTMLFormElement.prototype.submit.call(document.getElementById('article_form'))")
    ana.wait_for_load_state()
    assert "Not saved: Bo took over this article at" in ana.locator(".errorlist.nonfield").inner_text()
    assert ana.input_value("#id_title") == "Harbour reopens after the storm"
    assert "three days of storm" in ana.input_value("#id_body")
    story.refresh_from_db()
    assert (story.title, story.body) == ("Harbour reopens", "<p>Ships are back.</p>")
