"""The change log: what changed, for `masthead publish-files --watch`.

The page cache needs only to know *that* something changed (the generation);
the files on disk must know *what*, to rewrite only the pages it affects.
Each change readers could see adds a row here when its transaction commits.
"""

from django.db import models


class Change(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article"  # an article, its bylines, tags or comments
        AUTHOR = "author"
        TAG = "tag"
        SITE = "site"  # sections and static pages: menus on every page
        # An article left a listing (moved section, lost a tag or a byline):
        # that listing's pages change, nothing else. The id is the section's,
        # tag's or author's.
        LEFT_SECTION = "left-sec"
        LEFT_TAG = "left-tag"
        LEFT_AUTHOR = "left-auth"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField(null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.kind} {self.object_id} at {self.at:%Y-%m-%d %H:%M:%S}"
