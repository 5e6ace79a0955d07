"""Page numbers in listing URLs (/section/world/page/2/) and the pages they show.

Page numbers live in the path, not the query string, so each page of a listing
is a plain file when the site is written out as static files.

Deep pages cost what the first page costs: no OFFSET. A listing's *anchors*,
the sort key (publication time, id) of the first article of every page, come
from one index-only query per listing per content generation, kept in the
cache; a page is then an index seek from its anchor ("keyset pagination"
with page numbers). The anchors also give the number of pages, so no COUNT.
"""

import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from masthead.memo import per_generation

PAGE_SUFFIX = re.compile(r"page/[0-9]+/$")


class PageNumberConverter:
    """Match a page number from 2 up: page 1 is the listing's bare address."""

    regex = "[2-9]|[1-9][0-9]{1,5}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


@dataclass
class Paginator:
    num_pages: int
    count: int


@dataclass
class ListingPage:
    """One page of a listing, with what templates ask of Django's Page."""

    number: int
    object_list: list
    paginator: Paginator
    previous_url: str | bool = False
    next_url: str | bool = False
    extra: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.paginator.num_pages

    def has_other_pages(self) -> bool:
        return self.paginator.num_pages > 1


def paginate(request, articles, number: int, *, listing: str) -> ListingPage:
    """Return page `number` of `articles`, newest first; Http404 past the last page.

    `articles` is a QuerySet of Article in the site's order (newest first);
    `listing` names it for the cache ("home", "section:12").
    The page carries `previous_url` and `next_url`, made from the request's
    path, for the listing's links and its ``rel=prev/next`` tags.
    """
    per_page = settings.MASTHEAD_ARTICLES_PER_PAGE
    ordered = articles.order_by("-published_at", "-pk")
    if number == 1:
        # The first page, the one most read and first rendered after a change,
        # needs no anchors: the newest articles, and a count (an index scan).
        count = per_generation(f"count:{listing}", ordered.count)
        object_list = list(ordered[:per_page])
    else:
        anchors = listing_anchors(articles, per_page, listing)
        if number > len(anchors):
            raise Http404("No such page")
        published_at, pk = anchors[number - 1]
        start = Q(published_at__lt=published_at) | Q(
            published_at=published_at, pk__lte=pk
        )
        object_list = list(ordered.filter(start)[:per_page])
        count = (len(anchors) - 1) * per_page + len(object_list)
    pages = max(1, math.ceil(count / per_page))
    page = ListingPage(number, object_list, Paginator(pages, count))
    listing_path = PAGE_SUFFIX.sub("", request.path)
    page.previous_url = page.has_previous() and page_url(listing_path, number - 1)
    page.next_url = page.has_next() and page_url(listing_path, number + 1)
    return page


def listing_anchors(articles, per_page: int, listing: str) -> list[tuple]:
    """Return the (published_at, pk) of the first article of each page of `articles`.

    One query over the listing's index, once per content generation.
    """

    def anchors() -> list[tuple]:
        ranked = (
            articles.order_by()
            .annotate(
                row=Window(
                    RowNumber(), order_by=[F("published_at").desc(), F("pk").desc()]
                )
            )
            .annotate(slot=F("row") % per_page)
            .filter(slot=1 % per_page)
            .values_list("published_at", "pk")
        )
        # Sorted here: the database may return the page starts in any order.
        return sorted(ranked, reverse=True)

    return per_generation(f"anchors:{per_page}:{listing}", anchors)


def page_url(listing_path: str, number: int) -> str:
    """Return the address of page `number` of the listing at `listing_path`."""
    return listing_path if number == 1 else f"{listing_path}page/{number}/"
