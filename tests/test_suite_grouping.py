"""The suite's own promise (tests/conftest.py): tests sharing a module-scoped fixture of ours run on one xdist worker,
so a served site, a migrated database or a started topology is built once, not once per worker. The group has to
be marked before xdist reads it into the tests' ids: marked after, each module's fixtures were built twice.

The groups run first on their worker, and some end with a flush of the test database: what the migrations stored
must be there again for the tests after them.

A run of the whole suite runs a test that brings its own database once of CI's two runs, in the run of that
database, and the cases for people only in CI."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.management import call_command

from tests import conftest, test_deploy_schedule, test_deploy_stack


@pytest.fixture(scope="module")
def built_once_here() -> object:
    return object()


def test_a_test_sharing_a_module_fixture_carries_its_module_s_group(request, built_once_here):
    if not getattr(request.config.option, "loadgroup", False):  # set on xdist's workers only
        pytest.skip("groups exist only under --dist loadgroup (make test)")
    assert request.node.nodeid.endswith("@tests/test_suite_grouping.py"), request.node.nodeid


def test_a_test_sharing_nothing_goes_to_any_worker(request):
    assert "@" not in request.node.nodeid


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_the_roles_and_the_site_as_the_migrations_made_them():
    grants = {group.name: set(group.permissions.values_list("codename", flat=True)) for group in Group.objects.all()}
    call_command("flush", interactive=False, verbosity=0)
    assert {group.name: set(group.permissions.values_list("codename", flat=True)) for group in Group.objects.all()} == (
        grants
    )
    assert {"Writers", "Editors"} <= set(grants) and "publish_article" in grants["Editors"]
    assert Site.objects.get(pk=1).name == "Newsroom"


class Collected:
    """What `in_the_whole_suite` reads of a collected test: its file and its markers."""

    def __init__(self, path: str, *markers: str):
        self.path, self.markers = Path("/checkout") / path, markers

    def get_closest_marker(self, name: str):
        return name if name in self.markers else None


@pytest.mark.parametrize(("vendor", "topology", "deploy"), [("sqlite", False, True), ("postgresql", True, False)])
def test_a_test_that_brings_its_own_database_runs_in_one_of_ci_s_two_runs(monkeypatch, vendor, topology, deploy):
    monkeypatch.setattr(conftest, "connection", SimpleNamespace(vendor=vendor))

    assert conftest.in_the_whole_suite(Collected("tests/topology/test_replicas.py")) is topology
    assert conftest.in_the_whole_suite(Collected("tests/test_deploy_stack.py", "deploy")) is deploy
    assert conftest.in_the_whole_suite(Collected("tests/test_votes.py")) is True
    assert test_deploy_stack.pytestmark.name == test_deploy_schedule.pytestmark.name == "deploy"


@pytest.mark.parametrize(("ci", "runs"), [("", False), ("true", True)])
def test_the_cases_for_people_run_in_ci_alone(monkeypatch, ci, runs):
    monkeypatch.setenv("CI", ci)

    assert conftest.in_the_whole_suite(Collected("tests/test_slow_body.py", "documents")) is runs
