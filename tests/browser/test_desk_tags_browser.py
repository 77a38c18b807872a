"""Tags as chips in the real article form (Chromium): suggestions from existing tags as you type, most used
first and in any case, picked with the keyboard or the mouse, removed with their button; what is saved is what the chips
show. No CSP violation (the script is a static file)."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.conftest import editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tags_are_chips_with_suggestions_most_used_first(signed_in, make_article, screenshot):
    editor("ana", "Ana")
    make_article(title="Old rail story", tags=["UK"])
    for n in range(3):
        make_article(title=f"Budget {n}", tags=["United Kingdom"])
    for n in range(2):
        make_article(title=f"War {n}", tags=["Ukraine"])
    story = make_article(title="Storm reaches the harbour", tags=["Weather"])
    page = signed_in("ana")
    csp = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and csp.append(msg.text))

    page.goto(f"/admin/articles/article/{story.pk}/change/")
    chips = page.locator(".field-tags .tag-chip > span")
    expect(chips).to_have_text(["Weather"])
    assert page.locator("#id_tags").is_hidden()  # the comma field is still in the form, kept in step

    typing = page.locator("#id_tags_chips")
    typing.press_sequentially("u")
    options = page.get_by_role("listbox", name="Existing tags").get_by_role("option")
    expect(options).to_have_count(3)
    assert [o.split("\n")[0] for o in options.all_inner_texts()] == ["United Kingdom", "Ukraine", "UK"]
    expect(options.first).to_contain_text("3 stories")
    page.locator(".field-tags").scroll_into_view_if_needed()
    screenshot(page, "desk-tag-chips", full_page=False)
    typing.press("ArrowDown")
    typing.press("Enter")  # picks "United Kingdom", not the form's submit
    expect(chips).to_have_text(["Weather", "United Kingdom"])

    typing.press_sequentially("HARBOUR")  # a new tag, typed
    typing.press(",")
    typing.press_sequentially("ukr")
    options.filter(has_text="Ukraine").click()
    typing.press_sequentially("new york")
    typing.press("Enter")
    expect(chips).to_have_text(["Weather", "United Kingdom", "HARBOUR", "Ukraine", "new york"])
    page.get_by_role("button", name="Remove tag Weather").click()
    typing.press_sequentially("weath")
    expect(options).to_have_count(1)  # Weather is still a tag in use: offered back
    page.keyboard.press("Escape")
    typing.fill("")
    typing.press_sequentially("u")
    expect(options).to_have_count(1)  # the ones already chosen are not offered again: "UK" only
    typing.fill("")
    page.locator("input[name=_continue]").first.click()

    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    saved = sorted(Article.objects.get(pk=story.pk).tags.names())
    assert saved == ["HARBOUR", "Ukraine", "United Kingdom", "new york"]
    expect(chips).to_have_text(["HARBOUR", "Ukraine", "United Kingdom", "new york"])
    assert csp == []
