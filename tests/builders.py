"""Helpers shared by the tests: images, admin form data, votes and views through the services, and a small
newsroom for reader pages (nested sections, many tags, picks, drafts and scheduled stories)."""

import functools
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image as PillowImage
from PIL import ImageDraw
from taggit.models import Tag

from articles.engagement import view_counts
from articles.engagement.buckets import buckets_add, hour_row, view_counts_record
from articles.engagement.reconcile import counts_reconcile
from articles.media.models import Image
from articles.models import Article, Section
from articles.portability.engagement import votes_merge
from articles.publishing import article_create, article_publish


def png_bytes(width: int = 64, height: int = 48, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(width: int = 64, height: int = 48, exif: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), (20, 120, 200)).save(buffer, "JPEG", **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def article_form(section, **overrides) -> dict:
    data = {
        "title": "Harbour reopens after storm",
        "slug": "harbour-reopens-after-storm",
        "summary": "Ships return to the bay.",
        "body": "<p>The harbour reopened on Tuesday.</p>",
        "section": section.pk,
        "tags": "weather, shipping",
        "byline": "By Test Writer",
        "dateline": "BUSAN, South Korea (AP)",
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "editors_pick_order": "0",
    }
    data.update(overrides)
    return data


def image_form(*, content: bytes | None = None, name: str = "picture.png", **overrides) -> dict:
    """What the media library's upload form posts."""
    data = {
        "file": SimpleUploadedFile(name, content or png_bytes(640, 400), content_type="image/png"),
        "alt": "A picture",
        "caption": "",
        "credit": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
    }
    data.update(overrides)
    return data


def library_image(
    *, content: bytes | None = None, name: str = "picture.jpg", by=None, ready: bool = True, **fields
) -> Image:
    """A library image uploaded through the service (re-encoded). `ready`: its renditions made at once, as the
    worker would after commit (a test's transaction never commits)."""
    from articles.media.services import image_create
    from articles.media.tasks import make_image_renditions

    fields.setdefault("alt", "A picture")
    upload = SimpleUploadedFile(name, content or jpeg_bytes(640, 400), content_type="image/jpeg")
    image = image_create(image=Image(file=upload, **fields), by=by)
    if ready:
        make_image_renditions.call(image.pk)
        image.refresh_from_db()
    return image


def record_view(article: Article, *, now=None) -> None:
    """One new reader's view, through the service readers' views go through."""
    counted = view_counts.view_register(article_id=article.pk, reader_key=f"reader-{uuid4().hex}", now=now)
    assert counted


def record_views(article: Article, count: int, *, at=None) -> None:
    """`count` views already counted (flushed into a bucket at `at`, default: when it was published)."""
    now = timezone.now()
    view_counts_record(article_id=article.pk, views=count, at=at or min(article.published_at or now, now))


def record_votes(article: Article, count: int, *, prefix: str = "reader", at=None) -> None:
    """`count` readers' votes for `article` at `at` (default: when it was published, or now for an article not out
    yet), as that many `votes.vote_add` calls leave them — the rows, the counter, the hour's bucket — written at
    once: the rows through the import's `votes_merge` (tests/test_votes.py checks that the two agree)."""
    now = timezone.now()
    at = at or min(article.published_at or now, now)
    with transaction.atomic():
        added = votes_merge(article_id=article.pk, votes=[(f"a:{prefix}-{n}", at) for n in range(count)])
        if added:
            Article.objects.filter(pk=article.pk).update(vote_count=F("vote_count") + added)
            buckets_add([hour_row(article.pk, at, votes=added)])


@functools.cache  # bytes, never changed: made once per size
def landscape_jpeg(width: int, height: int) -> bytes:
    """A made-up stormy landscape (sky gradient, hills, sea), so screenshots look like a news page."""
    image = PillowImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(70 + 90 * t), int(85 + 80 * t), int(110 + 70 * t)))
    draw.polygon([(0, height * 0.62), (width * 0.3, height * 0.45), (width * 0.55, height * 0.6),
                  (width * 0.8, height * 0.42), (width, height * 0.55), (width, height), (0, height)],
                 fill=(48, 72, 58))  # fmt: skip
    draw.rectangle([(0, height * 0.78), (width, height)], fill=(38, 62, 92))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@dataclass
class Newsroom:
    world: Section
    asia: Section
    business: Section
    sports: Section
    articles: list[Article] = field(default_factory=list)
    draft: Article | None = None
    scheduled: Article | None = None


def build_newsroom(*, count: int = 36, tags_per_article: int = 4, hero: bool = False) -> Newsroom:
    """`count` published articles over four sections, each with several of 12 tags, plus a draft and a
    scheduled story that share every tag (so leaks into widgets would show)."""
    use_public_domain()  # transactional tests flush the migration's site row; name it again
    world = Section.objects.create(name="World", slug="world", position=1)
    asia = Section.objects.create(name="Asia", slug="asia", parent=world)
    business = Section.objects.create(name="Business", slug="business", position=2)
    sports = Section.objects.create(name="Sports", slug="sports", position=3)
    room = Newsroom(world=world, asia=asia, business=business, sports=sports)
    add_stories(room, count=count, tags_per_article=tags_per_article, hero=hero)
    now = timezone.now()
    # More votes than any published story, so a leak into Ranking would show at the top.
    room.draft = article_create(
        article=Article(title="Secret draft", slug="secret-draft", body="<p>x</p>", section=world)
    )
    room.scheduled = article_publish(
        article=Article(title="Future story", slug="future-story", body="<p>x</p>", section=world),
        at=now + timedelta(days=1),
    )
    for hidden in (room.draft, room.scheduled):
        hidden.tags.add(*TAG_NAMES)
        record_votes(hidden, 30)
    assert counts_reconcile() == []  # the counters agree with the rows, as they would in production
    return room


TAG_NAMES = [f"topic-{i}" for i in range(12)]


def add_stories(room: Newsroom, *, count: int, tags_per_article: int = 4, hero: bool = False) -> None:
    """`count` more published stories, each an hour older than the last, spread over the room's sections."""
    sections = [room.world, room.asia, room.business, room.sports]
    # Tags given as rows, made once: taggit would look each name up again for every story.
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAG_NAMES]
    now = timezone.now()
    for n in range(len(room.articles), len(room.articles) + count):
        fields = {
            "title": f"Story {n:02d} about {TAG_NAMES[n % 12]}",
            "slug": f"story-{n:02d}",
            "summary": f"Summary of story {n:02d}.",
            "body": f"<p>Body text of story {n:02d} with some words.</p>",
            "section": sections[n % 4],
            "status": Article.Status.PUBLISHED,
            "published_at": now - timedelta(hours=n + 1),
            "byline": "By Test Writer",
            "dateline": "SEOUL, South Korea",
        }
        if hero and n == 0:
            fields["hero"] = library_image(
                content=landscape_jpeg(1280, 720),
                name="lead.jpg",
                alt="A street in the rain",
                caption="Rain in the city.",
                credit="Photo: Test",
            )
        article = article_create(article=Article(**fields))
        article.tags.add(*{tags[(n + k) % 12] for k in range(tags_per_article)})
        record_votes(article, (n * 7) % 23)
        room.articles.append(article)


SITE_DOMAIN = "news.example.com"


def use_public_domain() -> str:
    """Give the site a public domain unlike the test client's host, so absolute links prove where they come from."""
    from django.contrib.sites.models import Site

    Site.objects.update_or_create(pk=1, defaults={"domain": SITE_DOMAIN, "name": "Newsroom"})
    Site.objects.clear_cache()
    return f"http://{SITE_DOMAIN}"


def settings_built_from(env: dict, code: str):
    """What `code` prints as JSON, run in a fresh process whose settings (`newsroom.settings`, DEBUG on) are built
    from this environment: the way to check settings that are read once, at start-up."""
    result = subprocess.run(
        [sys.executable, "-c", f"import json, django; django.setup(); {code}"],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def query_plan(sql: str, params=(), *, vacuum: str) -> str:
    """A query's plan. On PostgreSQL the rows are committed and the table vacuumed, as a live table is, so an
    index-only scan is what the planner would choose by cost; it is told to prefer indexes, the test table
    being tiny. (Tests that read it need `django_db(transaction=True)`.)"""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(" ".join(str(column) for column in row) for row in cursor.fetchall())
        cursor.execute(f"VACUUM ANALYZE {vacuum}")
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(" ".join(str(column) for column in row) for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_bitmapscan")


def reads_index_alone(plan: str, index: str) -> bool:
    """Whether `plan` (from `query_plan`) reads `index` without visiting the table, in either direction."""
    if connection.vendor != "postgresql":
        return f"USING COVERING INDEX {index}" in plan
    return any("Index Only Scan" in line and f"using {index} on" in line for line in plan.splitlines())
