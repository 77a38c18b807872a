import hashlib
import os
import time

import pytest
from asgiref.local import Local
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_migrate
from django.tasks import task_backends
from django.test import override_settings
from django.utils import timezone

from articles import images
from articles.models import Article, Section
from articles.page_cache import forget_local_copies
from articles.publishing import article_create
from tests.builders import record_views, record_votes, use_public_domain
from tests.desk_helpers import staff


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the groups into the tests' ids
def pytest_collection_modifyitems(config, items):
    """What a run of the whole suite (`make test`: no paths, no markers chosen) leaves out; a run that names paths or
    markers (`pytest tests/topology`, `-m documents`) runs what it names."""
    keep_module_fixtures_on_one_worker(items)
    if config.getoption("markexpr") or config.args_source != pytest.Config.ArgsSource.TESTPATHS:
        return
    left_out = [item for item in items if not in_the_whole_suite(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if in_the_whole_suite(item)]


def in_the_whole_suite(item) -> bool:
    """The slow cases for people (`documents`) run in CI (CI=true) alone. A test that brings its own database runs in
    the run of that database, once of CI's two (`.ci/run`: SQLite, then PostgreSQL), not twice: the topology tests
    (their own PostgreSQL primary and standby, whatever DATABASE_URL says) with PostgreSQL, the `deploy` tests (the
    recipe's commands on SQLite files of their own) with SQLite."""
    if item.get_closest_marker("documents"):
        return bool(os.environ.get("CI"))
    if "/tests/topology/" in item.path.as_posix():
        return connection.vendor == "postgresql"
    if item.get_closest_marker("deploy"):
        return connection.vendor == "sqlite"
    return True


def keep_module_fixtures_on_one_worker(items) -> None:
    """A module's tests that share a module-scoped fixture (a served site, a migrated database, an S3 server) run
    on one xdist worker (`make test` runs `--dist loadgroup`), so the fixture is built once rather than once per
    worker that gets one of them; xdist starts these groups first, the biggest first."""
    for item in items:
        definitions = getattr(item, "_fixtureinfo", None)
        chosen = [defs[-1] for defs in definitions.name2fixturedefs.values() if defs] if definitions else []
        if any(fixture.scope == "module" and fixture.baseid for fixture in chosen):  # ours, not a plugin's
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))


def shared_by_module(build):
    """A module-scoped fixture: what `build()` makes, made once for the module, as Django's `setUpTestData` makes a
    class's rows. They are written in a transaction kept open until the module's last test, then rolled back; each
    test runs in a savepoint inside it (pytest-django's `db`), so what a test changes is undone before the next; a
    test's own fixture hands it `copy.deepcopy` of the objects, as `setUpTestData` does. For a module whose every
    database test reads these rows: another test of the module would find them too."""

    @pytest.fixture(scope="module", name=build.__name__)
    def rows(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer._from_testcase = True  # a durable block in a test nests in it, as in Django's TestCase
            with outer:
                yield build()
                transaction.set_rollback(True)

    return rows


@pytest.fixture(scope="session", autouse=True)
def _migrated_rows_survive_flushes(django_db_setup, django_db_blocker):
    """What the migrations store — the Writers' and Editors' groups with their grants, the site's row — is put back
    after every flush of the test database (a transactional test's end, a `built_once` module's), as the flush
    itself puts back content types and permissions (its `post_migrate`). Tests that share a module fixture run first
    on their worker (`--dist loadgroup`), so a test after them must not find the roles gone."""
    with django_db_blocker.unblock():
        if Group._meta.db_table not in connection.introspection.table_names():
            yield  # a run of tests that need no database: none was set up
            return
        natural_keys = ("codename", "content_type__app_label", "content_type__model")
        roles = {group.name: list(group.permissions.values_list(*natural_keys)) for group in Group.objects.all()}
        sites = list(Site.objects.values())
    last_app = list(apps.get_app_configs())[-1]

    def put_back(sender, using, **kwargs):
        if sender is not last_app:  # every app's permissions exist once the last app's signal comes
            return
        for name, grants in roles.items():
            group, _ = Group.objects.using(using).get_or_create(name=name)
            group.permissions.set([Permission.objects.db_manager(using).get_by_natural_key(*key) for key in grants])
        for site in sites:
            Site.objects.using(using).update_or_create(pk=site["id"], defaults=site)
        Site.objects.clear_cache()

    post_migrate.connect(put_back, weak=False, dispatch_uid="tests_migrated_rows_survive_flushes")
    yield
    post_migrate.disconnect(dispatch_uid="tests_migrated_rows_survive_flushes")


@pytest.fixture(scope="session", autouse=True)
def _renditions_encoded_once_per_picture():
    """The same picture at the same size, in the same format and options, is encoded once per test process: the
    tests upload the same few made-up pictures hundreds of times, and AVIF encoding was a tenth of the suite's
    Python time. The first encoding of each is real, and so is every later answer: the bytes it gave."""
    real, encoded = images.encoded, {}

    def encoded_once(image, fmt: str) -> bytes:
        digest = hashlib.blake2b(image.tobytes(), digest_size=16).digest()
        key = (digest, image.mode, image.size, fmt, repr(images.SAVE_OPTIONS[fmt]))
        if key not in encoded:
            encoded[key] = real(image, fmt)
        return encoded[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images, "encoded", encoded_once)
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    forget_local_copies()
    yield
    cache.clear()
    forget_local_copies()


@pytest.fixture
def clear_of_the_hour() -> None:
    """For a test whose page counts hours or names today while a live server renders it: a test begun in an
    hour's last minute waits for the next, so the hour cannot turn between its setting up and the page."""
    now = timezone.localtime()
    left = 3600 - (now.minute * 60 + now.second + now.microsecond / 1e6)
    if left < 60:
        time.sleep(left + 0.5)


@pytest.fixture
def section(db) -> Section:
    return Section.objects.create(name="World", slug="world")


def article_made(section: Section, n: int, /, **fields) -> Article:
    """Article `n` (its title, slug and body numbered), in `section` and published `n` hours ago unless `fields` say
    otherwise, made through the services; `tags`, `vote_count` and `view_count` recorded as readers would."""
    fields.setdefault("title", f"Article {n}")
    fields.setdefault("slug", f"article-{n}")
    fields.setdefault("body", f"<p>Body of article {n}.</p>")
    fields.setdefault("section", section)
    fields.setdefault("status", Article.Status.PUBLISHED)
    if fields["status"] == Article.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - timezone.timedelta(hours=n))
    tags = fields.pop("tags", [])
    votes, views = fields.pop("vote_count", 0), fields.pop("view_count", 0)
    article = article_create(article=Article(**fields))
    if tags:
        article.tags.add(*tags)
    # Counters only ever move through the services, so reconciliation would find nothing to fix.
    record_votes(article, votes)
    if views:
        record_views(article, views)
    article.refresh_from_db()
    return article


@pytest.fixture
def make_article(db, section):
    counter = iter(range(1, 10_000))

    def make(**fields) -> Article:
        return article_made(section, next(counter), **fields)

    return make


@pytest.fixture
def public_domain(db) -> None:
    """A public domain unlike the test client's host (builders.use_public_domain): absolute links show their origin."""
    use_public_domain()


# The desk's people: two editors (Ana, Bo) and a writer with an editor who reviews her (Wanda, Eddie).
@pytest.fixture
def ana(db):
    return staff("ana", "Editors", first_name="Ana")


@pytest.fixture
def bo(db):
    return staff("bo", "Editors", first_name="Bo")


@pytest.fixture
def wanda(db):
    return staff("wanda", "Writers", first_name="Wanda", email="wanda@example.com")


@pytest.fixture
def eddie(db):
    return staff("eddie", "Editors", first_name="Eddie", email="eddie@example.com")


def reset_task_backends() -> None:
    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None
    task_backends._connections = Local(False)


@pytest.fixture
def database_queue():
    """Background work goes into the database queue, for a worker (`manage.py db_worker`), as in production."""
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        reset_task_backends()
        yield
    reset_task_backends()
