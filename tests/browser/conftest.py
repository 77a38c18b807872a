"""Real headless Chromium (Debian's package) driven by Playwright against pytest-django's live server.

Never downloads a browser. A missing Chromium skips these tests locally but fails the run in CI.
"""

import os
import shutil
from contextlib import nullcontext
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM is still used synchronously.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = "Chromium not found on PATH (install Debian's 'chromium' package: scripts/install-system-deps.sh)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _live_server_helper(request):
    """pytest-django's helper of the same name, which gives every test using the live server `transactional_db`
    (a flush of every table after each test), except in a module marked `site_built_once`: its tests read a site
    committed once for the whole module (`built_once`), which they may browse but must not rebuild, and which the
    module's end flushes. Building a newsroom with pictures was most of such a module's time."""
    if "live_server" not in request.fixturenames:
        yield
        return
    built_once = request.node.get_closest_marker("site_built_once") is not None
    if not built_once:
        request.getfixturevalue("transactional_db")
    live_server = request.getfixturevalue("live_server")
    with request.getfixturevalue("django_db_blocker").unblock() if built_once else nullcontext():
        live_server._live_server_modified_settings.enable()
        yield
        live_server._live_server_modified_settings.disable()


def built_once(build):
    """A module-scoped fixture: what `build()` returns, committed once for every test of a `site_built_once`
    module; the module's end flushes the database as a transactional test's end would."""

    @pytest.fixture(scope="module")
    def site(django_db_setup, django_db_blocker):
        from django.core.management import call_command

        with django_db_blocker.unblock():
            try:
                yield build()
            finally:
                call_command("flush", interactive=False, verbosity=0)

    return site


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser, live_server):
    """A reader whose browser runs no JavaScript."""
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True, base_url=live_server.url
    )
    page = context.new_page()
    yield page
    context.close()


# The desk's people in the browser tests: one password, editors made as the roles migration makes them.
PASSWORD = "right-password-123"


def editor(username: str, first_name: str):
    """An editor who can sign in (transactional tests flush the tables between tests: the roles migration's group
    is made again here)."""
    from django.contrib.auth.models import Group, Permission, User

    group, created = Group.objects.get_or_create(name="Editors")
    if created:
        labels = ["articles", "library", "authors", "engagement", "desk", "taggit"]
        group.permissions.add(*Permission.objects.filter(content_type__app_label__in=labels))
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True, first_name=first_name)
    user.groups.add(group)
    return user


def sign_in(context, username: str, site_url: str) -> None:
    """`username` signed in to this browser as the sign-in form leaves them (Django's `login()`, its signals, a
    session row), the session's cookie handed to the browser: two page loads fewer per person than filling in the
    form, which test_admin_browser and test_login_device drive themselves."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=username))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site_url}])


@pytest.fixture
def signed_in(browser, live_server):
    """A fresh browser session per person, signed in to the admin: `signed_in("ana")` gives their page."""
    contexts = []

    def open_signed_in(username: str):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
        contexts.append(context)
        sign_in(context, username, live_server.url)
        return context.new_page()

    yield open_signed_in
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core from node_modules (package.json; `make test` runs npm ci). Missing: skip locally, fail in CI."""
    if not AXE_SCRIPT.is_file():
        message = f"axe-core not installed at {AXE_SCRIPT} (run `npm ci` in the project folder)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE_SCRIPT


@pytest.fixture
def axe_violations(axe_script):
    """Run axe-core (its default rules: WCAG 2.x A/AA and best practices) on the page; [] when clean."""

    source = axe_script.read_text(encoding="utf-8")

    def run(page) -> list[dict]:
        # Evaluated through DevTools: the site's CSP (rightly) refuses an injected inline <script> tag.
        page.evaluate(source + "\n;undefined")
        return page.evaluate(
            """async () => {
                const result = await axe.run(document, {resultTypes: ["violations"]});
                return result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
                }));
            }"""
        )

    return run


# Screenshots are for people (`make screenshots` copies some to docs/screenshots/) and assert nothing; a whole page
# costs Chromium 0.1 to 0.4 s of CPU. CI and `make screenshots` take them; `make test` leaves them out.
SCREENSHOTS = bool(os.environ.get("CI") or os.environ.get("TEST_SCREENSHOTS"))


@pytest.fixture
def screenshot():
    """Save a PNG under tests/artifacts/ (git-ignored) so a person can look at what the browser saw (in CI, or
    with TEST_SCREENSHOTS=1): the page (whole, or its viewport), or the first `element` a selector finds."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name: str, *, full_page: bool = True, element: str = "") -> Path:
        path = ARTIFACTS / f"{name}.png"
        if SCREENSHOTS and element:
            page.locator(element).first.screenshot(path=str(path))
        elif SCREENSHOTS:
            page.screenshot(path=str(path), full_page=full_page)
        return path

    return save
