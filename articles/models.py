"""Defines: the content model: sections, articles and their tags, slug redirects."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from articles.media.heroes import HeroImageFields
from articles.sanitize import sanitize_html
from newsroom.cache import shows_article
from newsroom.cache_entries import collecting, shows_read
from newsroom.cached_reverse import cached_reverse

__all__ = ["Article", "Section", "SlugRedirect", "TaggedArticle"]


class Section(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, help_text="Used in the section's URL.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Leave empty for a main section (shown in the site header).",
    )
    description = models.TextField(blank=True, help_text="One or two sentences shown on the section page.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first in menus.")

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="section_not_own_parent"),
        ]

    def __str__(self) -> str:
        return " > ".join(c.name for c in self.path())

    def get_absolute_url(self) -> str:
        return cached_reverse("articles:section", slug=self.slug)

    def path(self) -> list["Section"]:
        """Ancestors from the top section down to this one (walks `parent`: one query per level)."""
        chain, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def clean(self) -> None:
        node, seen = self.parent, set()
        while node is not None and node.pk not in seen:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": "A section cannot be inside itself or one of its subsections."})
            seen.add(node.pk)
            node = node.parent


class TaggedArticle(TaggedItemBase):
    """django-taggit through model with a real foreign key (integrity, and joins taggit can index)."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_article_unique")]
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_article_tag_idx")]


NOT_TRASHED = Q(trashed_at__isnull=True)


class ArticleQuerySet(models.QuerySet):
    def for_listing(self) -> "ArticleQuerySet":
        """What lists and widgets show: the section and hero image alongside, and never the (large) body."""
        return self.select_related("section", "hero").defer("body")

    def published(self) -> "ArticleQuerySet":
        """What readers may see: status published, a publish time that has come, and not in the trash."""
        return self.not_in_trash().filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def indexable(self) -> "ArticleQuerySet":
        """What sitemaps list: not hidden from search engines, and canonical here (not first published elsewhere)."""
        return self.filter(noindex=False, canonical_url="")

    def scheduled(self) -> "ArticleQuerySet":
        return self.not_in_trash().filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def drafts(self) -> "ArticleQuerySet":
        return self.not_in_trash().filter(status=Article.Status.DRAFT)

    def not_in_trash(self) -> "ArticleQuerySet":
        return self.filter(trashed_at__isnull=True)

    def in_trash(self) -> "ArticleQuerySet":
        return self.filter(trashed_at__isnull=False)

    def bulk_create(self, objs, *args, **kwargs):
        # Bulk inserts skip `save()`; the sanitiser, the last line of defence, must not be skipped with it.
        objs = list(objs)
        for article in objs:
            article.body = sanitize_html(article.body)
        return super().bulk_create(objs, *args, **kwargs)


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self) -> ArticleQuerySet:
        # The search document is for the database's full-text index only; Python never needs to load it.
        return super().get_queryset().defer("search_document")


class Article(HeroImageFields, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The article's URL. Renaming it keeps the old URL redirecting."
    )
    summary = models.TextField(
        max_length=500, blank=True, help_text="One or two sentences for listings, feeds and search engines."
    )
    body = models.TextField(help_text="Article text. Scripts and unsafe markup are removed on save.")
    hero = models.ForeignKey(
        "library.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hero_of",
        verbose_name="hero image",
        help_text="From the media library: search, pick a recent one, or upload a new one with +.",
    )
    social_image = models.ForeignKey(
        "library.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="social_image_of",
        help_text="Link previews: a 1200x630 card cut around its focal point. Empty: the hero image.",
    )
    # Search and social: each empty by default, meaning "use the article's own" (articles/seo.py).
    meta_title = models.CharField(
        max_length=70, blank=True, help_text="The title in search results (about 60 characters). Empty: the headline."
    )
    meta_description = models.CharField(
        max_length=300,
        blank=True,
        help_text="The text under the title in search results (120-160 characters). Empty: the summary.",
    )
    social_title = models.CharField(
        max_length=120, blank=True, help_text="The title of link previews on social sites. Empty: the headline."
    )
    social_description = models.CharField(
        max_length=300, blank=True, help_text="The text of link previews. Empty: the meta description or summary."
    )
    canonical_url = models.URLField(
        "canonical URL",
        max_length=500,
        blank=True,
        help_text="Only when this story first appeared elsewhere: that address. Empty: this article's own.",
    )
    noindex = models.BooleanField(
        "hide from search engines", default=False, help_text="Ask search engines not to list this article."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="The account that owns this article.",
    )
    byline = models.CharField(max_length=200, blank=True, help_text='Shown to readers, e.g. "By Jane Doe".')
    dateline = models.CharField(max_length=120, blank=True, help_text='e.g. "SEOUL, South Korea (AP)".')
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    tags = TaggableManager(through=TaggedArticle, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="When readers can see it. A future time schedules the article; empty means now on publish.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    corrected_at = models.DateTimeField(
        null=True,
        editable=False,
        help_text="When readers were last told of a correction: the page reads its notes only then.",
    )
    is_editors_pick = models.BooleanField("editors' pick", default=False)
    editors_pick_order = models.PositiveSmallIntegerField(
        "pick order", default=0, help_text="Lower numbers come first among editors' picks."
    )
    exclude_from_ranking = models.BooleanField(
        default=False, help_text="Keep this article out of the popularity ranking (e.g. notices, corrections)."
    )
    ranking_pinned_until = models.DateTimeField(
        "pinned in ranking until",
        null=True,
        blank=True,
        help_text="Show this article at the top of the Ranking until this time. Empty: ranked by popularity.",
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Goes up by one with every saved change; a stale form is refused."
    )
    trashed_at = models.DateTimeField(
        "moved to the trash", null=True, blank=True, editable=False, help_text="Set while the article is in the trash."
    )
    vote_count = models.PositiveIntegerField(default=0, editable=False)
    view_count = models.PositiveBigIntegerField(default=0, editable=False)
    # PostgreSQL: kept current by a database trigger (title > summary > body) and GIN-indexed; unused on SQLite.
    search_document = SearchVectorField(null=True, editable=False)

    objects = ArticleManager()

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
        ]
        indexes = [
            # Readers' lists and their counts never see the trash: partial indexes keep counting index-only.
            models.Index(fields=["status", "-published_at"], condition=NOT_TRASHED, name="article_live_pub_idx"),
            models.Index(
                fields=["section", "status", "-published_at"], condition=NOT_TRASHED, name="article_live_sec_idx"
            ),
            # A section's Ranking sums the window's buckets of the section's rankable articles: their ids come from
            # this index alone (no table pages), so the cost follows the index, not how the archive lies on disk.
            models.Index(
                fields=["section", "published_at", "id"],
                condition=NOT_TRASHED & Q(status="published", exclude_from_ranking=False),
                name="article_rankable_sec_idx",
            ),
            # Related keeps its candidates that are published (every first view: ~100 of them, related.py's
            # RELATED_CANDIDATES). On PostgreSQL this index answers from itself, where the table's rows lie scattered.
            models.Index(
                fields=["id", "published_at"],
                condition=NOT_TRASHED & Q(status="published"),
                name="article_published_id_idx",
            ),
            models.Index(fields=["editors_pick_order"], condition=Q(is_editors_pick=True), name="article_picks_idx"),
            # Ranking looks pinned articles up on every rebuild: only the few pinned ones are in this index.
            models.Index(
                fields=["ranking_pinned_until"],
                condition=Q(ranking_pinned_until__isnull=False),
                name="article_pinned_idx",
            ),
        ]
        permissions = [("publish_article", "Can publish, schedule and unpublish articles")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # The last line of defence: whatever path writes an article, readers never get unsanitised HTML.
        # Everything else a save means (publish stamps, images, slug redirects) is in `articles.publishing`.
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return cached_reverse("articles:detail", slug=self.slug)

    def get_preview_url(self) -> str:
        return reverse("articles:preview", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at is not None and not self.is_published

    @property
    def was_updated(self) -> bool:
        """Edited after it was published (more than a minute later, so the publishing save itself doesn't count)."""
        if not (self.published_at and self.updated_at and self.created_at):
            return False
        return (self.updated_at - max(self.published_at, self.created_at)).total_seconds() > 60

    @property
    def author_page(self) -> models.Model | None:
        """The author's public profile (an `authors.Author`), when the account that owns the story has one. Load
        the article with `select_related("author__author_profile")` (the article views do): no query."""
        try:
            return self.author.author_profile if self.author_id else None
        except ObjectDoesNotExist:
            return None

    def clean(self) -> None:
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()  # "publish" with no time means now

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None) -> "Article":
        article = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        if collecting():  # a page or block is being built: it shows what it loads (newsroom/cache.py)
            shows_read(shows_article(article.pk))
        return article


class SlugRedirect(models.Model):
    """An old slug of a published article, so links shared before a rename keep working (301)."""

    old_slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="slug_redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.article_id}"
