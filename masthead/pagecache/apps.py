"""The page cache app: notes every change readers could see, once it commits.

Each change bumps the content generation (every cached page is then stale)
and adds a row to the change log (`Change`), from which publish-files learns
which files to rewrite.
"""

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


def what_changed(instance) -> tuple[str, int | None]:
    """Return the change log's (kind, id) for a saved or deleted `instance`."""
    from masthead.pagecache.models import Change

    name = type(instance)._meta.model_name
    if name in ("article", "articleauthor", "comment"):
        return Change.Kind.ARTICLE, getattr(instance, "article_id", instance.pk)
    if name in ("author", "authorlink"):
        return Change.Kind.AUTHOR, getattr(instance, "author_id", instance.pk)
    if name == "tag":
        return Change.Kind.TAG, instance.pk
    return Change.Kind.SITE, None


def content_changed(instance, **kwargs):
    from masthead.pagecache import generation

    generation.changed(*what_changed(instance))


def comment_saved(instance, created, **kwargs):
    """Note a comment readers may see; a new held or spam comment changes nothing.

    So a flood of comment posts, all held, never empties the cache.
    """
    if created and instance.status != instance.Status.APPROVED:
        return
    content_changed(instance)
