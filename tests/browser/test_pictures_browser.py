"""Library pictures on the desk in real Chromium: a writer puts a library picture in the body from the figure
button (search, thumbnails, size and alignment, alt text required) and readers get it from renditions with the
library's caption and credit; an editor sees the use in the image's usage list; the hero and social choosers are
thumbnail grids with search and upload in place, and the form's previews follow a choice before any save."""

import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from playwright.sync_api import expect

from articles.media.models import Image as LibraryImage
from articles.models import Article
from tests.browser.conftest import PASSWORD, editor
from tests.browser.test_editor_browser import paste_html, watch_csp
from tests.builders import jpeg_bytes, landscape_jpeg, library_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BODY = ".field-body .ProseMirror[contenteditable=true]"


def writer(username: str) -> User:
    """A writer as the roles migrations make one (transactional tests flush the groups they made)."""
    group, _ = Group.objects.get_or_create(name="Writers")
    codenames = ["add_article", "change_article", "delete_article", "view_article", "view_section", "view_tag"]
    codenames += ["add_image", "change_image", "view_image"]
    group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True, first_name=username.title())
    user.groups.add(group)
    return user


def choose_picture(page, field: str, search: str, alt: str) -> None:
    """Pick a library picture for the hero or social image field with its chooser."""
    page.click(f"[data-image-chooser={field}] [data-chooser-open]")
    page.fill("#library-chooser-q", search)
    page.click(f".library-chooser .chooser-item:has-text('{alt}')")
    expect(page.locator(".library-chooser[open]")).to_have_count(0)


def pick_section(page) -> None:
    page.click("#id_section + .select2 .select2-selection")
    page.fill(".select2-search__field", "Wor")
    page.click(".select2-results__option:has-text('World')")


def test_a_writer_puts_a_library_picture_in_the_body_and_readers_get_it_from_renditions(signed_in, section, screenshot):
    wanda = writer("wanda")
    editor("eddie", "Eddie")
    boats = library_image(
        content=landscape_jpeg(1600, 1000), alt="Fishing boats in the harbor", caption="The fleet came home at dawn.",
        credit="Photo: Kim Lee",
    )  # fmt: skip
    library_image(content=jpeg_bytes(900, 600), alt="A skyline at night", caption="The city.")
    page = signed_in("wanda")
    csp_violations = watch_csp(page)

    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", "Fleet returns")
    page.locator(BODY).click()
    page.keyboard.type("The boats came home.")
    page.keyboard.press("Enter")
    page.click(".prose-menubar__button[data-name=figure]")  # the figure button: the library's chooser
    grid = page.locator(".library-chooser[open] .chooser-item")
    expect(grid).to_have_count(2)
    expect(grid.first).to_contain_text("A skyline at night")  # most recent first
    # The thumbnail really loads (decode() waits for it, and fails on a broken picture): a grid, not alt texts.
    assert grid.first.locator("img").evaluate("img => img.decode().then(() => img.naturalWidth > 0, () => false)")
    page.fill("#library-chooser-q", "HARBOR")
    expect(grid).to_have_count(1)
    screenshot(page, "desk-body-image-chooser", full_page=False)
    grid.first.click()

    placement = page.locator(".library-chooser[open] .picture-placement")
    expect(placement.locator("input[name=alt]")).to_have_value("Fishing boats in the harbor")
    assert placement.locator("input[name=caption]").get_attribute("placeholder") == "The fleet came home at dawn."
    placement.locator("input[value=medium]").check()
    placement.locator("input[value=left]").check()
    placement.locator("input[name=alt]").fill("")
    placement.get_by_role("button", name="Insert picture").click()
    expect(placement).to_be_visible()  # no picture without alt text
    placement.locator("input[name=alt]").fill("Three fishing boats tied up at the quay")
    placement.get_by_role("button", name="Insert picture").click()
    expect(page.locator(f"{BODY} figure img")).to_have_attribute("alt", "Three fishing boats tied up at the quay")
    pick_section(page)
    page.locator("input[name=_continue]").first.click()
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    article = Article.objects.get(title="Fleet returns")
    assert re.search(
        rf'<figure class="figure" data-image="{boats.pk}" data-size="medium" data-align="left">', article.body
    )
    assert article.author == wanda

    page.goto(article.get_preview_url())  # a writer sees her own draft as readers will
    picture = page.locator(".body figure.body-picture")
    expect(picture).to_have_class(re.compile("body-picture--medium body-picture--left"))
    img = picture.locator("img")
    assert img.get_attribute("alt") == "Three fishing boats tied up at the quay"
    assert img.get_attribute("loading") == "lazy"
    widths = r"-320\.jpg 320w, .*-640\.jpg 640w, .*-960\.jpg 960w, .*-1280\.jpg 1280w"
    assert re.search(widths, img.get_attribute("srcset"))
    assert picture.locator("source[type='image/webp']").get_attribute("srcset").count("webp") == 4
    img.scroll_into_view_if_needed()
    expect(img).to_have_js_property("complete", True)
    assert img.evaluate("img => img.naturalWidth > 0 && img.currentSrc.includes('/renditions/')")
    assert picture.locator("figcaption").inner_text() == "The fleet came home at dawn. Photo: Kim Lee"
    screenshot(page, "article-body-image", full_page=False)
    assert csp_violations == []

    eddie = signed_in("eddie")
    eddie.goto(f"/admin/library/image/{boats.pk}/change/")
    expect(eddie.locator("#library-usage li")).to_have_text(["Fleet returns — in the body"])
    eddie.goto(f"/admin/library/image/{boats.pk}/delete/")
    assert "a picture in its body" in eddie.locator("#content").inner_text()


def test_a_body_picture_without_alt_is_refused_with_a_message_and_fixed_from_the_figure_button(signed_in, section):
    editor("eddie", "Eddie")
    boats = library_image(alt="Fishing boats", caption="The fleet.")
    page = signed_in("eddie")
    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", "Fleet returns")
    page.locator(BODY).click()
    paste_html(page, f'<p>Text.</p><figure data-image="{boats.pk}"><img src="{boats.file.url}" alt=""></figure>')
    pick_section(page)
    page.locator("input[name=_continue]").first.click()
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    assert "1 picture(s) in the body have no alt text" in page.locator(".field-body").inner_text()
    assert not Article.objects.exists()

    page.locator(f"{BODY} figure img").click()
    page.click(".prose-menubar__button[data-name=figure]")  # on a figure: edit it
    placement = page.locator(".library-chooser[open] .picture-placement")
    placement.locator("input[name=alt]").fill("Boats at the quay")
    placement.get_by_role("button", name="Update picture").click()
    page.locator("input[name=_continue]").first.click()
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    assert 'alt="Boats at the quay"' in Article.objects.get().body


def test_the_hero_and_social_choosers_show_thumbnails_search_upload_and_update_the_previews_at_once(
    signed_in, section, tmp_path, screenshot
):
    editor("eddie", "Eddie")
    harbor = library_image(content=landscape_jpeg(1600, 1000), alt="Skyline", caption="The harbor at dusk.")
    library_image(content=landscape_jpeg(1600, 1000), alt="Skyline", caption="The old town.")
    page = signed_in("eddie")
    csp_violations = watch_csp(page)
    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", "Harbour at dusk")
    page.locator(BODY).click()
    page.keyboard.type("The lights came on.")
    expect(page.locator("[data-seo-preview=social] .social-preview-no-image")).to_be_visible()

    page.click("[data-image-chooser=hero] [data-chooser-open]")
    grid = page.locator(".library-chooser[open] .chooser-item")
    expect(grid).to_have_count(2)  # two skylines, told apart by their pictures
    assert grid.nth(0).locator("img").get_attribute("src") != grid.nth(1).locator("img").get_attribute("src")
    expect(grid.nth(1)).to_contain_text("The harbor at dusk.")  # and by their captions
    screenshot(page, "desk-image-chooser", full_page=False)
    page.fill("#library-chooser-q", "harbor")  # the caption is searched too
    expect(grid).to_have_count(1)
    grid.first.click()
    hero_thumb = page.locator("[data-image-chooser=hero] [data-chooser-thumb]")
    expect(hero_thumb).to_be_visible()
    assert hero_thumb.get_attribute("src") == harbor.square_url()
    card = page.locator("[data-seo-preview=social] [data-social-card]")
    expect(card).to_be_visible()  # the link preview follows the hero, before any save
    assert card.get_attribute("src") == harbor.social_card_url
    expect(page.locator("[data-seo-preview=social] .social-preview-no-image")).to_be_hidden()

    upload = tmp_path / "quay.jpg"
    upload.write_bytes(landscape_jpeg(1600, 900))
    page.click("[data-image-chooser=social_image] [data-chooser-open]")
    page.click(".library-chooser[open] .chooser-upload summary")
    page.set_input_files("#library-chooser-file", str(upload))
    page.fill("#library-chooser-alt", "The new quay")
    page.fill("#library-chooser-credit", "Photo: Port")
    page.click(".library-chooser[open] .chooser-upload-form button[type=submit]")
    words = page.locator("[data-image-chooser=social_image] [data-chooser-words]")
    expect(words).to_have_text("The new quay — Photo: Port", timeout=30_000)  # stored, its renditions made
    quay = LibraryImage.objects.get(alt="The new quay")
    assert quay.uploaded_by.username == "eddie"
    expect(card).to_have_attribute("src", quay.social_card_url)  # the social image wins over the hero

    page.click("[data-image-chooser=social_image] [data-chooser-clear]")
    expect(card).to_have_attribute("src", harbor.social_card_url)  # back to the hero's card
    page.click("[data-image-chooser=social_image] [data-chooser-open]")
    page.click(".library-chooser[open] .chooser-item:has-text('The new quay')")
    pick_section(page)
    page.locator("input[name=_continue]").first.click()
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    article = Article.objects.get()
    assert (article.hero, article.social_image) == (harbor, quay)
    expect(page.locator("[data-image-chooser=hero] [data-chooser-words]")).to_have_text("Skyline")
    assert csp_violations == []
