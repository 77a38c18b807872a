"""Reads: RSS and Atom feeds for the whole site, each section, tag and author (Django's syndication framework)."""

import mimetypes
import re
from dataclasses import dataclass

from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, rfc3339_date
from django.utils.html import escape
from taggit.models import Tag

from articles import listings, sections
from articles.authors.models import Author
from articles.corrections import notes
from articles.models import Article, Section
from articles.seo import absolute_url, author_name

FEED_SIZE = 30
# XML 1.0 cannot carry these (Django's feed writer raises on them: a 500). A headline pasted from a word
# processor can hold one (a vertical tab); readers never see them, so they are dropped from every feed field.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    return XML_ILLEGAL.sub("", value)


class RssWithCorrections(Rss201rev2Feed):
    """RSS 2.0 has no date of change: a corrected item also carries `<atom:updated>` (the Atom namespace is
    declared on the channel already), so readers' apps can show it as updated."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("corrected_at") is not None:
            handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))


@dataclass
class FeedSource:
    request: HttpRequest
    section: Section | None = None
    tag: Tag | None = None
    author: Author | None = None

    @property
    def site_name(self) -> str:
        return get_current_site(self.request).name


class LatestArticlesFeed(Feed):
    """The newest published articles; per section or per tag when the URL names one. A corrected story is an
    update: its updated date is the correction's and its description ends with the correction notes."""

    feed_type = RssWithCorrections

    def get_object(self, request, slug: str | None = None) -> FeedSource:
        return FeedSource(request=request)

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        for fields in (feed.feed, *feed.items):
            for name, value in fields.items():
                if isinstance(value, str):
                    fields[name] = xml_text(value)
                elif isinstance(value, (list, tuple)):
                    fields[name] = type(value)(xml_text(v) if isinstance(v, str) else v for v in value)
        return feed

    def title(self, obj: FeedSource) -> str:
        return f"{obj.site_name}: latest news"

    def link(self, obj: FeedSource) -> str:
        return reverse("articles:home")

    def description(self, obj: FeedSource) -> str:
        return "The newest articles."

    def items(self, obj: FeedSource) -> list[Article]:
        if obj.tag is not None:
            articles = listings.tagged_articles(tag=obj.tag)
        elif obj.author is not None:
            articles = listings.author_articles(author=obj.author)
        else:
            articles = listings.latest_articles(section=obj.section)
        items = list(articles.prefetch_related("tags")[:FEED_SIZE])
        # The notes of the corrected ones only, in one query: a feed with no corrected story asks nothing more.
        prefetch_related_objects([item for item in items if item.corrected_at is not None], "corrections")
        for item in items:
            # Enclosures must be absolute URLs; the feed framework only makes links absolute.
            item.hero_absolute_url = absolute_url(obj.request, item.hero_image.url) if item.hero_image else ""
        return items

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # RSS <description> and Atom <summary type="html"> are read as HTML: plain text must be escaped for it.
        text = escape(item.summary or item.meta_description or item.title)
        if corrections := notes.notes_of(item):
            return f"<p>{text}</p>" + "".join(f"<p>{escape(notes.note_text(c))}</p>" for c in corrections)
        return text

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return notes.modified_at(item)

    def item_extra_kwargs(self, item: Article) -> dict:
        return {"corrected_at": notes.last_corrected_at(item)}

    def item_author_name(self, item: Article) -> str:
        return author_name(item.byline)

    def item_categories(self, item: Article) -> list[str]:
        return [item.section.name, *(tag.name for tag in item.tags.all())]

    def item_enclosure_url(self, item: Article) -> str | None:
        return item.hero_absolute_url or None

    def item_enclosure_length(self, item: Article) -> int:
        return item.hero.file_size or 0  # stored on upload: no storage call (remote with S3) per item

    def item_enclosure_mime_type(self, item: Article) -> str:
        return mimetypes.guess_type(item.hero_image.name)[0] or "image/jpeg"


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = "The newest articles."


class SectionFeed(LatestArticlesFeed):
    def get_object(self, request, slug: str | None = None) -> FeedSource:
        section = sections.section_by_slug(slug or "")
        if section is None:
            raise Section.DoesNotExist
        return FeedSource(request=request, section=section)

    def title(self, obj: FeedSource) -> str:
        return f"{obj.site_name}: {obj.section.name}"

    def link(self, obj: FeedSource) -> str:
        return obj.section.get_absolute_url()

    def description(self, obj: FeedSource) -> str:
        # The channel's <description>, like an item's, is read as HTML: the plain-text description is escaped.
        return escape(obj.section.description or f"The newest articles in {obj.section.name}.")


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, slug: str | None = None) -> FeedSource:
        return FeedSource(request=request, tag=get_object_or_404(Tag, slug=slug))

    def title(self, obj: FeedSource) -> str:
        return f"{obj.site_name}: tagged “{obj.tag.name}”"

    def link(self, obj: FeedSource) -> str:
        return reverse("articles:tag", kwargs={"slug": obj.tag.slug})

    def description(self, obj: FeedSource) -> str:
        return escape(f"The newest articles tagged “{obj.tag.name}”.")


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed


class AuthorFeed(LatestArticlesFeed):
    def get_object(self, request, slug: str | None = None) -> FeedSource:
        return FeedSource(request=request, author=get_object_or_404(Author, slug=slug))

    def title(self, obj: FeedSource) -> str:
        return f"{obj.site_name}: {obj.author.name}"

    def link(self, obj: FeedSource) -> str:
        return obj.author.get_absolute_url()

    def description(self, obj: FeedSource) -> str:
        return escape(f"The newest articles by {obj.author.name}.")
