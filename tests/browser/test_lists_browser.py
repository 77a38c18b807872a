"""The article list at 1280 px in real Chromium: titles readable, Author on screen, a short filter sidebar."""

import pytest
from django.contrib.auth.models import User

from articles.models import Article
from articles.publishing import article_create
from tests.browser.test_editor_browser import sign_in_as_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_article_list_fits_a_laptop_screen(page, live_server, section, screenshot):
    sign_in_as_editor(page, live_server)
    author = User.objects.get(username="eddie")
    for n in range(30):
        title = f"Harbour barrier closes for repairs after the winter storms, officials say ({n})"
        article = article_create(
            article=Article(title=title, slug=f"story-{n}", body="<p>x</p>", section=section, author=author)
        )
        article.tags.add(f"topic number {n}", f"place {n}")
    page.goto("/admin/articles/article/")
    screenshot(page, "admin-article-list", full_page=False)
    title_cell = page.locator("#result_list td.field-title, #result_list th.field-title").first
    box = title_cell.bounding_box()
    assert box["width"] >= 250 and box["height"] < 70  # two lines at most, not one word per line
    author = page.locator("#result_list td.field-author").first.bounding_box()
    assert author["x"] + author["width"] <= 1280  # on screen, not pushed off to the right
    filters = page.locator("#changelist-filter").bounding_box()
    assert filters["height"] < 1400  # typed tag and author filters, not 60 tags and every user
    screenshot(page, "admin-article-list", full_page=False)
