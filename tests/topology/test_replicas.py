"""Two app servers, one PostgreSQL primary with a streaming hot standby in DATABASE_REPLICA_URLS, one Redis: what
readers and editors see while the standby lags, and when it is down (issue 20, items 4-9)."""

import re
import time
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.topology

CONTENT = """
from django.contrib.auth.models import User
from django.utils import timezone
from articles.models import Article, Section
from articles.publishing import article_create
section = Section.objects.create(name="World", slug="world")
article = article_create(article=Article(
    title="Harbour opens", slug="harbour-opens", body="<p>Ships came in.</p>", section=section,
    status=Article.Status.PUBLISHED, published_at=timezone.now() - timezone.timedelta(hours=1),
))
User.objects.create_superuser("editor", "editor@example.com", "editor-password-1")
User.objects.create_superuser("other", "other@example.com", "other-password-1")
print(json.dumps(article.pk))
"""
EDIT = """
from articles.models import Article
from articles.publishing import article_update
article = Article.objects.get(pk={pk})
article.title = {title!r}
article_update(article=article)
print(json.dumps(article.title))
"""
STORY = "/news/harbour-opens/"


@pytest.fixture(scope="module")
def site(pg_pair, run_python, app_server):
    article_id = run_python(CONTENT)
    pg_pair.wait_replayed()
    servers = [app_server(), app_server()]
    return {"article": article_id, "servers": servers}


@pytest.fixture
def replay_paused(pg_pair):
    pg_pair.pause_replay()
    yield
    pg_pair.resume_replay()
    pg_pair.wait_replayed()


class FormFields(HTMLParser):
    """The values a browser would send for the first form with a given id (inputs, textareas, selects)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file", "image"):
            checkable = attrs.get("type") in ("checkbox", "radio")
            if not checkable or "checked" in attrs:
                self.fields.append([attrs["name"], attrs.get("value", "on" if checkable else "")])
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
            self.fields.append(self._textarea)
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append([self._select, attrs.get("value", "")])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def form_fields(page: str, form_id: str) -> dict[str, str]:
    parser = FormFields(form_id)
    parser.feed(page)
    return dict(parser.fields)


def sign_in(browser, username: str, password: str):
    page = browser.get("/admin/login/")
    token = form_fields(page.body, "login-form")["csrfmiddlewaretoken"]
    return browser.post(
        "/admin/login/?next=/admin/",
        {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"},
        headers={"Referer": "http://127.0.0.1/admin/login/"},
    )


def title_of(page: str) -> str:
    return page.split("<h1", 1)[1].split(">", 1)[1].split("</h1>", 1)[0].strip()


def seen_by_every_server(servers, text: str, within: float) -> float:
    """Seconds until an anonymous reader on every server sees `text` on the story (fails after `within`)."""
    started = time.monotonic()
    pending = list(servers)
    while pending:
        pending = [server for server in pending if text not in server.client().get(STORY).body]
        if pending and time.monotonic() - started > within:
            raise AssertionError(f"{len(pending)} server(s) still show the old story after {within} s")
        time.sleep(0.05)
    return time.monotonic() - started


def test_an_editor_signs_in_and_sees_their_own_save_while_the_replica_is_paused(site, replay_paused):
    """Sessions were read from the replica: the next request found none and cleared the cookie. The editor's own
    save vanished from the form and the list, and a second save was refused as a conflict with themselves."""
    first, second = site["servers"]
    editor = first.client()
    signed_in = sign_in(editor, "editor", "editor-password-1")
    assert signed_in.status == 302 and "sessionid" in editor.cookies

    home = editor.on(second).get("/admin/")  # the load balancer sends the next request elsewhere
    assert home.status == 200 and "Log out" in home.body
    assert "sessionid" in editor.cookies

    change = f"/admin/articles/article/{site['article']}/change/"
    for title in ("Harbour opens at dawn", "Harbour opens at noon"):  # twice: the second save is no conflict
        form = form_fields(editor.get(change).body, "article_form")
        form["title"] = title
        saved = editor.on(second).post(change, form, headers={"Referer": f"http://127.0.0.1{change}"})
        assert saved.status == 302, (
            re.findall(r"errornote.*?</p>|<ul class=\"errorlist[^>]*>.*?</ul>", saved.body, re.S) or saved.body[:3000]
        )
        assert form_fields(editor.on(first).get(change).body, "article_form")["title"] == title
        assert title in editor.on(second).get("/admin/articles/article/").body

    session = editor.cookies["sessionid"]
    signed_out = editor.post("/admin/logout/", {"csrfmiddlewaretoken": editor.cookies["csrftoken"]})
    assert signed_out.status == 200 and "sessionid" not in editor.cookies
    editor.cookies["sessionid"] = session  # a copy of the old cookie is worth nothing from now on, on every server
    assert editor.on(second).get("/admin/").status == 302


def test_a_readers_vote_stays_while_the_replica_is_paused(site, replay_paused):
    first, second = site["servers"]
    reader = first.client()
    beacon = f"/news/{site['article']}/seen/"
    before = reader.post(beacon, headers={"Accept": "application/json"}).json()
    vote = reader.post(
        f"/news/{site['article']}/vote/",
        {"action": "vote"},
        headers={"Accept": "application/json", "Sec-Fetch-Site": "same-origin"},
    )
    assert vote.status == 200 and vote.json()["voted"]

    for server in (first, second):
        after = reader.on(server).post(beacon, headers={"Accept": "application/json"}).json()
        assert after["voted"] is True
        assert after["votes"] == before["votes"] + 1


def test_an_edit_shows_on_every_server_at_once_while_the_replica_is_paused(site, run_python, pg_pair):
    """Renders after a purge read the replica, which had not replayed the edit, and the old page was stored
    under the new purge marks: it stayed for five minutes."""
    servers = site["servers"]
    seen_by_every_server(servers, "Harbour", within=5)  # cached on both
    pg_pair.pause_replay()
    try:
        run_python(EDIT.format(pk=site["article"], title="Harbour closes for the storm"))
        assert seen_by_every_server(servers, "Harbour closes for the storm", within=2) < 2
        time.sleep(0.3)
        for server in servers:  # and it is not undone by a copy rendered from the replica meanwhile
            assert "Harbour closes for the storm" in server.client().get(STORY).body
    finally:
        pg_pair.resume_replay()
    pg_pair.wait_replayed()
    for server in servers:
        assert "Harbour closes for the storm" in server.client().get(STORY).body


def test_an_edit_under_a_second_of_replay_delay_is_seen_within_two_seconds(site, run_python, pg_pair):
    servers = site["servers"]
    pg_pair.delay_replay(1000)
    try:
        for n in range(3):
            title = f"Harbour reopens, take {n}"
            run_python(EDIT.format(pk=site["article"], title=title))
            assert seen_by_every_server(servers, title, within=2) < 2
            time.sleep(1.5)  # replay catches up: copies rendered from the replica now are right too
            for server in servers:
                assert title in server.client().get(STORY).body
    finally:
        pg_pair.delay_replay(0)
    pg_pair.wait_replayed()


def test_the_task_worker_runs_with_replicas_set(site, run_python, run_manage, pg_pair):
    """`manage.py db_worker` crashed at start: `select_for_update` was routed to a replica."""
    enqueued = run_python(
        "from articles.media.tasks import make_image_renditions\n"
        "print(json.dumps(str(make_image_renditions.enqueue(999_999).id)))",
        NEWSROOM_TASKS="database",
    )
    run_manage("db_worker", "--batch", "--no-startup-delay", NEWSROOM_TASKS="database")
    rows = pg_pair.sql(
        pg_pair.primary_port, "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s", (enqueued,)
    )
    assert rows == [("SUCCESSFUL",)]


def test_with_the_replica_stopped_pages_render_from_the_primary_and_readyz_says_so(site, pg_pair):
    """Every uncached page answered 503 after a second, and /readyz said ok."""
    first, second = site["servers"]
    pg_pair.stop_replica()
    try:
        for server in (first, second):
            reader = server.client()
            assert reader.get("/search/?q=harbour-first").status == 200  # the first request finds it down
            timings = []
            for n in range(8):
                started = time.monotonic()
                page = reader.get(f"/search/?q=harbour-{n}")  # a new search each time: never cached
                timings.append(time.monotonic() - started)
                assert page.status == 200 and "<h1" in page.body
            assert max(timings) < 0.5, timings
            ready = reader.get("/readyz")
            assert ready.status == 200  # a replica down must not take the server out of rotation
            assert ready.json() == {"database": "ok", "cache": "ok", "replica_0": "unreachable", "status": "degraded"}
    finally:
        pg_pair.start_replica()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if all(server.client().get("/readyz").json()["status"] == "ok" for server in (first, second)):
            break
        time.sleep(0.2)
    for server in (first, second):
        assert server.client().get("/readyz").json() == {
            "database": "ok",
            "cache": "ok",
            "replica_0": "ok",
            "status": "ok",
        }
