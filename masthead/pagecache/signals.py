"""Receivers: every change readers could see, noted once it commits.

Connected in `PageCacheConfig.ready()`. Each change adds a row to the change
log and bumps the content generation when its transaction commits
(`generation.changed`).
"""

from masthead.pagecache import generation
from masthead.pagecache.models import Change


def what_changed(instance) -> tuple[str, int | None]:
    """Return the change log's (kind, id) for a saved or deleted `instance`."""
    name = type(instance)._meta.model_name
    if name in ("article", "articleauthor", "comment"):
        return Change.Kind.ARTICLE, getattr(instance, "article_id", instance.pk)
    if name in ("author", "authorlink"):
        return Change.Kind.AUTHOR, getattr(instance, "author_id", instance.pk)
    if name == "tag":
        return Change.Kind.TAG, instance.pk
    return Change.Kind.SITE, None  # sections and pages: in every page's menus


def content_changed(instance, **kwargs):
    generation.changed(*what_changed(instance))


def counts_changed(article_ids, **kwargs):
    generation.articles_changed(article_ids)


def comment_saved(instance, created, **kwargs):
    """Note a comment readers may see; a new held or spam comment changes nothing.

    So a flood of comment posts, all held, never empties the cache.
    """
    if created and instance.status != instance.Status.APPROVED:
        return
    content_changed(instance)


def article_moving(instance, **kwargs):
    """Before an article is saved: note the section it leaves, if it moves."""
    if instance.pk is None or generation.in_bulk_change.get():
        return
    old = (
        type(instance)
        .objects.filter(pk=instance.pk)
        .values_list("section_id", flat=True)
    )
    section_id = old.first()
    if section_id is not None and section_id != instance.section_id:
        generation.changed(Change.Kind.LEFT_SECTION, section_id)


def article_deleting(instance, **kwargs):
    """Before an article is deleted: note its section and tags, which lose it.

    (Its bylines are deleted with it, and each notes its author.)
    """
    if generation.in_bulk_change.get():
        return
    generation.changed(Change.Kind.LEFT_SECTION, instance.section_id)
    for tag_id in instance.tags.values_list("pk", flat=True):
        generation.changed(Change.Kind.LEFT_TAG, tag_id)


def tags_leaving(instance, action, pk_set, reverse, **kwargs):
    """Note the tags an article loses (from its side: `article.tags.set(...)`)."""
    if reverse:
        return
    if action == "post_remove":
        left = pk_set or ()
    elif action == "pre_clear":
        left = instance.tags.values_list("pk", flat=True)
    else:
        return
    for tag_id in left:
        generation.changed(Change.Kind.LEFT_TAG, tag_id)


def byline_removed(instance, **kwargs):
    """A byline deleted: its author's listing loses the article."""
    generation.changed(Change.Kind.LEFT_AUTHOR, instance.author_id)
