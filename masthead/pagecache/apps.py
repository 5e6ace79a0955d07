"""The page cache app: bumps the content generation when readers' content changes."""

from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class PageCacheConfig(AppConfig):
    name = "masthead.pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from masthead.articles.models import Article, ArticleAuthor, Section, Tag
        from masthead.authors.models import Author, AuthorLink
        from masthead.comments.models import Comment
        from masthead.pages.models import Page

        for model in (Article, ArticleAuthor, Section, Tag, Author, AuthorLink, Page):
            post_save.connect(content_changed, sender=model, dispatch_uid=model)
            post_delete.connect(content_changed, sender=model, dispatch_uid=model)
        m2m_changed.connect(
            content_changed, sender=Article.tags.through, dispatch_uid="article-tags"
        )
        post_save.connect(comment_saved, sender=Comment, dispatch_uid=Comment)
        post_delete.connect(content_changed, sender=Comment, dispatch_uid=Comment)


def content_changed(**kwargs):
    from masthead.pagecache import generation

    generation.bump()


def comment_saved(instance, created, **kwargs):
    """Bump for a comment readers may see; a new held or spam comment changes nothing.

    So a flood of comment posts, all held, never empties the cache.
    """
    if created and instance.status != instance.Status.APPROVED:
        return
    content_changed()
