"""When pages change by the clock alone, with no edit to bump the generation."""

import datetime

from django.conf import settings
from django.db.models import Subquery
from django.utils import timezone

from masthead.articles.models import Article
from masthead.pagecache import generation

# A news sitemap lists the articles of the last two days (masthead.seo.sitemaps).
NEWS_WINDOW = datetime.timedelta(days=2)


def ages() -> list[datetime.timedelta]:
    """Return the ages at which a published article changes pages by itself.

    At 0 it goes live (a scheduled article); at two days it leaves the news
    sitemap; MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS after publication its
    comments close (the form disappears).
    """
    found = [datetime.timedelta(0), NEWS_WINDOW]
    if days := settings.MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS:
        found.append(datetime.timedelta(days=days))
    return found


def next_change_at(now: datetime.datetime | None = None) -> datetime.datetime | None:
    """Return the next moment a public page changes because time passed, or None.

    The first article to reach one of `ages()` after `now`: one query, whose
    part per age is the first entry of the listing index past a moment. (A
    filtered minimum per age read every published article: 14 ms at 100,000,
    after every change.)
    """
    now = now or timezone.now()
    windows = ages()
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    firsts = {
        f"age{i}": Subquery(
            published.filter(published_at__gt=now - age)
            .order_by("published_at")
            .values("published_at")[:1]
        )
        for i, age in enumerate(windows)
    }
    # One row of scalar subqueries; none when nothing is published at all.
    found = next(iter(published.annotate(**firsts).values(*firsts)[:1]), {})
    moments = [
        found[f"age{i}"] + age
        for i, age in enumerate(windows)
        if found.get(f"age{i}") is not None
    ]
    return min(moments, default=None)


class NextChange:
    """`next_change_at()` once per content generation in this process.

    Asked again only when the generation changes or the moment has passed.
    """

    def __init__(self):
        self.known: tuple[str, datetime.datetime | None] | None = None

    def __call__(self) -> datetime.datetime | None:
        token, now = generation.current(), timezone.now()
        known = self.known
        if known is None or known[0] != token or (known[1] and known[1] <= now):
            known = self.known = (token, next_change_at(now))
        return known[1]

    def forget(self) -> None:
        self.known = None


next_change = NextChange()


def seconds_until_change() -> int | None:
    """Return whole seconds until the next change by the clock, or None."""
    moment = next_change()
    if moment is None:
        return None
    return int((moment - timezone.now()).total_seconds())
