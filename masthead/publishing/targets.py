"""Which addresses publish-files writes, in the order readers need them.

A `Target` is an address and, for an article page, the article's id (so the
files of an article that moved or went away can be found again). Orders put
the largest audiences first: the home page and feeds, then articles newest
first, listing first pages, then deeper pages and the sitemaps.
"""

from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q

from masthead.articles.models import Article, Section, Tag, article_path, readable
from masthead.authors.models import Author
from masthead.pagecache.models import Change
from masthead.pages.models import Page
from masthead.pagination import page_count, page_url
from masthead.seo.sitemaps import SITEMAPS

FRONT = ["/", "/feed/", "/feed/atom/", "/feed.json", "/sitemap-news.xml"]
BACK = ["/sitemap.xml", "/comments/feed/", "/comments/feed/atom/", "/robots.txt"]
SITEMAP_FILES = [f"/sitemap-{name}.xml" for name in SITEMAPS]
LATEST_COUNT_CHECKED = settings.MASTHEAD_ARTICLES_LATEST_COUNT + 1


@dataclass(frozen=True)
class Target:
    path: str
    article_id: int | None = None


def plain(paths: Iterable[str]) -> list[Target]:
    return [Target(path) for path in paths]


def pages_of(listing: str, count: int) -> list[str]:
    """Return the addresses of every page of a listing of `count` articles."""
    return [page_url(listing, n) for n in range(1, page_count(count) + 1)]


class Listings:
    """The listings (home, sections, tags, authors) with their number of articles.

    Every one, or only the sections, tags and authors given (lists of them):
    counting joins each listing's articles, 2.7 s for all at 100,000.
    """

    def __init__(self, *, sections=None, tags=None, authors=None):
        # The lead (the newest article when none is marked) is shown apart.
        self.home = max(Article.objects.published().count() - 1, 0)
        self.sections = self.counted(Section, sections)
        self.tags = self.counted(Tag, tags)
        self.authors = self.counted(Author, authors)

    @staticmethod
    def counted(model, only=None) -> dict:
        objects = model.objects.all()
        if only is not None:
            objects = objects.filter(pk__in=[item.pk for item in only])
        rows = objects.annotate(n=Count("pk", filter=readable("articles__")))
        return {item.get_absolute_url(): item.n for item in rows.filter(n__gt=0)}

    def first_pages(self, urls: Iterable[str]) -> list[str]:
        """Page 1 and the feeds of each listing at `urls`."""
        return [
            path for url in urls for path in (url, f"{url}feed/", f"{url}feed/atom/")
        ]

    def deeper_pages(self, urls: Iterable[str], counts: dict) -> list[str]:
        return [path for url in urls for path in pages_of(url, counts[url])[1:]]

    def all_urls(self) -> dict:
        return {**self.sections, **self.tags, **self.authors}


def article_targets(articles) -> list[Target]:
    """Article pages of `articles` (a QuerySet), newest first."""
    rows = articles.newest_first().values_list("pk", "slug", "published_at")
    return [Target(article_path(slug, at), pk) for pk, slug, at in rows]


def everything() -> Iterator[Target]:
    """Every public address, the largest audiences first."""
    listings = Listings()
    listing_urls = listings.all_urls()
    yield from plain(FRONT)
    yield from article_targets(Article.objects.published())
    yield from plain(listings.first_pages(listing_urls))
    yield from plain(page.get_absolute_url() for page in Page.objects.published())
    yield from plain(pages_of("/", listings.home)[1:])
    yield from plain(listings.deeper_pages(listing_urls, listing_urls))
    yield from plain(SITEMAP_FILES + BACK)


def latest_ids() -> set[int]:
    """The newest articles: those whose change alters every "Latest articles" box."""
    articles = Article.objects.published().newest_first()
    return set(articles.values_list("pk", flat=True)[:LATEST_COUNT_CHECKED])


def affected(
    changes: list[Change], previous_latest: set[int], written: Container[str] = ()
) -> Iterator[Target] | None:
    """Return the addresses `changes` affect, largest audiences first.

    None means everything: a section or static page changed (menus are on
    every page). Article ids include articles that no longer exist or are
    no longer public: their files are removed when they answer 404, as are
    the pages among `written` (the addresses with files) that a shorter
    listing no longer has.
    """
    kinds: dict[str, set] = {}
    for change in changes:
        kinds.setdefault(change.kind, set()).add(change.object_id)
    if Change.Kind.SITE in kinds:
        return None
    return affected_targets(kinds, previous_latest, written)


def affected_targets(
    kinds: dict[str, set], previous_latest: set[int], written: Container[str] = ()
):
    article_ids = set(kinds.get(Change.Kind.ARTICLE, ()))
    author_ids = kinds.get(Change.Kind.AUTHOR, set())
    tag_ids = kinds.get(Change.Kind.TAG, set())
    published = Article.objects.published()
    article_ids |= set(
        published.filter(Q(authors__in=author_ids) | Q(tags__in=tag_ids))
        .values_list("pk", flat=True)
        .distinct()
    )
    touched = published.filter(pk__in=article_ids)
    # The most read first, before any listing is counted.
    yield from plain(FRONT)
    yield from article_targets(touched)
    yield from (Target(None, pk) for pk in article_ids)  # old addresses, if any
    # Listings of every changed article, readable or not: one unpublished
    # (a retraction) must leave its section's, tags' and authors' pages.
    changed = Article.objects.filter(pk__in=article_ids)
    # ...and the listings an article left (they lose it).
    left_sections = kinds.get(Change.Kind.LEFT_SECTION, set())
    left_tags = kinds.get(Change.Kind.LEFT_TAG, set())
    left_authors = kinds.get(Change.Kind.LEFT_AUTHOR, set())
    sections = Section.objects.filter(Q(articles__in=changed) | Q(pk__in=left_sections))
    tags = Tag.objects.filter(Q(articles__in=changed) | Q(pk__in=tag_ids | left_tags))
    authors = Author.objects.filter(
        Q(articles__in=changed) | Q(pk__in=author_ids | left_authors)
    )
    sections, tags, authors = (list(q.distinct()) for q in (sections, tags, authors))
    listings = Listings(sections=sections, tags=tags, authors=authors)
    urls = {item.get_absolute_url() for item in (*sections, *tags, *authors)}
    all_urls = listings.all_urls()
    # A listing with nothing readable left is rewritten too.
    emptied = sorted(urls - set(all_urls))
    urls = sorted(url for url in urls if url in all_urls)

    yield from plain(listings.first_pages(urls + emptied))
    if article_ids & (previous_latest | latest_ids()):
        # The "Latest articles" box of every article page changed.
        yield from article_targets(published.exclude(pk__in=article_ids))
    yield from plain(pages_of("/", listings.home)[1:])
    yield from plain(listings.deeper_pages(urls, all_urls))
    # A listing that got shorter: its written pages past the new last one
    # answer 404 now, and their files go, however many pages it lost.
    counts = {"/": listings.home, **all_urls}
    lasts = {url: page_count(counts.get(url, 0)) for url in ["/", *urls, *emptied]}
    yield from plain(pages_beyond(written, lasts))
    yield from plain(SITEMAP_FILES + BACK)


def pages_beyond(written: Container[str], lasts: dict[str, int]) -> list[str]:
    """Return the pages among `written` numbered past their listing's last.

    `lasts` maps a listing's address to its last page's number now. A
    listing's pages are written from page 1 up, so its stale ones are found
    by counting on from its last page until one has no files: a look-up per
    page lost, where a scan of every address with files took 116 ms a step
    at 100k articles.
    """
    beyond = []
    for listing, last in sorted(lasts.items()):
        number = last + 1
        while (path := page_url(listing, number)) in written:
            beyond.append(path)
            number += 1
    return beyond
