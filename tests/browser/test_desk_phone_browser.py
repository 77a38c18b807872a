"""The desk on a 375-px phone, as an editor: every desk page fits the screen's width (no sideways scroll), the
editor's toolbar and Save stay on screen down a long story, and the controls are big enough to tap (44 px)."""

import datetime

import pytest
from django.utils import timezone

from articles import publishing
from articles.desk import trash, versions, workflow
from articles.models import Article
from tests.browser.conftest import editor, sign_in
from tests.builders import library_image, record_views

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EDITORS_BUILT = """() => [...document.querySelectorAll("textarea[data-django-prose-editor-configurable]")]
    .every(area => area.closest(".prose-editor"))"""
TAP = 44  # px: the smallest control a thumb hits without a second try

LONG_BODY = "".join(
    f"<p>Paragraph {n} of a long report from the harbour, with a sentence or two that runs on and on so the "
    f"body fills several screens of a phone held upright in one hand.</p>"
    for n in range(1, 41)
)


@pytest.fixture
def newsroom(section):
    """A desk with something on every page: a long live story with an edit and a correction waiting, a draft
    in review, a scheduled story, a story in the trash, a picture in the library."""
    ana = editor("ana", "Ana")
    story = publishing.article_create(
        article=Article(
            title="Harbour reopens after the storm that closed it for a week",
            slug="harbour-reopens",
            summary="Ships return to the bay.",
            body=LONG_BODY,
            section=section,
        ),
        by=ana,
    )
    story = publishing.article_publish(article=story, by=ana)
    story.summary = "Ships and ferries return to the bay."
    story = publishing.article_update(article=story, by=ana, base_version=story.version)
    workflow.correction_propose(
        article=story, by=ana, title=story.title, summary=story.summary, body=LONG_BODY + "<p>Corrected.</p>"
    )
    record_views(story, 12)
    draft = publishing.article_create(
        article=Article(title="Port strike ends", slug="port-strike-ends", body="<p>Talks.</p>", section=section),
        by=ana,
    )
    workflow.review_submit(article=draft, by=ana)
    publishing.article_schedule(
        article=publishing.article_create(
            article=Article(title="Budget at noon", slug="budget", body="<p>Numbers.</p>", section=section), by=ana
        ),
        at=timezone.now() + datetime.timedelta(hours=3),
        by=ana,
    )
    gone = publishing.article_create(
        article=Article(title="An old rumour", slug="old-rumour", body="<p>No.</p>", section=section), by=ana
    )
    trash.article_trash(article=gone, by=ana)
    picture = library_image(alt="Ships in the harbour at dawn", caption="The first ships back", credit="Ana")
    return {"story": story, "draft": draft, "picture": picture}


def sideways(page) -> int:
    """How many px the page is wider than the phone's screen (0: no sideways scroll). Measured against the
    screen's 375 px, not `innerWidth` alone: a phone browser widens its layout viewport to fit a page that
    overflows (431 px for the old dashboard), so `scrollWidth <= innerWidth` held even then."""
    return page.evaluate("Math.max(document.documentElement.scrollWidth, window.innerWidth) - screen.width")


def cut_off(page) -> list[str]:
    """Visible elements reaching past the screen's right edge, unless a box that scrolls sideways holds them (a
    wide table in its own scroller is read by swiping it; anything else past the edge is out of reach)."""
    return page.evaluate(
        """() => {
            const width = screen.width;
            const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
                const x = getComputedStyle(p).overflowX; if (x === "auto" || x === "scroll") return true; }
                return false; };
            return [...document.body.querySelectorAll("*")]
              .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
              .filter(el => el.getBoundingClientRect().right > width + 1 && !scrolls(el))
              .map(el => `${el.tagName.toLowerCase()}#${el.id}.${el.className} ${
                  Math.round(el.getBoundingClientRect().right)}`)
              .slice(0, 8);
        }"""
    )


def small_controls(page, selector: str) -> list[str]:
    """The visible controls matched by `selector` that are less than TAP px high or wide."""
    return page.evaluate(
        """([selector, tap]) => [...document.querySelectorAll(selector)]
            .filter(el => el.offsetParent !== null && el.getClientRects().length)
            .map(el => [el, el.getBoundingClientRect()])
            .filter(([el, box]) => box.height < tap || box.width < tap)
            .map(([el, box]) => `${el.tagName.toLowerCase()}#${el.id}.${el.className} "${(el.value || el.textContent
                || el.title || el.getAttribute("aria-label") || "").trim().slice(0, 30)}" ${Math.round(box.width)}x${
                Math.round(box.height)}`)""",
        [selector, TAP],
    )


def on_screen(page, selector: str) -> bool:
    """Is one of the elements matching `selector` wholly on the screen, and the top one at its middle?"""
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)].some(el => {
            const box = el.getBoundingClientRect();
            if (!box.height || box.top < 0 || box.bottom > window.innerHeight) return false;
            return el.contains(document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2));
        })""",
        selector,
    )


def test_every_desk_page_fits_a_phone_and_the_toolbar_and_save_stay_on_screen(
    phone_page, live_server, newsroom, screenshot
):
    page = phone_page
    story, draft, picture = newsroom["story"], newsroom["draft"], newsroom["picture"]
    sign_in(page.context, "ana", live_server.url)
    kept = versions.versions_of(story)
    pages = {
        "dashboard": "/admin/",
        "article list": "/admin/articles/article/",
        "add form": "/admin/articles/article/add/",
        "change form (live, correction waiting)": f"/admin/articles/article/{story.pk}/change/",
        "change form (in review)": f"/admin/articles/article/{draft.pk}/change/",
        "history": f"/admin/articles/article/{story.pk}/history/",
        "compare": f"/admin/articles/article/{story.pk}/history/compare/?from={kept[-1].pk}&to={kept[0].pk}",
        "correction": f"/admin/articles/article/{story.pk}/correction/",
        "correction preview": f"/admin/articles/article/{story.pk}/correction/preview/",
        "trash": "/admin/desk/trashedarticle/",
        "image library": "/admin/library/image/",
        "image": f"/admin/library/image/{picture.pk}/change/",
    }
    wide, small = {}, {}
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, (name, url, response.status)
        page.wait_for_load_state("load")
        page.wait_for_function(EDITORS_BUILT)  # the rich-text editors are built after the page's load
        if overflow := sideways(page):
            wide[name] = overflow
        if beyond := cut_off(page):
            wide[name + " (cut off)"] = beyond
        buttons = "button, input[type=submit], input[type=button], a.button, .submit-row a, select, #toggle-nav-sidebar"
        if name != "correction preview" and (found := small_controls(page, buttons)):  # the reader's page
            small[name] = found[:6]
        if name == "dashboard":
            screenshot(page, "desk-phone-dashboard", full_page=False)
    assert wide == {}, f"wider than the phone (px too wide): {wide}"
    assert small == {}, f"controls under {TAP} px: {small}"

    # Down a long story: the editor's toolbar and Save stay on the screen.
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    body = page.locator(".field-body .ProseMirror")
    body.locator("p").last.scroll_into_view_if_needed()
    page.evaluate("document.querySelector('.field-body .ProseMirror p:last-child').scrollIntoView({block: 'end'})")
    assert on_screen(page, ".field-body .prose-menubar"), "the body's toolbar scrolled away"
    assert on_screen(page, ".submit-row input[name=_save]"), "Save scrolled away"
    assert small_controls(page, ".field-body .prose-menubar button") == []
    screenshot(page, "desk-phone-editor", full_page=False)
