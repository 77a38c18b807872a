"""A small newsroom for reader-page tests: nested sections, many tags, picks, drafts and scheduled stories."""

import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from articles.models import Article, Category


def landscape_jpeg(width: int, height: int) -> bytes:
    """A made-up stormy landscape (sky gradient, hills, sea), so screenshots look like a news page."""
    image = Image.new("RGB", (width, height))
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
    world: Category
    asia: Category
    business: Category
    sports: Category
    articles: list[Article] = field(default_factory=list)
    draft: Article | None = None
    scheduled: Article | None = None


def build_newsroom(*, count: int = 36, tags_per_article: int = 4, hero: bool = False) -> Newsroom:
    """`count` published articles over four sections, each with several of 12 tags, plus a draft and a
    scheduled story that share every tag (so leaks into widgets would show)."""
    use_public_domain()  # transactional tests flush the migration's site row; name it again
    world = Category.objects.create(name="World", slug="world", position=1)
    asia = Category.objects.create(name="Asia", slug="asia", parent=world)
    business = Category.objects.create(name="Business", slug="business", position=2)
    sports = Category.objects.create(name="Sports", slug="sports", position=3)
    sections = [world, asia, business, sports]
    tag_names = [f"topic-{i}" for i in range(12)]
    now = timezone.now()
    room = Newsroom(world=world, asia=asia, business=business, sports=sports)
    for n in range(count):
        fields = {
            "title": f"Story {n:02d} about {tag_names[n % 12]}",
            "slug": f"story-{n:02d}",
            "summary": f"Summary of story {n:02d}.",
            "body": f"<p>Body text of story {n:02d} with some words.</p>",
            "category": sections[n % 4],
            "status": Article.Status.PUBLISHED,
            "published_at": now - timedelta(hours=n + 1),
            "byline": "By Test Writer",
            "dateline": "SEOUL, South Korea",
            "vote_count": (n * 7) % 23,
        }
        if hero and n == 0:
            fields.update(
                hero_image=SimpleUploadedFile("lead.jpg", landscape_jpeg(1280, 720), content_type="image/jpeg"),
                hero_alt="A street in the rain",
                hero_caption="Rain in the city.",
                hero_credit="Photo: Test",
            )
        article = Article.objects.create(**fields)
        article.tags.add(*{tag_names[(n + k) % 12] for k in range(tags_per_article)})
        room.articles.append(article)
    room.draft = Article.objects.create(
        title="Secret draft", slug="secret-draft", body="<p>x</p>", category=world, vote_count=999
    )
    room.draft.tags.add(*tag_names)
    room.scheduled = Article.objects.create(
        title="Future story",
        slug="future-story",
        body="<p>x</p>",
        category=world,
        status=Article.Status.PUBLISHED,
        published_at=now + timedelta(days=1),
        vote_count=999,
    )
    room.scheduled.tags.add(*tag_names)
    return room


SITE_DOMAIN = "news.example.com"


def use_public_domain() -> str:
    """Give the site a public domain unlike the test client's host, so absolute links prove where they come from."""
    from django.contrib.sites.models import Site

    Site.objects.update_or_create(pk=1, defaults={"domain": SITE_DOMAIN, "name": "Newsroom"})
    Site.objects.clear_cache()
    return f"http://{SITE_DOMAIN}"
