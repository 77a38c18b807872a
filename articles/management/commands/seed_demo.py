"""Writes: seed demo content: sections, tags, hero images, authors, articles, votes and views.

Idempotent: every article's slug comes from the seed and its index, so a second run skips what is already
there and creates only what is missing (`--articles 200` after the default adds the next 80). Articles are
written with `bulk_create` in batches (one transaction per batch), which sanitises bodies as `save()` does,
each with its first kept version (`articles.desk.base_versions`), as the publishing services would keep;
`vote_count` is set to exactly the number of Vote rows created with the article in the same transaction.
Views and votes are also written into popularity buckets spread over the days since publication, so the
buckets add up to the counters (what `reconcile_counts` checks) and the Ranking windows have real data.
"""

import itertools
import random
import sys
import time
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.apps import apps
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, router, transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image
from taggit.models import Tag
from tqdm import tqdm

from articles import images
from articles.authors.models import Author
from articles.demo import pictures, stories, words
from articles.desk.base_versions import versions_store_first
from articles.engagement.models import PopularityBucket, Vote
from articles.media.models import Image as LibraryImage
from articles.media.renditions import make_renditions
from articles.models import Article, Section, TaggedArticle
from articles.search_hints import search_words_refresh
from articles.signals import reader_visible_update

IMAGE_DIR = "heroes/demo"
ARCHIVE_TAGS = 2000  # --archive: tags in all
ARCHIVE_DAYS = 365
HERO_CREDIT = "Illustration: Newsroom demo generator"
DEMO_COMMENT = "Demo content."
DEMO_AUTHORS = 8


@dataclass(frozen=True)
class DemoSection:
    section: Section
    topic: str
    region: str | None


class Command(BaseCommand):
    help = "Create demo sections, tags, hero images and original generated articles (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=120, help="How many articles to have (default 120).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: same seed, same articles and slugs.")
        parser.add_argument("--images", type=int, default=16, help="Distinct hero images to generate (default 16).")
        parser.add_argument("--batch-size", type=int, default=1000, help="Articles per bulk insert (default 1000).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already has articles."
        )
        parser.add_argument(
            "--archive",
            action="store_true",
            help="A year of a busy site (for benchmarks): articles over 365 days, ~2,000 tags used unevenly, "
            "votes on every live article (over a million at 100,000 articles).",
        )

    def handle(
        self, *args, articles: int, seed: int, images: int, batch_size: int, if_empty: bool, archive: bool, **options
    ):
        if articles < 0 or images < 1 or batch_size < 1:
            raise CommandError("--articles must be >= 0, --images and --batch-size >= 1.")
        self.verbosity = options.get("verbosity", 1)
        existing = Article.objects.count()
        if if_empty and existing:
            self.report(f"Demo content skipped: the database already has {existing} articles (--if-empty).")
            return
        started = time.monotonic()
        self.archive = archive
        sections = self.seed_sections()
        tags = self.seed_tags()
        stored_images = self.seed_images(seed=seed, count=images)
        self.authors = self.seed_authors(seed=seed, stored_images=stored_images)
        self.seed_articles(
            count=articles, seed=seed, sections=sections, tags=tags, stored_images=stored_images, batch_size=batch_size
        )
        self.report(self.style.SUCCESS(f"Demo content ready in {time.monotonic() - started:.1f} s."))

    def report(self, message: str) -> None:
        if self.verbosity >= 1:
            self.stdout.write(message)

    # Sections and tags --------------------------------------------------------------------------------

    def seed_sections(self) -> list[DemoSection]:
        sections, created = [], 0
        for position, (name, slug, topic, children) in enumerate(words.SECTIONS):
            parent, made = Section.objects.get_or_create(
                slug=slug, defaults={"name": name, "position": position, "description": f"News from {name}."}
            )
            created += made
            sections.append(DemoSection(parent, topic, None))
            for child_position, (child_name, child_slug, region) in enumerate(children):
                child, made = Section.objects.get_or_create(
                    slug=child_slug,
                    defaults={
                        "name": child_name,
                        "parent": parent,
                        "position": child_position,
                        "description": f"{child_name}: part of {name}.",
                    },
                )
                created += made
                sections.append(DemoSection(child, region, region if region in words.PLACES else None))
        self.report(f"Sections: {created} created, {len(sections) - created} already there.")
        return sections

    def seed_tags(self) -> dict[str, Tag]:
        names = words.all_tag_names()
        self.archive_tags = words.archive_tag_names(ARCHIVE_TAGS - len(names)) if self.archive else []
        self.archive_weights = list(itertools.accumulate(1 / rank for rank in range(1, len(self.archive_tags) + 1)))
        wanted = {name: slugify(name) for name in [*names, *self.archive_tags]}
        found = {t.slug: t for t in Tag.objects.filter(slug__in=wanted.values())}
        missing = [Tag(name=name.replace("-", " "), slug=slug) for name, slug in wanted.items() if slug not in found]
        Tag.objects.bulk_create(missing)
        found.update({t.slug: t for t in Tag.objects.filter(slug__in=[t.slug for t in missing])})
        self.report(f"Tags: {len(missing)} created, {len(wanted) - len(missing)} already there.")
        return {name: found[slug] for name, slug in wanted.items()}

    # Hero images ----------------------------------------------------------------------------------------

    def seed_images(self, *, seed: int, count: int) -> list[LibraryImage]:
        """Generate `count` illustrations, re-encode them like an upload, put them in the media library and
        make their renditions (widths, social card, squares).

        Articles share these: 100,000 articles still need only `count` library images.
        """
        stored, created, renditions = [], 0, 0
        for number in range(count):
            generated = pictures.generate_image(seed=seed, number=number)
            name = f"{IMAGE_DIR}/{generated.name}.jpg"
            if not default_storage.exists(name):
                new_name, content, _, _ = images.reencode(ContentFile(generated.content), f"{generated.name}.png")
                name = default_storage.save(str(PurePosixPath(IMAGE_DIR) / new_name), content)
                created += 1
            with default_storage.open(name, "rb") as handle, Image.open(handle) as image:
                width, height = image.size
            picture, _ = LibraryImage.objects.get_or_create(
                file=name,
                defaults={"width": width, "height": height, "alt": generated.alt, "caption": generated.caption,
                          "credit": HERO_CREDIT, "file_size": default_storage.size(name)},
            )  # fmt: skip
            renditions += len(make_renditions(picture))  # idempotent: writes only missing renditions
            reader_visible_update(LibraryImage.objects.filter(pk=picture.pk), sizes_ready=True, crops_ready=True)
            picture.sizes_ready = picture.crops_ready = True
            stored.append(picture)
        self.report(
            f"Hero images: {created} created, {count - created} already there ({renditions} renditions written)."
        )
        return stored

    def seed_authors(self, *, seed: int, stored_images: list[LibraryImage]) -> list[Author]:
        """`DEMO_AUTHORS` writers, each an account (no password: nobody signs in as one) with a public profile:
        name, address, photo and a short bio. Articles are spread among them."""
        rng = random.Random(f"newsroom-demo-authors:{seed}")
        names = list(dict.fromkeys(stories.person(rng) for _ in range(DEMO_AUTHORS * 3)))[:DEMO_AUTHORS]
        authors = []
        for number, name in enumerate(names):
            slug = slugify(name)
            user, created = User.objects.get_or_create(username=f"demo-{slug}", defaults={"first_name": name})
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            beat = rng.choice(sorted(words.TOPICS))
            author, _ = Author.objects.get_or_create(
                user=user,
                defaults={"name": name, "slug": slug, "photo": stored_images[number % len(stored_images)],
                          "bio": f"{name} writes about {beat} for the Newsroom demo. {DEMO_COMMENT}"},
            )  # fmt: skip
            authors.append(author)
        self.report(f"Authors: {len(authors)} with profiles.")
        return authors

    # Articles, tags, votes ------------------------------------------------------------------------------

    def seed_articles(self, *, count, seed, sections, tags, stored_images, batch_size) -> None:
        now = timezone.now()
        totals = {"created": 0, "skipped": 0, "published": 0, "scheduled": 0, "drafts": 0, "picks": 0, "votes": 0}
        progress = tqdm(
            total=count, unit="article", desc="Articles", file=sys.stderr, disable=self.verbosity < 1 or not count
        )
        with progress:
            for start in range(0, count, batch_size):
                planned = [
                    self.plan_article(index, seed=seed, now=now, sections=sections, stored_images=stored_images)
                    for index in range(start, min(count, start + batch_size))
                ]
                slugs = [article.slug for article, _, _ in planned]
                existing = set(Article.objects.filter(slug__in=slugs).values_list("slug", flat=True))
                new = [plan for plan in planned if plan[0].slug not in existing]
                totals["skipped"] += len(planned) - len(new)
                if new:
                    self.insert_batch(new, tags=tags, totals=totals, now=now)
                progress.update(len(planned))
                reset_queries()  # with DEBUG on, Django keeps every (large) INSERT in memory otherwise
        self.report(
            f"Articles: {totals['created']} created ({totals['published']} published, {totals['scheduled']} "
            f"scheduled, {totals['drafts']} drafts, {totals['picks']} editors' picks), "
            f"{totals['skipped']} skipped (already there)."
        )
        self.report(f"Votes: {totals['votes']} created.")
        if totals["created"]:
            self.refresh_statistics()
            if connection.vendor == "postgresql":  # "did you mean" learns the new stories' words
                self.report(f"Search suggestions: {search_words_refresh()} words.")

    def refresh_statistics(self) -> None:
        """ANALYZE the bulk-loaded tables, as autovacuum (PostgreSQL) would later. Without statistics both
        databases plan for a near-empty table: PostgreSQL took 30 ms instead of 0.2 ms for the home page at
        10,000 articles; SQLite walked every published article for the editors' picks (home 42 ms → 21 ms).
        On PostgreSQL, VACUUM also marks pages all-visible so counts use index-only scans."""
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            return
        if connection.vendor != "postgresql":
            return
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            for model in (Article, TaggedArticle, Vote, Tag, Section, PopularityBucket):
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")

    def plan_article(self, index, *, seed, now, sections, stored_images) -> tuple[Article, list[str], int]:
        """An unsaved Article plus its tag names and vote count, all determined by (seed, index)."""
        rng = random.Random(f"newsroom-demo-placement:{seed}:{index}")
        section = rng.choice(sections)
        text = stories.generate_article(seed=seed, index=index, topic_key=section.topic, region=section.region)
        days = ARCHIVE_DAYS if self.archive else 60
        schedule = stories.schedule_for(seed=seed, index=index, now=now, days=days, archive=self.archive)
        tag_names = text.tags
        if self.archive_tags:  # one or two more, the first tags far more often than the last (Zipf-like)
            extra = rng.choices(self.archive_tags, cum_weights=self.archive_weights, k=rng.randint(1, 2))
            tag_names = list(dict.fromkeys([*text.tags, *extra]))
        hero = rng.choice(stored_images) if rng.random() < 0.85 else None
        author = random.Random(f"newsroom-demo-author:{seed}:{index}").choice(self.authors)
        article = Article(
            title=text.title,
            slug=text.slug,
            summary=text.summary,
            body=text.body,  # sanitised by Article.objects.bulk_create, as by save()
            author=author.user,
            byline=f"By {author.name}",
            dateline=text.dateline,
            section=section.section,
            status=schedule.status,
            published_at=schedule.published_at,
            is_editors_pick=schedule.is_editors_pick,
            editors_pick_order=schedule.editors_pick_order,
            vote_count=schedule.vote_count,
            view_count=schedule.view_count,
            hero=hero,
        )
        return article, tag_names, schedule.vote_count

    @staticmethod
    def plan_buckets(article: Article, now) -> list[PopularityBucket]:
        """Split an article's views and votes over up to three periods since it was published: hourly
        buckets for the last two days, daily ones before (as the roll-up would have left them)."""
        if not (article.view_count or article.vote_count) or article.published_at is None:
            return []
        start = min(article.published_at, now)
        age_hours = int((now - start).total_seconds() // 3600)
        periods = sorted({start + timezone.timedelta(hours=age_hours * i // 3) for i in range(3)})
        buckets = []
        for i, moment in enumerate(periods):
            share_views = article.view_count // len(periods) + (article.view_count % len(periods) if i == 0 else 0)
            share_votes = article.vote_count // len(periods) + (article.vote_count % len(periods) if i == 0 else 0)
            recent = now - moment < timezone.timedelta(days=2)
            buckets.append(
                PopularityBucket(
                    article=article,
                    granularity=PopularityBucket.Granularity.HOUR if recent else PopularityBucket.Granularity.DAY,
                    period_start=PopularityBucket.hour_of(moment) if recent else PopularityBucket.day_of(moment),
                    views=share_views,
                    votes=share_votes,
                )
            )
        return buckets

    @transaction.atomic
    def insert_batch(self, new, *, tags, totals, now) -> None:
        """Articles, their tags, first versions and votes in one transaction, so vote_count always equals the
        Vote rows and every article has a version a form can build on."""
        created = Article.objects.bulk_create([article for article, _, _ in new])
        TaggedArticle.objects.bulk_create(
            TaggedArticle(content_object=article, tag=tags[name])
            for article, (_, tag_names, _) in zip(created, new, strict=True)
            for name in tag_names
        )
        versions_store_first(apps=apps, using=router.db_for_write(Article), articles=created, comment=DEMO_COMMENT)
        Vote.objects.bulk_create(
            Vote(article=article, voter_key=f"a:demo-{voter:05d}")
            for article, (_, _, votes) in zip(created, new, strict=True)
            for voter in range(votes)
        )
        PopularityBucket.objects.bulk_create(
            bucket for article in created for bucket in self.plan_buckets(article, now)
        )
        for article, _, votes in new:
            totals["created"] += 1
            totals["votes"] += votes
            totals["picks"] += article.is_editors_pick
            if article.status == Article.Status.DRAFT:
                totals["drafts"] += 1
            elif article.published_at > now:
                totals["scheduled"] += 1
            else:
                totals["published"] += 1
