"""Conditional GET for feeds: Last-Modified from the newest change readers can see.

ETags come from ConditionalGetMiddleware (a hash of the response), which also
answers If-None-Match with 304; this adds Last-Modified for readers that send
If-Modified-Since only.
"""

from django.db.models import Max
from django.db.models.functions import Greatest
from django.utils import timezone

from masthead.articles.models import Article
from masthead.comments.models import Comment
from masthead.memo import per_generation


def content_last_modified(request, *args, **kwargs):
    """Return when anything a feed shows last changed, or None for an empty site.

    Two aggregates over every article and comment: computed once per content
    generation (masthead.pagecache.memo), not per request.
    """
    return per_generation("feeds:last-modified", last_change)


def last_change():
    """Return the newest change to articles and comments, as the database says.

    A scheduled article changes the feeds when its time comes, not when it was
    saved: hence the greater of its modification and publication times. Drafts
    dated in the past count too, so unpublishing one is a change.
    """
    articles = Article.objects.filter(published_at__lte=timezone.now()).aggregate(
        latest=Max(Greatest("modified_at", "published_at"))
    )["latest"]
    comments = Comment.objects.aggregate(latest=Max("modified_at"))["latest"]
    return max(filter(None, [articles, comments]), default=None)
