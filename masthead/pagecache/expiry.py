"""When pages change by the clock alone, with no edit to bump the generation."""

import datetime

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone

from masthead.articles.models import Article

# A news sitemap lists the articles of the last two days (masthead.seo.sitemaps).
NEWS_WINDOW = datetime.timedelta(days=2)


def next_change_at(now: datetime.datetime | None = None) -> datetime.datetime | None:
    """Return the next moment a public page changes because time passed, or None.

    Three things change by the clock: a scheduled article goes live; an
    article leaves the news sitemap two days after publication; its comments
    close MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS after it (the form disappears).
    One indexed query, run once per generation, not per request.
    """
    now = now or timezone.now()
    windows = [NEWS_WINDOW]
    if days := settings.MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS:
        windows.append(datetime.timedelta(days=days))
    found = Article.objects.filter(status=Article.Status.PUBLISHED).aggregate(
        scheduled=Min("published_at", filter=Q(published_at__gt=now)),
        **{
            f"window{i}": Min("published_at", filter=Q(published_at__gt=now - window))
            for i, window in enumerate(windows)
        },
    )
    moments = [found["scheduled"]]
    for i, window in enumerate(windows):
        if found[f"window{i}"] is not None:
            moments.append(found[f"window{i}"] + window)
    moments = [moment for moment in moments if moment is not None and moment > now]
    return min(moments, default=None)


def seconds_until_change() -> int | None:
    """Return whole seconds until `next_change_at()`, or None when nothing is due."""
    moment = next_change_at()
    if moment is None:
        return None
    return int((moment - timezone.now()).total_seconds())
