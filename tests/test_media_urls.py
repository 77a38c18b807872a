"""A picture's URLs and renditions' names worked out by string joins are the store's and pathlib's, byte for byte."""

from pathlib import PurePosixPath
from types import SimpleNamespace

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings

from articles import images
from articles.media import renditions

NAMES = [
    "heroes/2026/harbour.jpg",
    "heroes/2026/harbour-at-dawn_2.v2.jpg",
    "renditions/heroes/2026/harbour-960.avif",
    "library/a..jpg",
    "harbour.jpg",  # no folder
    "heroes/2026/harbour at dawn.jpg",  # a space: quoted by the store
    "heroes/2026/café.jpg",  # not ASCII: quoted by the store
    "heroes//2026/harbour.jpg",  # an empty segment: urljoin drops it
    "heroes/./2026/harbour.jpg",  # a dot segment: urljoin resolves it
    "heroes/../harbour.jpg",
    "/heroes/harbour.jpg",  # a leading slash: the store strips it
    "heroes/2026/.hidden",
    "heroes/2026/harbour?x=1#y.jpg",
    "heroes/2026/noextension",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("media_url", ["/media/", "https://cdn.example.com/media/", "/a//b/", "/media/?v=1/"])
def test_a_media_url_is_the_stores_for_every_name(name, media_url):
    with override_settings(MEDIA_URL=media_url):
        assert images.media_url(name) == default_storage.url(name)


def test_the_joined_base_follows_a_change_of_media_url():
    with override_settings(MEDIA_URL="/one/"):
        assert images.media_url("heroes/a.jpg") == "/one/heroes/a.jpg"
    with override_settings(MEDIA_URL="/two/"):
        assert images.media_url("heroes/a.jpg") == "/two/heroes/a.jpg"


@pytest.mark.parametrize("name", NAMES)
def test_rendition_names_are_pathlibs(name):
    picture = SimpleNamespace(focal_x=0.25, focal_y=0.5)
    path = PurePosixPath(name)
    folder = PurePosixPath("renditions") / path.parent
    expected = [f"{folder}/{path.stem}-{label}-f025-050.jpg" for label in ("r16x9", "r4x3", "r1x1")]
    assert renditions._names(name, ["r16x9", "r4x3", "r1x1"], picture) == expected
