"""Feeds of the whole site, of each section, author and tag, and of comments.

Each article feed comes in three formats; `formats()` makes the RSS, Atom and
JSON Feed variants of one feed class. GUIDs are tag: URIs built from the
article's id and creation date (RFC 4151), so they survive edits to the
headline, slug or publication date.
"""

import mimetypes
import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Enclosure
from django.utils.translation import gettext_lazy as _

from masthead.articles.models import Article, Section, Tag, load_bylines
from masthead.authors.models import Author
from masthead.comments.models import Comment
from masthead.feeds.generators import AtomFeed, JsonFeed, RssFeed
from masthead.text.plaintext import without_controls

RELATIVE_URL = re.compile(r'(\s(?:src|href))="/(?!/)')


def tag_uri(kind: str, pk: int, created) -> str:
    """Return a stable tag: URI for object `pk` of `kind` (RFC 4151)."""
    host = settings.MASTHEAD_SITE_URL.split("://", 1)[-1].split("/")[0].split(":")[0]
    return f"tag:{host},{created:%Y-%m-%d}:{kind}/{pk}"


def xml_text(value) -> str:
    """Return `value` as text XML 1.0 can hold: no control characters."""
    return without_controls(str(value)) if value is not None else ""


class SiteFeed(Feed):
    """A feed whose links are absolute on the host that was asked for it.

    An instance serves one request (see `formats`), so it may keep the
    request's address on itself.
    """

    feed_type = RssFeed

    def get_feed(self, obj, request):
        self.request_path = request.path
        self.base = request.build_absolute_uri("/").rstrip("/")
        return super().get_feed(obj, request)

    def feed_url(self, obj=None):
        return self.request_path

    def absolute(self, path: str) -> str:
        return self.base + path

    def absolute_html(self, html: str) -> str:
        """Return `html` with its site-relative links made absolute for readers."""
        return RELATIVE_URL.sub(rf'\1="{self.base}/', html)


class ArticleFeed(SiteFeed):
    """The newest published articles of the site."""

    def title(self, obj=None):
        name = settings.MASTHEAD_SITE_NAME
        return xml_text(f"{obj} – {name}" if obj else name)

    def link(self, obj=None):
        return obj.get_absolute_url() if obj else "/"

    def description(self, obj=None):
        description = getattr(obj, "description", "")
        return xml_text(description or settings.MASTHEAD_SITE_TAGLINE)

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        articles = (
            self.articles(obj)
            .select_related("section")
            .prefetch_related("tags")
            .newest_first()[: settings.MASTHEAD_FEEDS_ITEMS]
        )
        return load_bylines(list(articles))

    def item_title(self, item):
        return xml_text(item.headline)

    def item_description(self, item):
        return xml_text(item.standfirst or item.headline)

    def item_extra_kwargs(self, item):
        authors = [
            (xml_text(a.name), self.absolute(a.get_absolute_url())) for a in item.byline
        ]
        content = None
        if settings.MASTHEAD_FEEDS_FULL_CONTENT:
            content = self.absolute_html(xml_text(item.body_html))
        return {"authors": authors, "content": content}

    def item_guid(self, item):
        return tag_uri("article", item.pk, item.created_at)

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at or item.published_at

    def item_categories(self, item):
        tags = [xml_text(tag.name) for tag in item.tag_list]
        return [xml_text(item.section.name), *tags]

    def item_enclosures(self, item):
        if not item.image:
            return []
        try:
            length = str(item.image.size)
        except OSError:  # a lead image whose file went missing
            return []
        mime_type = mimetypes.guess_type(item.image.name)[0] or "image/jpeg"
        return [Enclosure(self.absolute(item.image.url), length, mime_type)]


class SectionFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def articles(self, obj):
        return obj.articles.published()


class TagFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def articles(self, obj):
        return obj.articles.published()


class AuthorFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def description(self, obj=None):
        return xml_text(obj.bio or obj.name)

    def articles(self, obj):
        return obj.articles.published()


class CommentFeed(SiteFeed):
    """The newest approved comments of the site, or of one article."""

    def get_object(self, request, year=None, month=None, day=None, slug=None):
        if slug is None:
            return None
        return get_object_or_404(Article.objects.published(), slug=slug)

    def title(self, obj=None):
        if obj:
            title = _("Comments on “%(headline)s”") % {"headline": obj.headline}
        else:
            title = _("Comments – %(site)s") % {"site": settings.MASTHEAD_SITE_NAME}
        return xml_text(title)

    def link(self, obj=None):
        return f"{obj.get_absolute_url()}#comments" if obj else "/"

    def description(self, obj=None):
        return self.title(obj)

    def items(self, obj=None):
        comments = Comment.objects.approved().select_related("article")
        if obj:
            comments = comments.filter(article=obj)
        return comments.order_by("-created_at", "-pk")[: settings.MASTHEAD_FEEDS_ITEMS]

    def item_title(self, item):
        return xml_text(
            _("%(name)s on “%(headline)s”")
            % {"name": item.author_name, "headline": item.article.headline}
        )

    def item_description(self, item):
        return xml_text(item.body_html)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_extra_kwargs(self, item):
        # The name only: a commenter's email never leaves the database.
        return {"authors": [(xml_text(item.author_name), item.author_url or None)]}

    def item_guid(self, item):
        return tag_uri("comment", item.pk, item.created_at)

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at


def formats(feed_class) -> dict:
    """Return {"rss": view, "atom": view, "json": view} for `feed_class`.

    Each view makes a new feed instance per request, so that instance can hold
    the request's address without threads sharing it.
    """
    views = {}
    for name, generator in [("rss", RssFeed), ("atom", AtomFeed), ("json", JsonFeed)]:
        variant = type(f"{feed_class.__name__}{name.title()}", (feed_class,),
                       {"feed_type": generator})  # fmt: skip

        def view(request, *args, variant=variant, **kwargs):
            return variant()(request, *args, **kwargs)

        views[name] = view
    return views
