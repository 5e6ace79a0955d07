"""The page cache app: connects the receivers that note every visible change."""

from django.apps import AppConfig
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)


class PageCacheConfig(AppConfig):
    name = "masthead.pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from masthead import memo
        from masthead.articles.models import Article, ArticleAuthor, Section, Tag
        from masthead.authors.models import Author, AuthorLink
        from masthead.comments.models import Comment
        from masthead.comments.signals import comments_counted
        from masthead.pagecache import expiry, generation, signals
        from masthead.pages.models import Page

        for model in (Article, ArticleAuthor, Section, Tag, Author, AuthorLink, Page):
            post_save.connect(signals.content_changed, sender=model, dispatch_uid=model)
            post_delete.connect(
                signals.content_changed, sender=model, dispatch_uid=model
            )
        m2m_changed.connect(
            signals.content_changed,
            sender=Article.tags.through,
            dispatch_uid="article-tags",
        )
        # What an article leaves: publish-files rewrites those listings too.
        pre_save.connect(signals.article_moving, sender=Article, dispatch_uid="moving")
        pre_delete.connect(
            signals.article_deleting, sender=Article, dispatch_uid="deleting"
        )
        m2m_changed.connect(
            signals.tags_leaving,
            sender=Article.tags.through,
            dispatch_uid="tags-leaving",
        )
        post_delete.connect(
            signals.byline_removed, sender=ArticleAuthor, dispatch_uid="byline-removed"
        )
        post_save.connect(signals.comment_saved, sender=Comment, dispatch_uid=Comment)
        post_delete.connect(
            signals.content_changed, sender=Comment, dispatch_uid=Comment
        )
        comments_counted.connect(signals.counts_changed, dispatch_uid="counts")
        # Reader code memoizes per generation without importing this app.
        memo.generation_register(generation.current, expiry.seconds_until_change)
