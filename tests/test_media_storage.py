"""Media past one machine: `NEWSROOM_MEDIA_STORAGE=s3` puts uploads in an S3-compatible bucket (django-storages),
tested against moto's S3 server (a real HTTP server on localhost); rendering pages asks the store nothing."""

import socket
from pathlib import Path

import boto3
import botocore.endpoint
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import override_settings
from moto.server import ThreadedMotoServer

from articles import images
from articles.media import renditions
from articles.media.tasks import make_image_renditions
from tests.builders import jpeg_bytes, library_image, settings_built_from, use_public_domain

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "newsroom-media"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test-key",
    "AWS_SECRET_ACCESS_KEY": "test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def media_storage_from_settings(**env) -> dict:
    """STORAGES["default"] as newsroom/settings/services.py builds it from these environment variables."""
    return settings_built_from(env, "from django.conf import settings; print(json.dumps(settings.STORAGES))")["default"]


def test_the_local_disk_is_the_default():
    storage = media_storage_from_settings(NEWSROOM_MEDIA_STORAGE="")
    assert storage == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


@pytest.fixture(scope="module")
def s3_endpoint():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_media(s3_endpoint, monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = boto3.resource("s3", endpoint_url=s3_endpoint, region_name="us-east-1").Bucket(BUCKET)
    bucket.create()
    media = media_storage_from_settings(
        NEWSROOM_MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME=BUCKET, AWS_S3_ENDPOINT_URL=s3_endpoint
    )
    assert media["BACKEND"] == "storages.backends.s3.S3Storage" and not media["OPTIONS"]["querystring_auth"]
    with override_settings(STORAGES={**settings.STORAGES, "default": media}):
        yield bucket
    bucket.objects.all().delete()
    bucket.delete()


@pytest.fixture
def store_requests(monkeypatch) -> list[str]:
    """Every request boto3 sends to the store, from now on."""
    sent = []
    original = botocore.endpoint.Endpoint.make_request

    def counting(endpoint, operation_model, request_dict):
        sent.append(operation_model.name)

        return original(endpoint, operation_model, request_dict)

    monkeypatch.setattr(botocore.endpoint.Endpoint, "make_request", counting)
    return sent


def test_uploads_and_renditions_go_to_the_bucket_and_pages_ask_the_store_nothing(
    s3_media, make_article, client, store_requests
):
    use_public_domain()
    hero = library_image(content=jpeg_bytes(2400, 1600), alt="Harbour at dawn")  # renditions made at once
    keys = {obj.key for obj in s3_media.objects.all()}
    assert f"media/{hero.file.name}" in keys
    assert f"media/{renditions.social_card_name(hero)}" in keys
    # the original, each width in each format (AVIF where Pillow writes it, WebP, JPEG), the card, two squares and
    # the 16:9, 4:3 and 1:1 crops
    widths = len(settings.NEWSROOM_HERO_RENDITION_WIDTHS)
    assert len(keys) == 1 + widths * len(images.RENDITION_FORMATS) + 1 + 2 + 3
    article = make_article(hero=hero)
    assert default_storage.url(hero.file.name).startswith(f"{s3_media.meta.client.meta.endpoint_url}/{BUCKET}/")

    store_requests.clear()
    html = client.get(article.get_absolute_url()).content.decode()
    client.get("/")
    client.get("/feed/")
    assert store_requests == []  # no exists(), size() or HEAD while rendering: names and URLs are computed
    assert f"{BUCKET}/media/{renditions.social_card_name(hero)}" in html and "-640.webp 640w" in html


def test_the_worker_makes_renditions_from_the_bucket(s3_media, store_requests):
    hero = library_image(content=jpeg_bytes(1600, 900), alt="Harbour", ready=False)
    make_image_renditions.call(hero.pk)
    assert {"GetObject", "PutObject"} <= set(store_requests)  # read the original, wrote the renditions
    hero.refresh_from_db()
    assert hero.sizes_ready and hero.crops_ready
