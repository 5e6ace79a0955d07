"""Sitemaps of everything public: articles, sections, authors, tags and pages.

sitemaps.org: at most 50,000 URLs per file, hence Django's pagination at
`limit`; an index lists the files. Each lastmod is the newest change a reader
can see, computed in the database (Django's default would load every item).

The index's figures (how many URLs of each kind, the newest change of each)
are read from indexes: an aggregate over every article and its sections,
authors and tags took 1.1 s at 100,000 articles, after every change.
"""

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
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


def newest_change(articles) -> datetime.datetime | None:
    """Return the newest publication or edit among the readable of `articles`.

    `articles` are the published ones, time come or not. Two reads in index
    order that stop at their first readable row, where the maximum of each
    article's date read every article. The edits are read without the time
    condition, so that SQLite, with or without statistics, walks the index of
    edits in order rather than sorting every article out by time.
    """
    now = timezone.now()
    published = (
        articles.filter(published_at__lte=now)
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    edits = (
        articles.filter(updated_at__isnull=False)
        .order_by("-updated_at")
        .values_list("updated_at", "published_at")
    )
    updated = next((u for u, p in edits.iterator(chunk_size=20) if p <= now), None)
    return max(filter(None, (published, updated)), default=None)


class MastheadSitemap(Sitemap):
    def count(self) -> int:
        """Return how many URLs the sitemap lists (over all its files)."""
        return self.paginator.count

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
        return newest_change(Article.objects.filter(status=Article.Status.PUBLISHED))


class ListingSitemap(MastheadSitemap):
    """Sections, authors or tags with a published article, dated by their newest."""

    model = None
    articles = "articles"
    article_field = None  # the Article field naming them: section, authors, tags

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

    def count(self) -> int:
        # One look-up per section, author or tag, stopping at its first
        # readable article; counting the join read every article.
        having = Article.objects.filter(
            readable(), **{self.article_field: OuterRef("pk")}
        )
        return self.model.objects.filter(Exists(having)).count()

    def get_latest_lastmod(self):
        listed = {f"{self.article_field}__isnull": False}
        published = Article.objects.filter(status=Article.Status.PUBLISHED, **listed)
        return newest_change(published)


class SectionSitemap(ListingSitemap):
    model = Section
    article_field = "section"


class AuthorSitemap(ListingSitemap):
    model = Author
    article_field = "authors"


class TagSitemap(ListingSitemap):
    model = Tag
    article_field = "tags"


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
