"""A full media disk: an upload gets a form error (not a 500) and nothing half-written stays on the disk; a
rendition that did not fit leaves no half file that a later run would take for done."""

import errno
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage

from articles import images
from articles.media import renditions
from articles.media.models import Image
from articles.media.tasks import make_image_renditions
from tests.builders import jpeg_bytes, library_image

pytestmark = pytest.mark.django_db
ADD = "/admin/library/image/add/"
DISK_FULL = "The media disk is full, so this image was not saved."


def files_in(root) -> set[str]:
    return {str(path.relative_to(root)) for path in Path(root).rglob("*") if path.is_file()}


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


class DiskFull:
    """The local disk fills up after `room` more bytes: the write that does not fit writes what fits, then fails."""

    def __init__(self, monkeypatch, media_root: Path, room: int):
        self.room, self.media_root, self.real_fdopen = room, str(media_root), os.fdopen
        monkeypatch.setattr(os, "fdopen", self.fdopen)

    def fdopen(self, fd, mode="r", *args, **kwargs):
        handle = self.real_fdopen(fd, mode, *args, **kwargs)
        if "w" in mode and os.readlink(f"/proc/self/fd/{fd}").startswith(self.media_root):
            return Filling(handle, self)
        return handle


class Filling:
    def __init__(self, handle, disk: DiskFull):
        self.handle, self.disk = handle, disk

    def write(self, data) -> int:
        fits = data[: self.disk.room]
        self.handle.write(fits)
        self.handle.flush()
        self.disk.room -= len(fits)
        if len(fits) < len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return len(data)

    def close(self) -> None:
        self.handle.close()


@pytest.fixture
def editor(client):
    client.force_login(User.objects.create_superuser("chief", password="pw-for-tests-only"))
    return client


def upload(client, *, name="harbour.jpg", url=ADD):
    picture = SimpleUploadedFile(name, jpeg_bytes(640, 400), content_type="image/jpeg")
    return client.post(url, {"file": picture, "alt": "Harbour", "focal_x": "0.5", "focal_y": "0.5"})


@pytest.mark.parametrize("room", [0, 2000], ids=["nothing-fits", "half-fits"])
def test_an_upload_to_a_full_disk_is_a_form_error_and_leaves_nothing(editor, media_root, monkeypatch, room):
    DiskFull(monkeypatch, media_root, room=room)

    response = upload(editor)

    assert response.status_code == 200
    page = response.content.decode()
    assert DISK_FULL in page and "Please correct the error below." in page
    assert files_in(media_root) == set()
    assert Image.objects.count() == 0


def test_a_replacement_file_that_does_not_fit_keeps_the_image_as_it_was(editor, media_root, monkeypatch):
    image = library_image(content=jpeg_bytes(320, 200))
    before = files_in(media_root)
    DiskFull(monkeypatch, media_root, room=100)

    response = upload(editor, name="replacement.jpg", url=f"/admin/library/image/{image.pk}/change/")

    assert response.status_code == 200 and DISK_FULL in response.content.decode()
    assert files_in(media_root) == before
    assert Image.objects.get().file.name == image.file.name


def test_other_storage_errors_say_what_failed(editor, media_root, monkeypatch):
    def refuse(storage, name, content):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(type(default_storage._wrapped), "_save", refuse)
    response = upload(editor)

    assert response.status_code == 200
    assert "The media store could not save this image (Permission denied), so it was not saved." in (
        response.content.decode()
    )
    assert Image.objects.count() == 0


def test_an_upload_after_space_is_freed_works(editor, media_root, monkeypatch):
    disk = DiskFull(monkeypatch, media_root, room=0)
    assert upload(editor).status_code == 200
    disk.room = 10**9

    assert upload(editor).status_code == 302
    assert Image.objects.get().file.name in files_in(media_root)


def test_a_rendition_that_does_not_fit_leaves_no_half_file_and_is_made_on_the_next_run(media_root, monkeypatch):
    image = library_image(content=jpeg_bytes(1600, 900), ready=False)
    disk = DiskFull(monkeypatch, media_root, room=4000)  # 320 and 640 fit; the 1280 WebP is cut short

    with pytest.raises(images.MediaNotStored, match="The media disk is full"):
        make_image_renditions.call(image.pk)
    for name in files_in(media_root):
        with default_storage.open(name) as stored, PillowImage.open(stored) as opened:
            opened.load()  # every file left is a whole picture
    disk.room = 10**9
    make_image_renditions.call(image.pk)

    image.refresh_from_db()
    assert image.sizes_ready and image.crops_ready
    for name in [renditions.social_card_name(image), images.rendition_name(image.file.name, 1280, "webp")]:
        with default_storage.open(name) as stored, PillowImage.open(stored) as opened:
            opened.load()
