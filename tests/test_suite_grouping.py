"""The suite's own promise (tests/conftest.py): tests sharing a module-scoped fixture of ours run on one xdist worker,
so a served site, a migrated database or a started topology is built once, not once per worker. The group has to
be marked before xdist reads it into the tests' ids: marked after, each module's fixtures were built twice.

The groups run first on their worker, and some end with a flush of the test database: what the migrations stored
must be there again for the tests after them."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.management import call_command


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
