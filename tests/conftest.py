import io

import pytest
from django.core.cache import cache
from django.utils import timezone
from PIL import Image

from articles.models import Article, Category


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def png_bytes(width: int = 64, height: int = 48, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(width: int = 64, height: int = 48, exif: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 200)).save(buffer, "JPEG", **({"exif": exif} if exif else {}))
    return buffer.getvalue()


@pytest.fixture
def category(db) -> Category:
    return Category.objects.create(name="World", slug="world")


@pytest.fixture
def make_article(db, category):
    counter = iter(range(1, 10_000))

    def make(**fields) -> Article:
        n = next(counter)
        fields.setdefault("title", f"Article {n}")
        fields.setdefault("slug", f"article-{n}")
        fields.setdefault("body", f"<p>Body of article {n}.</p>")
        fields.setdefault("category", category)
        fields.setdefault("status", Article.Status.PUBLISHED)
        if fields["status"] == Article.Status.PUBLISHED:
            fields.setdefault("published_at", timezone.now() - timezone.timedelta(hours=n))
        tags = fields.pop("tags", [])
        article = Article.objects.create(**fields)
        if tags:
            article.tags.add(*tags)
        return article

    return make
