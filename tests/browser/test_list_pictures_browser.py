"""Issue 22, item 6 in real Chromium: the lead picture's `sizes` is the width of its slot (measured at 1366, 1100 and
375 px) and the browser takes the 960-px AVIF there; list pictures keep their box (CLS 0), load when scrolled to,
leave lines readable and pass axe. `make screenshots` copies the author page and the lists from here."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from articles.authors.models import Author
from articles.demo.pictures import generate_image
from articles.models import Article
from tests.browser.conftest import built_once
from tests.builders import build_newsroom, library_image, record_views

pytestmark = [pytest.mark.browser, pytest.mark.site_built_once]


def pictured_newsroom():
    """Every story with one of six demo pictures, an author with a photo and a bio, and stories read lately."""
    room = build_newsroom(count=24, tags_per_article=3)
    pictures = []
    for n in range(6):
        demo = generate_image(seed=22, number=n)
        pictures.append(library_image(content=demo.content, name=f"{demo.name}.png", alt=demo.alt))
    for n, article in enumerate(room.articles):
        Article.objects.filter(pk=article.pk).update(hero=pictures[n % len(pictures)])
        record_views(article, 30 - n)
    writer = User.objects.create_user("test-writer", password="x" * 12)
    Author.objects.create(
        user=writer, name="Test Writer", slug="test-writer", photo=pictures[2],
        bio="Covers the region's weather, its harbours and the people who keep the lights on.",
    )  # fmt: skip
    Article.objects.update(author=writer)
    cache.clear()
    return room


pictured = built_once(pictured_newsroom)


def open_page(browser, live_server, *, width: int, height: int, scale: int = 1, mobile: bool = False):
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=scale, is_mobile=mobile,
        base_url=live_server.url,
    )  # fmt: skip
    return context, context.new_page()


# The width `sizes` gives at this viewport: the first entry whose media condition matches, its length measured.
SIZES_WIDTH = """img => {
    for (const entry of img.sizes.split(/,(?![^(]*\\))/).map(s => s.trim())) {
        const media = entry.startsWith("(") ? entry.slice(0, entry.indexOf(")") + 1) : "";
        if (media && !matchMedia(media).matches) continue;
        const probe = document.createElement("div");
        probe.style.cssText = `position:absolute;height:1px;width:${entry.slice(media.length).trim()}`;
        document.body.append(probe);
        const width = probe.getBoundingClientRect().width;
        probe.remove();
        return width;
    }
}"""


@pytest.mark.parametrize(
    ("width", "height", "scale", "mobile"),
    [(1366, 768, 1, False), (1100, 800, 1, False), (375, 812, 2, True)],
    ids=["laptop-1366", "small-laptop-1100", "phone-375"],
)
@pytest.mark.parametrize("path", ["/news/story-00/", "/"])
def test_the_lead_picture_s_sizes_is_its_slot_and_the_browser_takes_the_960_px_avif(
    browser, live_server, pictured, width, height, scale, mobile, path
):
    context, page = open_page(browser, live_server, width=width, height=height, scale=scale, mobile=mobile)
    page.goto(path, wait_until="load")
    img = page.locator(".hero img" if path != "/" else ".lead img")
    slot = img.bounding_box()["width"]
    assert abs(img.evaluate(SIZES_WIDTH) - slot) <= 1, (slot, img.get_attribute("sizes"))
    assert {1366: 752, 1100: 700, 375: 343}[width] == round(slot)  # the slots the issue measured
    assert img.evaluate("img => img.currentSrc").endswith("-960.avif")  # 752, 700 and 2 x 343 px: the 960
    assert img.get_attribute("fetchpriority") == "high" and img.get_attribute("loading") is None
    context.close()


@pytest.mark.parametrize(("width", "height", "box"), [(1366, 768, 112), (375, 812, 72)], ids=["laptop", "phone"])
def test_list_pictures_keep_their_box_load_when_scrolled_to_and_leave_lines_readable(
    browser, live_server, pictured, axe_violations, width, height, box
):
    context, page = open_page(browser, live_server, width=width, height=height, scale=2 if width < 400 else 1)
    page.add_init_script(
        "window.__shifts = 0; new PerformanceObserver(list => { for (const e of list.getEntries()) "
        "if (!e.hadRecentInput) window.__shifts += e.value; }).observe({type: 'layout-shift', buffered: true});"
    )
    for path in ["/section/world/", "/tag/topic-1/", "/search/?q=story", "/author/test-writer/", "/latest/"]:
        page.goto(path, wait_until="load")
        thumbs = page.locator(".article-list .thumb img")
        assert thumbs.count() >= 5, path
        assert thumbs.nth(4).get_attribute("loading") == "lazy"
        sizes = thumbs.evaluate_all("imgs => imgs.map(i => [i.width, i.height])")
        assert set(map(tuple, sizes)) == {(box, box)}, path
        page.mouse.wheel(0, 20000)
        page.wait_for_timeout(300)
        page.wait_for_load_state("networkidle")
        assert thumbs.evaluate_all("imgs => imgs.every(i => i.complete && i.naturalWidth > 0)"), path
        assert page.evaluate("window.__shifts") == 0, path
        # A summary as wide as the article's body at most (42rem): about 70 characters a line, not 130.
        widest = page.locator(".article-list .summary").evaluate_all(
            "ps => Math.max(...ps.map(p => p.getBoundingClientRect().width))"
        )
        assert widest <= 42 * 16, (path, widest)
    for path in ["/", "/section/world/", "/most-read/"]:
        page.goto(path, wait_until="load")
        assert axe_violations(page) == [], path
    context.close()


@pytest.mark.documents
def test_screenshots_of_the_lists_and_the_author_page(browser, live_server, pictured, screenshot):
    """For people: `make screenshots` copies these to docs/screenshots/."""
    shots = [
        ("/section/world/", 1366, 900, 1, "readme-list-thumbnails-desktop"),
        ("/author/test-writer/", 1366, 900, 1, "readme-author-desktop"),
        ("/", 375, 812, 2, "readme-home-phone"),
    ]
    for path, width, height, scale, name in shots:
        context, page = open_page(browser, live_server, width=width, height=height, scale=scale)
        page.goto(path, wait_until="networkidle")
        assert page.locator("img.author-photo, .thumb img, .lead img").count() >= 1
        screenshot(page, name, full_page=False)
        context.close()
