"""Sitemaps of everything public: articles, sections, authors, tags and pages.

sitemaps.org: at most 50,000 URLs per file, hence Django's pagination at
`limit`; an index lists the files. Each lastmod is the newest change a reader
can see, computed in the database (Django's default would load every item).
"""

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from masthead.articles.models import (
    Article,
    Section,
    Tag,
    article_path,
    readable,
)
from masthead.authors.models import Author
from masthead.pages.models import Page


def article_date():
    """Return the expression of an article's last visible change."""
    return Coalesce("updated_at", "published_at")


class MastheadSitemap(Sitemap):
    def entries(self, start: int, stop: int):
        """Yield (path, lastmod) of items `start` to `stop`, for a sitemap file."""
        for item in self.items()[start:stop]:
            yield item.get_absolute_url(), self.lastmod(item)


class ArticleSitemap(MastheadSitemap):
    def entries(self, start: int, stop: int):
        # Tuples, not model instances: a file lists up to 50,000 articles.
        rows = self.items().values_list("slug", "published_at", "updated_at")
        for slug, published_at, updated_at in rows[start:stop]:
            yield article_path(slug, published_at), updated_at or published_at

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "published_at", "updated_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, article):
        return article.updated_at or article.published_at

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max(article_date()))[
            "latest"
        ]


class ListingSitemap(MastheadSitemap):
    """Sections, authors or tags with a published article, dated by their newest."""

    model = None
    articles = "articles"

    def published(self):
        return readable(f"{self.articles}__")

    def items(self):
        return (
            self.model.objects.filter(self.published())
            .annotate(latest=Max(Coalesce(f"{self.articles}__updated_at",
                                          f"{self.articles}__published_at")))
            .order_by("slug")
        )  # fmt: skip

    def lastmod(self, item):
        return item.latest

    def get_latest_lastmod(self):
        return self.items().aggregate(newest=Max("latest"))["newest"]


class SectionSitemap(ListingSitemap):
    model = Section


class AuthorSitemap(ListingSitemap):
    model = Author


class TagSitemap(ListingSitemap):
    model = Tag


class PageSitemap(MastheadSitemap):
    def items(self):
        return Page.objects.published().order_by("position", "pk")

    def lastmod(self, page):
        return page.modified_at

    def get_latest_lastmod(self):
        return Page.objects.published().aggregate(latest=Max("modified_at"))["latest"]


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
    "pages": PageSitemap,
}


def news_articles():
    """Return articles for Google News: published in the last two days, at most 1,000.

    Google News sitemaps list only articles from the last two days, 1,000 at most.
    """
    since = timezone.now() - datetime.timedelta(days=2)
    return (
        Article.objects.published()
        .filter(published_at__gte=since)
        .only("headline", "slug", "published_at")
        .newest_first()[:1000]
    )
