"""Issues 11 and 22: the W3C Nu HTML Checker reports no error on the reader pages (home, article, section, tag,
latest, most read, search, author), every list with its pictures.

The checker is `vnu-jar` from npm (pinned in package.json; `make test` runs npm ci) run with Java (Debian's
default-jre-headless, scripts/install-system-deps.sh). One JVM checks every page at once. A missing checker or
Java skips locally and fails in CI.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from articles.authors.models import Author
from articles.models import Article
from tests.builders import library_image, record_views

pytestmark = pytest.mark.django_db

# A short run: the JIT's first tier alone and one GC thread (the module's CPU 8.4 s -> 6.3 s here, same checks).
JVM_QUICK_START = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"]
VNU = Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="session")
def vnu() -> list[str]:
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        message = f"the Nu HTML Checker needs java and {VNU} (npm ci; scripts/install-system-deps.sh)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return [java, "-Xss4m", *JVM_QUICK_START, "-jar", str(VNU)]


def nu_errors(vnu: list[str], pages: dict[str, bytes], folder: Path) -> list[str]:
    files = []
    for n, (url, content) in enumerate(pages.items()):
        path = folder / f"page-{n}.html"
        path.write_bytes(content)
        files.append((str(path), url))
    result = subprocess.run(
        [*vnu, "--format", "json", "--exit-zero-always", *(path for path, _ in files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    names = dict(files)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{names.get(m.get('url', '').removeprefix('file:'), m.get('url'))}:{m.get('lastLine')}: {m['message']} "
        f"[{m.get('extract', '').strip()[:120]}]"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]


def test_reader_pages_have_no_html_errors(client, make_article, section, vnu, tmp_path):
    """What readers see most, each with what makes it full: a hero image with caption and credit, tags, a
    summary, a body with a list, a quote and a link, and a search with results and one without."""
    image = library_image(alt="Ships in the bay", caption="The bay at dawn.", credit="Photo: Test Desk")
    body = (
        "<p>The harbour reopened on <strong>Tuesday</strong>.</p><ul><li>Ferries</li><li>Freight</li></ul>"
        '<blockquote><p>"We are back."</p></blockquote><p><a href="https://example.org/report">Report</a></p>'
    )
    article = make_article(title="Harbour reopens", summary="Ships return.", body=body, hero=image,
                           tags=["weather", "shipping"], byline="By Test Writer", dateline="BUSAN")  # fmt: skip
    for n in range(3):  # with their pictures beside them in every list
        record_views(make_article(title=f"Harbour story {n}", tags=["weather"], hero=image), 3 - n)
    make_article(title="Draft", status=Article.Status.DRAFT)
    writer = User.objects.create_user("test-writer", password="x" * 12)
    Author.objects.create(user=writer, name="Test Writer", slug="test-writer", bio="Ports and ships.", photo=image)
    Article.objects.update(author=writer)

    urls = ["/", article.get_absolute_url(), f"/section/{section.slug}/", "/search/?q=harbour", "/search/?q=zzz",
            "/search/", "/author/test-writer/", "/tag/weather/", "/most-read/", "/latest/"]  # fmt: skip
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content
    assert b"Harbour reopens" in pages[article.get_absolute_url()]

    errors = nu_errors(vnu, pages, tmp_path)
    assert errors == [], "\n".join(errors)


def test_the_checker_reports_errors(vnu, tmp_path):
    """Not a checker that passes everything: a page with the bug issue 11 found (a 6-digit fraction in
    <time datetime>) and a stray end tag is reported."""
    page = (
        b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>'
        b'<time datetime="2026-11-29T10:00:00.123456+00:00">x</time></p></body></html>'
    )
    errors = nu_errors(vnu, {"/bad/": page}, tmp_path)
    assert len(errors) == 2, errors
    assert any("datetime" in error for error in errors), errors
