import io
import re
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone
from PIL import Image

from articles import images
from articles.engagement.models import PopularityBucket, Vote
from articles.engagement.ranking import rank_popular_articles
from articles.media import renditions
from articles.media.models import Image as LibraryImage
from articles.models import Article, Section, TaggedArticle
from articles.sanitize import sanitize_html

pytestmark = pytest.mark.django_db

ARTICLES = 40


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO(), **{"articles": ARTICLES, "images": 3, **options})
    return out.getvalue()


def test_seed_creates_sections_tags_articles_and_votes():
    output = seed()

    assert Article.objects.count() == ARTICLES
    assert f"Articles: {ARTICLES} created" in output
    asia = Section.objects.get(slug="asia")
    assert [c.name for c in asia.path()] == ["World", "Asia"]
    assert Section.objects.filter(parent__isnull=True).count() >= 6
    # every article has tags, through our own TaggedArticle model
    assert not Article.objects.annotate(n=Count("tagged_items")).filter(n=0).exists()
    assert TaggedArticle.objects.count() >= 2 * ARTICLES
    assert Vote.objects.exists()
    assert all(v.startswith("a:demo-") for v in Vote.objects.values_list("voter_key", flat=True))


def test_vote_count_equals_vote_rows_for_every_article():
    seed()

    counts = Article.objects.annotate(rows=Count("votes")).values_list("vote_count", "rows")
    assert all(vote_count == rows for vote_count, rows in counts)
    assert sum(rows for _, rows in counts) == Vote.objects.count() > 0


def test_popularity_buckets_add_up_to_the_counters_and_feed_the_ranking():
    seed()

    out = io.StringIO()
    call_command("reconcile_counts", stdout=out)
    assert "No drift" in out.getvalue()
    totals = PopularityBucket.objects.aggregate(views=Sum("views"), votes=Sum("votes"))
    assert totals["views"] == Article.objects.aggregate(n=Sum("view_count"))["n"] > 0
    assert totals["votes"] == Vote.objects.count()
    week = rank_popular_articles(window=timedelta(days=7), limit=8)
    assert week and all(a.is_published for a in week)


def test_mix_of_published_scheduled_drafts_and_picks():
    seed()
    now = timezone.now()

    assert Article.objects.drafts().exists()
    assert Article.objects.scheduled().exists()
    published = Article.objects.published()
    assert published.count() >= ARTICLES * 0.8
    oldest = published.order_by("published_at").first().published_at
    assert now - timezone.timedelta(days=61) < oldest < now - timezone.timedelta(days=7)
    picks = Article.objects.filter(is_editors_pick=True).order_by("editors_pick_order")
    assert [a.editors_pick_order for a in picks] == list(range(1, 9))
    assert set(picks) <= set(published)
    assert not Article.objects.exclude(status="published").exclude(view_count=0).exists()  # drafts have no views


def test_readers_see_published_articles_but_not_drafts_or_scheduled(client):
    seed()
    published = Article.objects.published()
    newest = published.first()

    home = client.get("/").content.decode()
    assert f"total {published.count()}" in home
    assert newest.get_absolute_url() in home and newest.title in home

    page = client.get(newest.get_absolute_url()).content.decode()
    assert newest.dateline in page and "(NDW)" in page
    for hidden in [Article.objects.drafts().first(), Article.objects.scheduled().first()]:
        assert client.get(hidden.get_absolute_url()).status_code == 404


def test_second_run_creates_nothing_and_says_so():
    seed()
    before = (Article.objects.count(), Vote.objects.count(), TaggedArticle.objects.count(), Section.objects.count())

    output = seed()

    after = (Article.objects.count(), Vote.objects.count(), TaggedArticle.objects.count(), Section.objects.count())
    assert after == before
    assert f"Articles: 0 created (0 published, 0 scheduled, 0 drafts, 0 editors' picks), {ARTICLES} skipped" in output
    assert "Sections: 0 created" in output and "Tags: 0 created" in output and "Votes: 0 created" in output


def test_asking_for_more_adds_only_the_missing_articles():
    seed()
    first_slugs = set(Article.objects.values_list("slug", flat=True))

    output = seed(articles=ARTICLES + 10)

    assert "Articles: 10 created" in output and f"{ARTICLES} skipped" in output
    assert first_slugs < set(Article.objects.values_list("slug", flat=True))
    assert Article.objects.count() == ARTICLES + 10


def test_if_empty_seeds_an_empty_database_and_leaves_a_filled_one_alone(make_article):
    make_article(title="Written by a real editor")

    output = seed(if_empty=True)

    assert "skipped: the database already has 1 articles" in output
    assert list(Article.objects.values_list("title", flat=True)) == ["Written by a real editor"]
    Article.objects.all().delete()
    assert f"Articles: {ARTICLES} created" in seed(if_empty=True)


def test_bodies_are_clean_html_with_paragraphs():
    seed()

    for body in Article.objects.values_list("body", flat=True):
        assert body.startswith("<p>") and body.count("<p>") >= 4
        assert "<script" not in body.lower() and not re.search(r"<[^>]*\son\w+\s*=", body)
        assert sanitize_html(body) == body  # already passed through the allowlist


def test_hero_images_are_stored_reencoded_with_renditions(client):
    seed()
    with_hero = Article.objects.published().exclude(hero=None).select_related("hero")
    names = set(with_hero.values_list("hero__file", flat=True))

    assert 1 <= len(names) <= 3  # a few shared library images, not one per article
    assert LibraryImage.objects.count() == 3  # --images 3: each a library image, shared by many articles
    for name in names:
        with default_storage.open(name, "rb") as handle, Image.open(handle) as image:
            assert image.format == "JPEG" and image.size == (1280, 720)
            assert not image.getexif()
        for width in images.rendition_widths(1280):
            assert default_storage.exists(images.rendition_name(name, width, "webp"))
            assert default_storage.exists(images.rendition_name(name, width, "jpg"))
    article = with_hero.first()
    assert article.hero_alt and article.hero_credit and article.hero_width == 1280
    assert default_storage.exists(renditions.social_card_name(article.hero))
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'alt="{article.hero_alt}"' in page
    assert images.rendition_name(article.hero_image.name, 640, "webp") in page


def test_same_seed_gives_same_articles_and_another_seed_different_ones():
    seed(articles=5)
    slugs = list(Article.objects.order_by("slug").values_list("slug", flat=True))
    Vote.objects.all().delete()
    Article.objects.all().delete()

    seed(articles=5)
    assert list(Article.objects.order_by("slug").values_list("slug", flat=True)) == slugs
    seed(articles=5, seed=7)
    assert Article.objects.count() == 10


def test_archive_seeds_a_year_of_a_busy_site_with_exact_votes():
    from taggit.models import Tag

    seed(articles=120, archive=True)

    live = Article.objects.published()
    assert Tag.objects.count() == 2000
    # Tags are used unevenly: the most used archive tag is on far more articles than the median one.
    uses = sorted(Tag.objects.annotate(n=Count("articles_taggedarticle_items")).values_list("n", flat=True))
    assert uses[-1] >= 5 * max(1, uses[len(uses) // 2])
    oldest = live.order_by("published_at").first().published_at
    assert oldest < timezone.now() - timedelta(days=90)  # a year, not the default 60 days
    assert PopularityBucket.objects.filter(period_start__lt=timezone.now() - timedelta(days=90)).exists()
    votes = Vote.objects.count()
    assert votes >= 10 * live.count()  # over ten a story: a million at 100,000 articles
    assert votes == live.aggregate(total=Sum("vote_count"))["total"]
