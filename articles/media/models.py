"""Defines: `Image`: one picture in the media library, with what readers are told about it and where to crop it."""

from django.conf import settings
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Q
from django.db.models import Value as V
from django.db.models.functions import Concat

from articles import images
from articles.media import renditions

FRACTION = [MinValueValidator(0.0), MaxValueValidator(1.0)]
# A chooser's word and a library word spelt otherwise: "harbor" and "harbour" 0.71, "colour" and "color" 0.57,
# "centre" and "center" 0.57; "harbor" and "hardware" 0.43 (pg_trgm's word_similarity).
SPELLING_SIMILARITY = 0.5
SPELLING_MIN_LENGTH = 4  # shorter words have too few trigrams to tell a variant from another word


class ImageQuerySet(models.QuerySet):
    def with_usage(self) -> "ImageQuerySet":
        """Each image with `usage`: its uses by articles (as a hero, a social image, a picture in a body)."""
        return self.annotate(
            usage=models.Count("hero_of", distinct=True)
            + models.Count("social_image_of", distinct=True)
            + models.Count("body_uses", distinct=True)
        )

    def search(self, term: str) -> "ImageQuerySet":
        """Images whose alt text, caption, credit or file name hold every word of `term`, in any case. On
        PostgreSQL a word of four letters or more also finds its other spellings and slips ("harbor" finds
        "harbour", "colour" finds "color"): trigram word similarity over the same words (pg_trgm, installed by
        the search's migration); on SQLite words match as typed."""
        found = self
        forgiving = connections[self.db].vendor == "postgresql"
        if forgiving:
            found = found.alias(
                _words=Concat(
                    "alt", V(" "), "caption", V(" "), "credit", V(" "), "file", output_field=models.TextField()
                )
            )
        for n, word in enumerate(term.split()):
            match = Q(alt__icontains=word) | Q(caption__icontains=word) | Q(credit__icontains=word)
            match |= Q(file__icontains=word)
            if forgiving and len(word) >= SPELLING_MIN_LENGTH:
                found = found.alias(**{f"_spelt{n}": TrigramWordSimilarity(word, "_words")})
                match |= Q(**{f"_spelt{n}__gte": SPELLING_SIMILARITY})
            found = found.filter(match)
        return found


class Image(models.Model):
    file = models.ImageField(
        upload_to="library/%Y/%m/",
        help_text="JPEG, PNG, WebP or GIF. Re-encoded on upload; all metadata is removed.",
    )
    # Stored on upload by `services` (no `width_field`/`height_field`: with those, Django opens the file on every
    # load while they are empty, and a missing file breaks every page showing the image). Empty for heroes from
    # before the library until `manage.py make_renditions` measures them.
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    # Kept so that feeds (enclosure length) never ask the store for it: no remote call while rendering.
    file_size = models.PositiveIntegerField(null=True, editable=False)
    alt = models.CharField("alt text", max_length=250, help_text="Describes the image for readers who cannot see it.")
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=150, blank=True, help_text='e.g. "Photo: Jane Doe/AP".')
    focal_x = models.FloatField(
        "focal point (across)", default=0.5, validators=FRACTION, help_text="0 = left edge, 1 = right edge."
    )
    focal_y = models.FloatField(
        "focal point (down)", default=0.5, validators=FRACTION, help_text="0 = top edge, 1 = bottom edge."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set by the renditions task once the files exist; until then pages use the original (never a broken srcset).
    sizes_ready = models.BooleanField(default=False, editable=False)  # srcset widths of the current file
    crops_ready = models.BooleanField(default=False, editable=False)  # card and squares at the current focal point

    objects = ImageQuerySet.as_manager()

    class Meta:
        db_table = "articles_image"  # from before the library was an app of its own (library/migrations/0001)
        ordering = ["-uploaded_at", "-id"]
        get_latest_by = "uploaded_at"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            ),
        ]

    def __str__(self) -> str:
        return self.alt or self.file.name

    def clean(self) -> None:
        if not self.alt.strip():
            raise ValidationError({"alt": "Describe the image for readers who cannot see it."})

    # --- renditions (names only: no storage calls, so a page never asks the store whether a file exists) ---

    @property
    def srcset_avif(self) -> str:
        """The AVIF srcset: "" where this Pillow writes no AVIF (`images.RENDITION_FORMATS`), or until made."""
        return renditions.srcset(self, "avif") if self.sizes_ready and "avif" in images.RENDITION_FORMATS else ""

    @property
    def srcset_webp(self) -> str:
        """The WebP srcset, or "" until the renditions are made (the page then uses the original)."""
        return renditions.srcset(self, "webp") if self.sizes_ready else ""

    @property
    def srcset_jpeg(self) -> str:
        return renditions.srcset(self, "jpg") if self.sizes_ready else ""

    @property
    def file_url(self) -> str:
        """The original's URL: `file.url`, the same string, without a storage call where the store is the local disk."""
        return images.media_url(self.file.name) if self.file else self.file.url

    @property
    def social_card_url(self) -> str:
        """The 1200x630 card, or the original until the card at the current focal point is made."""
        return renditions.url(renditions.social_card_name(self)) if self.crops_ready else self.file_url

    @property
    def social_card_size(self) -> tuple[int | None, int | None]:
        return renditions.SOCIAL_CARD_SIZE if self.crops_ready else (self.width, self.height)

    def square_url(self, size: int = 320) -> str:
        """A square thumbnail for widgets, or the original until the squares are made."""
        return renditions.url(renditions.square_name(self, size)) if self.crops_ready else self.file_url


class BodyUse(models.Model):
    """A library picture shown in an article's body, kept in step with every save (`articles.publishing`), so
    "where is this picture used" is an index lookup rather than a scan of every body."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="body_uses")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["image", "article"], name="body_use_unique")]

    def __str__(self) -> str:
        return f"Image {self.image_id} in the body of article {self.article_id}"
