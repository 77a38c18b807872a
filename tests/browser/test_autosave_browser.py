"""Nothing typed is lost before the first save: a new article's text survives a killed browser (the browser's
own copy), and its first autosave makes it a draft while the writer goes on typing."""

import re

import pytest
from django.contrib.auth.models import Group

from articles.models import Article, Section
from tests.browser.conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ADD_URL = "/admin/articles/article/add/"


def writer(username: str, first_name: str):
    """A writer as the roles migration makes them (transactional tests flush the groups' permissions)."""
    from django.contrib.auth.models import Permission, User

    group, created = Group.objects.get_or_create(name="Writers")
    if created:
        wanted = ["add_article", "change_article", "view_article", "delete_article", "view_section"]
        group.permissions.add(*Permission.objects.filter(codename__in=wanted))
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True, first_name=first_name)
    user.groups.add(group)
    return user


def open_context(browser, live_server, storage_state=None):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url, storage_state=storage_state
    )
    return context


def choose_section(page, name: str) -> None:
    page.click("#id_section + .select2 .select2-selection")  # the section picker is an autocomplete
    page.fill(".select2-search__field", name[:3])
    page.click(f".select2-results__option:has-text('{name}')")


def type_body(page, text: str) -> None:
    page.locator(".ProseMirror[contenteditable=true]").first.click()
    page.keyboard.type(text)


def test_a_killed_browser_mid_typing_on_a_never_saved_article_gets_its_text_back(browser, live_server):
    writer("wanda", "Wanda")
    Section.objects.create(name="World", slug="world")
    first = open_context(browser, live_server)
    page = first.new_page()
    sign_in(page.context, "wanda", live_server.url)
    page.goto(ADD_URL)
    page.fill("#id_title", "Ferry strike ends")
    type_body(page, "Talks went on through the night at the port authority")

    # The kill: what the browser holds on disk the moment typing stops (cookies, this site's storage), with no
    # unload or pagehide handler run, then the whole browser context gone. The server's first autosave (30 s)
    # never ran: the text can only come back from the browser's own copy.
    on_disk = first.storage_state()
    first.close()
    assert not Article.objects.exists()

    again = open_context(browser, live_server, storage_state=on_disk)
    page = again.new_page()
    page.goto(ADD_URL)
    offer = page.locator("#local-copy-offer")
    offer.wait_for(state="visible", timeout=5000)
    assert re.search(r"Restore the text you typed at \d\d:\d\d\?", offer.inner_text())
    page.click("#restore-local-copy")
    assert page.input_value("#id_title") == "Ferry strike ends"
    assert page.input_value("#id_body") == "<p>Talks went on through the night at the port authority</p>"
    choose_section(page, "World")
    page.locator("input[name=_continue]").first.click()
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    story = Article.objects.get()
    assert story.body == "<p>Talks went on through the night at the port authority</p>"

    # Saved for real: the browser forgets its copy (once the page's scripts ran), and a new form offers nothing.
    page.wait_for_load_state("load")
    kept = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('newsroom:desk:'))")
    assert kept == []
    page.goto(ADD_URL)
    page.locator(".ProseMirror[contenteditable=true]").wait_for()
    assert page.locator("#local-copy-offer").is_hidden()
    again.close()


def test_the_first_autosave_makes_a_new_article_a_draft_and_the_form_goes_on_as_its_change_form(browser, live_server):
    writer("wanda", "Wanda")
    world = Section.objects.create(name="World", slug="world")
    context = open_context(browser, live_server)
    page = context.new_page()
    sign_in(page.context, "wanda", live_server.url)
    page.goto(ADD_URL)
    page.fill("#id_title", "Harbour reopens")
    choose_section(page, "World")
    type_body(page, "The first ships came in at dawn.")
    page.locator("#autosave-status").dispatch_event("desk:autosave")  # rather than waiting 30 s
    page.locator("#autosave-status", has_text="as a draft").wait_for(timeout=5000)

    draft = Article.objects.get()
    assert (draft.status, draft.author.username, draft.section) == (Article.Status.DRAFT, "wanda", world)
    assert page.url.endswith(f"/admin/articles/article/{draft.pk}/change/")  # no reload: the same page goes on
    page.keyboard.type(" Then the ferries.")  # the caret stayed in the body
    page.locator("input[name=_continue]").first.click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    assert Article.objects.count() == 1
    draft.refresh_from_db()
    assert draft.body == "<p>The first ships came in at dawn. Then the ferries.</p>" and draft.version == 2
    assert draft.status == Article.Status.DRAFT and draft.author.username == "wanda"
    context.close()
