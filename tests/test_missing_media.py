"""Library images whose dimensions were never stored (hero images from before the library) or whose file is
gone from the store: every reader page still renders, from what the database holds, without opening a file."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from articles.media.models import Image
from articles.media.tasks import make_image_renditions
from tests.builders import image_form, jpeg_bytes, library_image
from tests.desk_helpers import staff

pytestmark = pytest.mark.django_db


def unmeasured(image: Image) -> Image:
    """The image as hero images came into the library: no width, height or file size stored."""
    Image.objects.filter(pk=image.pk).update(width=None, height=None, file_size=None)
    return Image.objects.get(pk=image.pk)


def reader_urls(article) -> list[str]:
    return [
        reverse("articles:home"),
        reverse("articles:latest"),
        reverse("articles:section", args=[article.section.slug]),
        reverse("articles:feed"),
        reverse("articles:atom"),
        reverse("articles:section-feed", args=[article.section.slug]),
        article.get_absolute_url(),
    ]


@pytest.mark.parametrize("measured", [True, False], ids=["dimensions-stored", "dimensions-unknown"])
def test_a_hero_whose_file_is_gone_never_breaks_a_page(client, make_article, measured):
    image = library_image(content=jpeg_bytes(800, 500), alt="Storm over the harbour")
    if not measured:
        image = unmeasured(image)
    default_storage.delete(image.file.name)
    article = make_article(hero=image)

    for url in reader_urls(article):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="Storm over the harbour"' in page
    if measured:
        assert 'width="800" height="500"' in page


def test_loading_an_image_never_opens_its_file(monkeypatch):
    image = unmeasured(library_image(content=jpeg_bytes(800, 500)))
    opened = []
    monkeypatch.setattr(default_storage, "open", lambda *a, **k: opened.append(a) or pytest.fail("opened"))
    loaded = Image.objects.get(pk=image.pk)
    assert (loaded.width, loaded.height, opened) == (None, None, [])


def test_an_upload_stores_its_width_height_and_size(client):
    client.force_login(staff("eddie", "Editors"))
    response = client.post("/admin/library/image/add/", image_form(content=jpeg_bytes(900, 600), name="a.jpg"))
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (900, 600)
    assert image.file_size == default_storage.size(image.file.name)


def test_the_renditions_run_measures_an_image_stored_without_dimensions():
    image = unmeasured(library_image(content=jpeg_bytes(700, 300), ready=False))
    make_image_renditions.call(image.pk)
    image.refresh_from_db()
    assert (image.width, image.height) == (700, 300)
    assert image.file_size == default_storage.size(image.file.name)
