"""What an import remembers: which WordPress record became which object.

`Imported` makes the import idempotent: importing the same export again finds
every object it made, and a newer export updates them. `Redirect` keeps the old
WordPress addresses (permalinks, ``?p=ID``) working, served by
`masthead.wordpress.middleware`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Imported(models.Model):
    """One WordPress record and the Masthead object it became.

    `wp_id` is the WordPress id for posts, pages, attachments and comments, and
    the login or slug for authors, categories and tags: items name those by
    login and slug, and WXR 1.0 exports them without ids. For an attachment,
    `object_id` is 0 and `url` is where its file is now. An author's email is
    kept only encrypted, with its keyed digest for lookups, never in clear.
    """

    class Kind(models.TextChoices):
        AUTHOR = "author", _("Author")
        CATEGORY = "category", _("Category")
        TAG = "tag", _("Tag")
        POST = "post", _("Post")
        PAGE = "page", _("Page")
        ATTACHMENT = "attachment", _("Attachment")
        COMMENT = "comment", _("Comment")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    wp_id = models.CharField(_("WordPress id"), max_length=200)
    object_id = models.BigIntegerField(_("Masthead id"))
    url = models.CharField(_("file URL"), max_length=1000, blank=True)
    email_encrypted = models.TextField(blank=True, editable=False)
    email_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "wp_id"], name="one_object_per_wordpress_record"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.wp_id} → {self.object_id}"


class Redirect(models.Model):
    """An old WordPress address and the Masthead address it moved to (301)."""

    old_path = models.CharField(_("old path"), max_length=1000, unique=True)
    new_path = models.CharField(_("new path"), max_length=1000)

    class Meta:
        ordering = ["old_path"]
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"
