"""Static files' URLs kept per process (`newsroom.static_files`): the same URLs as WhiteNoise's manifest storage."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from newsroom.static_files import KeptUrlsStaticFilesStorage


@pytest.fixture
def collected(tmp_path):
    manifest = {"version": "1.1", "hash": "x", "paths": {"css/site.css": "css/site.0123abcd.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return tmp_path


def test_each_url_is_the_manifest_storages_own(collected, settings):
    settings.DEBUG = False
    kept = KeptUrlsStaticFilesStorage(location=collected, base_url="/static/")
    plain = CompressedManifestStaticFilesStorage(location=collected, base_url="/static/")

    assert kept.url("css/site.css") == kept.url("css/site.css") == plain.url("css/site.css")
    assert kept.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_a_file_missing_from_the_manifest_fails_every_time(collected, settings):
    settings.DEBUG = False
    kept = KeptUrlsStaticFilesStorage(location=collected, base_url="/static/")

    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            kept.url("js/missing.js")


def test_debug_gives_the_unhashed_url_even_after_the_hashed_one_was_kept(collected, settings):
    settings.DEBUG = False
    kept = KeptUrlsStaticFilesStorage(location=collected, base_url="/static/")
    assert kept.url("css/site.css") == "/static/css/site.0123abcd.css"

    settings.DEBUG = True
    assert kept.url("css/site.css") == "/static/css/site.css"
