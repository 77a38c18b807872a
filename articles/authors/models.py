"""Defines: an author's public profile: one per account that writes, shown on their page and linked from bylines."""

from django.conf import settings
from django.db import models

from newsroom.cache import shows_author
from newsroom.cache_entries import collecting, shows_read
from newsroom.cached_reverse import cached_reverse


class Author(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="author_profile",
        help_text="The account whose articles (their Author field) are this author's.",
    )
    name = models.CharField(max_length=120, help_text="As readers see it, e.g. “Jane Doe”.")
    slug = models.SlugField(max_length=120, unique=True, help_text="The author page's address: /author/<slug>/.")
    bio = models.TextField(max_length=600, blank=True, help_text="Two or three sentences for the author page.")
    photo = models.ForeignKey(
        "library.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_photo_of",
        help_text="From the media library; shown square.",
    )

    class Meta:
        db_table = "articles_author"  # from before authors were an app of their own (authors/migrations/0001)
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return cached_reverse("articles:author", slug=self.slug)

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None) -> "Author":
        author = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        if collecting():  # a page or block is being built: it shows the profile it loads (newsroom/cache.py)
            shows_read(shows_author(author.pk))
        return author
