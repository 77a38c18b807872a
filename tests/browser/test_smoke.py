import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_votes_without_javascript_help(page, make_article, screenshot):
    article = make_article(title="Browser smoke story")

    page.goto(article.get_absolute_url())
    assert page.locator("h1").inner_text() == "Browser smoke story"
    page.get_by_role("button", name="veryGood! (0)").click()

    page.wait_for_url(f"**{article.get_absolute_url()}")
    assert page.get_by_role("button", name="veryGood! (1)").is_visible()
    screenshot(page, "smoke-article")
