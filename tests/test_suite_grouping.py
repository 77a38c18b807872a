"""The suite's own promise (tests/conftest.py): tests sharing a module-scoped fixture of ours run on one xdist worker,
so a served site, a migrated database or a started topology is built once, not once per worker. The group has to
be marked before xdist reads it into the tests' ids: marked after, each module's fixtures were built twice."""

import pytest


@pytest.fixture(scope="module")
def built_once_here() -> object:
    return object()


def test_a_test_sharing_a_module_fixture_carries_its_module_s_group(request, built_once_here):
    if not request.config.getvalue("loadgroup"):
        pytest.skip("groups exist only under --dist loadgroup (make test)")
    assert request.node.nodeid.endswith("@tests/test_suite_grouping.py"), request.node.nodeid


def test_a_test_sharing_nothing_goes_to_any_worker(request):
    assert "@" not in request.node.nodeid
