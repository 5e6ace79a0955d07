"""Page numbers in listing URLs (/section/world/page/2/) and the pages they show.

Page numbers live in the path, not the query string, so each page of a listing
is a plain file when the site is written out as static files.
"""

import re

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator
from django.http import Http404

PAGE_SUFFIX = re.compile(r"page/[0-9]+/$")


class PageNumberConverter:
    """Match a page number from 2 up: page 1 is the listing's bare address."""

    regex = "[2-9]|[1-9][0-9]{1,5}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def paginate(request, object_list, number: int) -> Page:
    """Return page `number` of `object_list`; raise Http404 past the last page.

    The page carries `previous_url` and `next_url`, made from the request's path,
    for the listing's links and its ``rel=prev/next`` tags.
    """
    paginator = Paginator(object_list, settings.MASTHEAD_ARTICLES_PER_PAGE)
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise Http404("No such page") from None
    listing_path = PAGE_SUFFIX.sub("", request.path)
    page.previous_url = page.has_previous() and page_url(listing_path, number - 1)
    page.next_url = page.has_next() and page_url(listing_path, number + 1)
    return page


def page_url(listing_path: str, number: int) -> str:
    """Return the address of page `number` of the listing at `listing_path`."""
    return listing_path if number == 1 else f"{listing_path}page/{number}/"
