"""Writes with side effects on articles: publishing and unpublishing."""

from django.db import transaction
from django.utils import timezone

from masthead.articles.models import Article


@transaction.atomic
def article_publish(*, article: Article) -> bool:
    """Publish `article` now; return False if readers could already see it.

    A scheduled article is brought forward to now; a draft gets today's time.
    """
    if article.is_live:
        return False
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now()
    article.save()
    return True


@transaction.atomic
def article_unpublish(*, article: Article) -> bool:
    """Return `article` to draft; return False if it was a draft already.

    The publication time is kept, so republishing keeps the article's address.
    """
    if article.status == Article.Status.DRAFT:
        return False
    article.status = Article.Status.DRAFT
    article.save()
    return True
