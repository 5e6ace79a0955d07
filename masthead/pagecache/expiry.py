"""When pages change by the clock alone, with no edit to bump the generation."""

import datetime

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from masthead.articles.models import Article

# A news sitemap lists the articles of the last two days (masthead.seo.sitemaps).
NEWS_WINDOW = datetime.timedelta(days=2)


def next_change_at(now: datetime.datetime | None = None) -> datetime.datetime | None:
    """Return the next moment a public page changes because time passed, or None.

    Three things change by the clock: a scheduled article goes live; an
    article's comments close MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS after it was
    published (its form disappears); an article leaves the news sitemap two
    days after publication. Three small indexed queries, run once per
    generation, not per request.
    """
    now = now or timezone.now()
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    moments = [
        published.filter(published_at__gt=now).aggregate(at=Min("published_at"))["at"]
    ]
    windows = [NEWS_WINDOW]
    if days := settings.MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS:
        windows.append(datetime.timedelta(days=days))
    for window in windows:
        oldest = published.filter(published_at__gt=now - window).aggregate(
            at=Min("published_at")
        )["at"]
        if oldest is not None:
            moments.append(oldest + window)
    moments = [moment for moment in moments if moment is not None and moment > now]
    return min(moments, default=None)
