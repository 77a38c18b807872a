# ruff: noqa: S603, S607 — fixed argument lists (no shell) for our own python, manage.py, gunicorn and git
"""`make bench`: seed a throwaway database, serve it with granian, load each reader page, report ratios.

Not part of the test suite. Machines are shared and noisy, so every figure is a ratio against a trivial
request measured in the same run: served pages against the hello-world `/healthz` (interleaved in rounds),
in-process first views against `/robots.txt`. Each figure is written beside its target (bench/report.py).

For each size in BENCH_SIZES (default "2000 100000"): (a) a throwaway database — a SQLite file under
bench/tmp/, or, when DATABASE_URL points at PostgreSQL, a database of its own (BENCH_DB_NAME, default
newsroom_bench) created and dropped here — seeded with `seed_demo --articles N` (with `--archive` at 100,000
and more: ~2,000 tags, a year of history, over a million votes); (b) in-process: SQL queries per page, first
views and all-caches-empty views (bench/first_view.py); (c) granian with production settings on a free
127.0.0.1 port and a bounded load from a second process (bench/load.py): the pages, the article
revalidated with its ETag (304s), and vote POSTs (then checked: no vote lost); (d) worker memory. Then
bench/results.json and bench/results.md. Everything it starts is stopped, and the temporary files and the
database are removed, even when a step fails.

Settings (environment): BENCH_SIZES ("2000 100000"), BENCH_SECONDS per page (12), BENCH_MAX_REQUESTS per
page (5000), BENCH_CONCURRENCY client threads (4), BENCH_WORKERS server workers (2), BENCH_ROUNDS (6),
BENCH_REDIS_URL (a Redis cache for the served app; local memory otherwise), BENCH_SERVER (granian, as
`make serve`; gunicorn to compare, when installed), BENCH_NGINX=1 (load through nginx with
deploy/nginx.conf), BENCH_EDGE=0 leaves out the edge stage (bench/edge.py: the GET pages again through Varnish
with deploy/varnish.vcl, and its hit ratio; on when varnishd is installed), BENCH_KEEP=1 keeps bench/tmp/,
BENCH_RESULTS (output path without extension, default bench/results).
Then, at 100,000 articles and more with BENCH_REDIS_URL, the traffic model (bench/traffic.py).
"""

import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import edge
import traffic
from load import load
from report import PAGES, combine, combine_edge, write_markdown
from servers import free_port, served_etag, start_app_server, start_nginx, stop, worker_memory

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
ARCHIVE_FROM = 100_000  # from this size on, seed a year of history: ~2,000 tags, over a million votes


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# (a) the throwaway database ---------------------------------------------------------------------------


class Database:
    """A SQLite file under bench/tmp/, or a PostgreSQL database of our own next to DATABASE_URL's."""

    def __init__(self, workdir: Path):
        source = os.environ.get("DATABASE_URL", "")
        self.postgres = source.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            self.name = os.environ.get("BENCH_DB_NAME", "newsroom_bench")
            parts = urlsplit(source)
            self.admin_url = source
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        else:
            self.name = str(workdir / "newsroom_bench.sqlite3")
            self.url = f"sqlite:///{self.name}"

    @property
    def engine(self) -> str:
        return "postgresql" if self.postgres else "sqlite"

    def create(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)


def app_environment(database: Database, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_PRELOAD="0",
        DATABASE_URL=database.url,
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        LOG_LEVEL="WARNING",
        # The load votes and views from one address as fast as it can: measure the vote path, not the limits
        # (the rate limit and the per-article daily budgets, which have tests of their own).
        NEWSROOM_VOTE_RATE_LIMIT="1000000000",
        NEWSROOM_VOTE_ARTICLE_LIMIT="1000000000",
        NEWSROOM_VIEW_ARTICLE_LIMIT="1000000000",
        NEWSROOM_BEACON_RATE_LIMIT="1000000000",
        PYTHONUNBUFFERED="1",
    )
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
        env["CACHE_KEY_PREFIX"] = f"newsroom-bench-{os.getpid()}"
    return env


def manage(env: dict[str, str], *args: str) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.monotonic() - started


# (b) in-process: queries, first views, votes -------------------------------------------------------


def probe() -> dict:
    """Runs inside the bench environment: a URL for each page, its SQL queries cold and warm, first-view costs
    (bench/first_view.py), searches (bench/searches.py), and the vote count of the article the load votes on."""
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from taggit.models import Tag

    from articles.models import Article
    from bench import searches
    from bench.first_view import measure

    article = Article.objects.published().exclude(hero=None).select_related("section").first()
    voted = Article.objects.published().order_by("published_at").first()
    tag = Tag.objects.annotate(n=Count("articles_taggedarticle_items")).order_by("-n").first()
    section = article.section
    while section.parent_id:
        section = section.parent
    paths = {
        "healthz": "/healthz",
        "home": "/",
        "article": article.get_absolute_url(),
        "section": section.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": tag.slug}),
        "search": f"{reverse('articles:search')}?q={article.title.split()[-1]}",
    }
    client = Client(HTTP_HOST="127.0.0.1")
    pages = {}
    for page, path in paths.items():
        counts, response = [], None
        for _ in range(2):  # cold (empty cache), then warm
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            counts.append(len(captured.captured_queries))
        pages[page] = {
            "path": path,
            "status": response.status_code,
            "queries_cold": counts[0],
            "queries_warm": counts[1],
        }
    return {
        "pages": pages,
        "first_views": measure(),
        "searches": searches.measure(),
        "vote_article": {"pk": voted.pk, "vote_count": voted.vote_count},
    }


def vote_check(pk: int) -> dict:
    """After the load: the article's counter against its Vote rows."""
    import django

    django.setup()
    from articles.engagement.models import Vote
    from articles.models import Article

    return {
        "vote_count": Article.objects.get(pk=pk).vote_count,
        "vote_rows": Vote.objects.filter(article_id=pk).count(),
    }


def in_process(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout
        return out.stdout.strip() + ("+dirty" if dirty.strip() else "")
    except OSError:
        return "unknown"


def bench_size(articles: int, settings: dict) -> dict:
    """One database size: seed, probe in-process, load through the server, check the votes. The size's report."""
    workdir = BENCH_DIR / "tmp" / f"run-{os.getpid()}-{articles}"
    workdir.mkdir(parents=True, exist_ok=True)
    database = Database(workdir)
    env = app_environment(database, workdir)
    server = front = edged = None
    try:
        log(f"{articles} articles — database: {database.engine} ({database.name})")
        database.create()
        manage(env, "migrate", "--noinput", "-v0")
        seed = ["seed_demo", "--articles", str(articles), "-v0"] + (["--archive"] if articles >= ARCHIVE_FROM else [])
        log(" ".join(seed))
        seed_seconds = manage(env, *seed)
        manage(env, "collectstatic", "--noinput", "-v0")

        log("in-process: SQL queries per page, first views")
        probed = in_process(env, "_probe")
        queries = probed["pages"]
        present = {p: q["path"] for p, q in queries.items() if q["status"] != 404}
        for page in sorted(set(PAGES) - set(present)):
            log(f"{page}: {queries[page]['path']} answers 404 — reported as missing")
        specs = {page: {"path": path} for page, path in present.items()}
        if "article" in present:  # its If-None-Match: the ETag the server gives, once it is up
            specs["article-304"] = {"path": present["article"], "ok": [304]}
        vote_pk = probed["vote_article"]["pk"]
        specs["vote"] = {
            "path": f"/news/{vote_pk}/vote/",
            "method": "POST",
            "body": "action=vote",
            "headers": {
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "Sec-Fetch-Site": "same-origin",
            },
        }

        port = app_port = free_port()
        edge_port = free_port()
        if settings["edge"]:  # the pages carry the edge's tags, as they would behind it
            env |= {"NEWSROOM_EDGE": "varnish", "NEWSROOM_EDGE_VARNISH_URLS": f"http://127.0.0.1:{edge_port}/"}
        kind = settings["server"]
        log(f"starting {kind} on 127.0.0.1:{port} with {settings['workers']} workers")
        server = start_app_server(kind, env, port, settings["workers"], workdir / f"{kind}.log")
        if settings["nginx"]:
            front_port = free_port()
            front = start_nginx(workdir, listen=front_port, upstream=port, static_root=env["STATIC_ROOT"])
            if front is None:
                log("BENCH_NGINX: nginx is not installed — loading the app server directly")
            else:
                log(f"nginx (deploy/nginx.conf) on 127.0.0.1:{front_port} in front")
                port = front_port
        load_before = os.getloadavg()[0]
        log(f"load: {settings['seconds']:g} s or {settings['max_requests']} requests per page, "
            f"{settings['concurrency']} threads, {settings['rounds']} rounds")  # fmt: skip

        def run_load(port: int, pages: dict) -> dict:  # `workers` is the server's: the load loop ignores it
            args = json.dumps({"port": port, "pages": pages, **settings})
            command = [sys.executable, __file__, "_load", args]
            return json.loads(subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout)

        if "article-304" in specs:
            specs["article-304"]["headers"] = {"If-None-Match": served_etag(port, specs["article-304"]["path"])}
        loaded = run_load(port, specs)
        if settings["edge"]:
            log(f"the same pages through Varnish (deploy/varnish.vcl) on 127.0.0.1:{edge_port}")
            edged = edge.load_through_edge(workdir, upstream=app_port, port=edge_port, specs=specs, run_load=run_load)
        memory = worker_memory(server.pid)
        load_after = os.getloadavg()[0]
        votes = in_process(env, "_votes", str(vote_pk))
        traffic_model = traffic.in_bench(env, workdir=workdir, articles=articles, before=lambda: stop(server), log=log)
    finally:
        for process in (front, server):
            if process is not None:
                stop(process)
        log("servers stopped")
        try:
            database.drop()
        finally:
            if not os.environ.get("BENCH_KEEP"):
                shutil.rmtree(workdir, ignore_errors=True)
    accepted = loaded.get("vote", {}).get("statuses", {}).get("200", 0)
    votes |= {"before": probed["vote_article"]["vote_count"], "accepted": accepted}
    votes["lost"] = votes["before"] + accepted - votes["vote_count"]
    return {
        "articles": articles,
        "database": database.engine,
        "seed_seconds": round(seed_seconds, 1),
        "loadavg_1min": [round(load_before, 2), round(load_after, 2)],
        "pages": combine(queries, loaded, specs),
        "edge": combine_edge(edged, specs),
        "first_views": probed["first_views"],
        "searches": probed["searches"],
        "votes": votes,
        "memory": memory,
        "traffic": traffic_model,
    }


def main() -> int:
    sizes = [int(n) for n in (os.environ.get("BENCH_SIZES") or "2000 100000").split()]
    settings = {
        "seconds": float(os.environ.get("BENCH_SECONDS") or 12),
        "max_requests": env_int("BENCH_MAX_REQUESTS", 5000),
        "concurrency": env_int("BENCH_CONCURRENCY", 4),
        "workers": env_int("BENCH_WORKERS", 2),
        "rounds": env_int("BENCH_ROUNDS", 6),
        "server": os.environ.get("BENCH_SERVER") or "granian",
        "nginx": bool(os.environ.get("BENCH_NGINX")),
        "edge": os.environ.get("BENCH_EDGE", "1") != "0" and edge.available(),
    }
    if os.environ.get("BENCH_EDGE", "1") != "0" and not settings["edge"]:
        log("varnishd is not installed: no edge stage")
    runs = [bench_size(articles, settings) for articles in sizes]
    report = {
        "meta": {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": git_commit(),
            "cache": "redis" if os.environ.get("BENCH_REDIS_URL") else "local memory",
            "load_tool": "python threads + http.client",
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            **settings,
        },
        "runs": runs,
    }
    output = Path(os.environ.get("BENCH_RESULTS") or BENCH_DIR / "results")
    output.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    write_markdown(report, output.with_suffix(".md"))
    print(output.with_suffix(".md").read_text())
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) > 1 and sys.argv[1] == "_probe":
        print(json.dumps(probe()))
    elif len(sys.argv) > 1 and sys.argv[1] == "_votes":
        print(json.dumps(vote_check(int(sys.argv[2]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "_load":
        options = json.loads(sys.argv[2])
        print(json.dumps(load(options.pop("port"), options.pop("pages"), **options)))
    else:
        sys.exit(main())
