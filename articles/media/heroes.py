"""Reads: an article's hero image as reader templates, feeds and JSON-LD read it: from its library image.

Load articles with `select_related("hero")` (`for_listing()` and the article views do), so none of these
makes a query.
"""

from articles.media.models import Image


class HeroImageFields:
    """Mixed into `Article`: the hero's file, words and renditions, empty when there is no hero."""

    @property
    def hero_image(self):
        return self.hero.file if self.hero_id else None

    @property
    def hero_alt(self) -> str:
        return self.hero.alt if self.hero_id else ""

    @property
    def hero_caption(self) -> str:
        return self.hero.caption if self.hero_id else ""

    @property
    def hero_credit(self) -> str:
        return self.hero.credit if self.hero_id else ""

    @property
    def hero_width(self) -> int | None:
        return self.hero.width if self.hero_id else None

    @property
    def hero_height(self) -> int | None:
        return self.hero.height if self.hero_id else None

    @property
    def card_image(self) -> Image | None:
        """The picture of link previews: the social image, else the hero."""
        return self.social_image if self.social_image_id else self.hero if self.hero_id else None
