"""Media library uploads: checked by Pillow before storing, re-encoded without EXIF, resized renditions."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.images import rendition_name
from articles.media.models import Image as LibraryImage
from articles.models import Article
from tests.builders import article_form, image_form, jpeg_bytes, png_bytes

ADD_IMAGE_URL = "/admin/library/image/add/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    user = User.objects.create_user("eddie", password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (37.0, 33.0, 59.0)
    return jpeg_bytes(1400, 700, exif=exif.tobytes())


def bilevel_png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")  # compresses to a few KB: a classic bomb
    return buffer.getvalue()


def upload(editor_client, content: bytes, name: str, **overrides):
    return editor_client.post(ADD_IMAGE_URL, image_form(content=content, name=name, **overrides))


def stored_files() -> set[Path]:
    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4 definitely not an image", "notes.jpg", "Upload a valid image"),
        (jpeg_bytes(400, 300)[:700], "cut.jpg", "not a complete image"),
        (bilevel_png(7_000, 7_000), "big.png", "too large"),
        (bilevel_png(10_000, 10_000), "bomb.png", "Upload a valid image"),
        (bilevel_png(70_000, 10), "strip.png", "This image is 70000 x 10 pixels: neither side may exceed 16383"),
        (bilevel_png(10, 20_000), "pole.png", "This image is 10 x 20000 pixels: neither side may exceed 16383"),
    ],
    ids=["not-an-image", "truncated", "over-pixel-limit", "decompression-bomb", "too-wide", "too-tall"],
)
def test_bad_uploads_are_form_errors_and_nothing_is_stored(editor_client, content, name, message):
    stored_before = stored_files()

    response = upload(editor_client, content, name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LibraryImage.objects.exists()
    assert stored_files() == stored_before


def test_image_without_alt_text_is_a_form_error(editor_client):
    response = upload(editor_client, png_bytes(), "harbour.png", alt="")
    assert response.status_code == 200
    assert not LibraryImage.objects.exists()


def test_bad_upload_on_an_existing_image_keeps_what_was_stored(editor_client):
    upload(editor_client, png_bytes(640, 400), "first.png")
    image = LibraryImage.objects.get()
    original_name = image.file.name

    data = image_form(file=SimpleUploadedFile("x.jpg", b"garbage"))
    response = editor_client.post(f"/admin/library/image/{image.pk}/change/", data)

    assert response.status_code == 200 and "Upload a valid image" in response.content.decode()
    image.refresh_from_db()
    assert image.file.name == original_name and default_storage.exists(original_name)


def test_upload_is_reencoded_without_exif_or_gps_and_renditions_are_made(
    editor_client, section, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(editor_client, gps_jpeg(), "spy.jpg")
    assert response.status_code == 302
    picture = LibraryImage.objects.get()
    assert editor_client.post("/admin/articles/article/add/", article_form(section, hero=picture.pk)).status_code == 302
    article = Article.objects.get()

    with default_storage.open(article.hero_image.name) as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0 and not image.info.get("exif")
    for width in (320, 640, 1280):
        for ext in ("webp", "jpg"):
            assert default_storage.exists(rendition_name(article.hero_image.name, width, ext))
    with default_storage.open(rendition_name(article.hero_image.name, 640, "webp")) as small, Image.open(small) as im:
        assert im.size == (640, 320)

    page = client.get(article.get_absolute_url()).content.decode()
    assert "-320.webp 320w" in page and "-1280.jpg 1280w" in page


def test_small_originals_are_not_upscaled(editor_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(editor_client, png_bytes(500, 250), "small.png")
    image = LibraryImage.objects.get()
    assert default_storage.exists(rendition_name(image.file.name, 320, "webp"))
    assert not default_storage.exists(rendition_name(image.file.name, 640, "webp"))


def test_an_upload_over_the_size_cap_is_a_form_error_and_nothing_is_stored(editor_client, settings):
    settings.NEWSROOM_MAX_UPLOAD_BYTES = 100_000
    stored_before = stored_files()
    big = png_bytes(64, 48) + b"\0" * 150_000  # Pillow would read it: the cap must refuse it first

    response = upload(editor_client, big, "huge.png")

    assert response.status_code == 200
    assert "This file is 146.6\xa0KB; the largest upload is 97.7\xa0KB." in response.content.decode()
    assert not LibraryImage.objects.exists()
    assert stored_files() == stored_before


def test_the_default_size_cap_is_20_megabytes():
    assert settings.NEWSROOM_MAX_UPLOAD_BYTES == 20 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024  # larger uploads spool to disk, not memory
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024


def transparent_png(width: int, height: int) -> bytes:
    """A red square in the middle of an otherwise fully transparent picture."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.paste((220, 20, 20, 255), (width // 4, height // 4, 3 * width // 4, 3 * height // 4))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_transparency_survives_in_webp_and_turns_white_not_black_in_jpeg(
    editor_client, django_capture_on_commit_callbacks
):
    from articles.media import renditions

    with django_capture_on_commit_callbacks(execute=True):
        assert upload(editor_client, transparent_png(800, 600), "logo.png").status_code == 302
    image = LibraryImage.objects.get()

    with default_storage.open(rendition_name(image.file.name, 640, "webp")) as f, Image.open(f) as webp:
        assert webp.mode == "RGBA"
        assert webp.getpixel((2, 2))[3] == 0 and webp.getpixel((320, 240))[3] == 255
    jpegs = [rendition_name(image.file.name, 640, "jpg"), renditions.social_card_name(image)]
    jpegs += [renditions.square_name(image, size) for size in renditions.SQUARE_SIZES]
    for name in jpegs:
        with default_storage.open(name) as f, Image.open(f) as jpeg:
            assert jpeg.mode == "RGB", name
            assert min(jpeg.getpixel((1, 1))) >= 250, name  # white corner, where a plain RGB convert is black
