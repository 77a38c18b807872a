"""Issue 11: no console errors. The home, article, section and search pages load in real Chromium with no
console error, no uncaught exception, no failed request and no Content Security Policy violation (a 404 for
/favicon.ico or an image the CSP blocks both show up here), on a desktop and a phone."""

import pytest
from django.core.cache import cache

from tests.browser.conftest import built_once
from tests.builders import build_newsroom

pytestmark = [pytest.mark.browser, pytest.mark.site_built_once]

# Injected through DevTools before any page script: the CSP has no say over it.
LISTEN_FOR_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
});
"""


def watch(page) -> list[str]:
    problems: list[str] = []
    page.add_init_script(LISTEN_FOR_CSP)
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text} {msg.location}"))
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url} {request.failure}"))
    page.on(
        "response", lambda response: response.status >= 400 and problems.append(f"{response.status}: {response.url}")
    )
    return problems


def visit(page, url: str, problems: list[str]) -> None:
    response = page.goto(url, wait_until="networkidle")
    assert response.status == 200, url
    page.mouse.wheel(0, 20_000)  # lazy images below the fold load too
    page.wait_for_load_state("networkidle")
    problems += [f"CSP: {v}" for v in page.evaluate("window.__cspViolations")]


def console_newsroom():
    room = build_newsroom(count=12, tags_per_article=3, hero=True)
    cache.clear()
    return room


newsroom = built_once(console_newsroom)


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_reader_pages_log_no_console_error_or_csp_violation(newsroom, request, device):
    page = request.getfixturevalue(device)
    problems = watch(page)
    lead = newsroom.articles[0]
    for url in ["/", lead.get_absolute_url(), "/section/world/", "/search/?q=story", "/search/?q=zzzz"]:
        visit(page, url, problems)
    # The vote button's script runs without error too (a JSON POST through the page's own fetch).
    page.goto(lead.get_absolute_url(), wait_until="networkidle")
    page.locator("form.vote button.vote-button").click()
    page.locator('form.vote button.vote-button[aria-pressed="true"]').wait_for()
    page.wait_for_load_state("networkidle")
    assert problems == [], "\n".join(problems)


def test_the_watch_sees_console_errors_and_csp_violations(page, newsroom):
    """Not a watch that never fires: an error logged by a script and an inline script the CSP blocks."""
    problems = watch(page)
    visit(page, "/", problems)
    page.evaluate("console.error('boom')")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = '1'; document.body.append(s); }")
    page.wait_for_timeout(300)
    problems += [f"CSP: {v}" for v in page.evaluate("window.__cspViolations")]
    assert any("boom" in problem for problem in problems), problems
    assert any(problem.startswith("CSP: script-src") for problem in problems), problems
