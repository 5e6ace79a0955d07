"""Comments, the blocklist moderators keep, and the learned spam filter's state."""

import ipaddress

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masthead.articles.models import Article
from masthead.text.plaintext import plain_text_to_html

# The characters of a comment's body indexed with its sender, for the search of
# the same text sent again (spam/duplicate.py, services.earlier_post).
OPENING = 40


class Opening(Func):
    """The first OPENING characters of a text, as the comments' indexes hold them.

    The numbers are written into the SQL: a query's expression must be the
    index's to be read through it, and SUBSTR(body, ?, ?) is not.
    """

    function = "SUBSTR"
    template = f"%(function)s(%(expressions)s, 1, {OPENING})"
    output_field = models.TextField()


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def by_email_digest(self, digest: str):
        return self.filter(email_digest=digest)

    def opening_as(self, body: str):
        """The comments whose body opens as `body` does, read through the
        indexes of a sender and the opening (Comment.Meta) once filtered by
        a sender.

        Compare the whole bodies in Python: with `body = %s` in the query,
        SQLite puts the value in place of the column and no longer sees the
        index's expression.
        """
        return self.alias(opening=Opening("body")).filter(opening=body[:OPENING])


class Comment(models.Model):
    """A reader's comment on an article; its email is never shown to anyone."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        TRASH = "trash", _("Trash")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    author_name = models.CharField(_("name"), max_length=100)
    author_url = models.URLField(_("website"), max_length=200, blank=True)
    email_encrypted = models.TextField(editable=False)
    email_digest = models.CharField(max_length=64, db_index=True, editable=False)
    avatar_digest = models.CharField(max_length=32, editable=False)
    body = models.TextField(_("comment"))
    body_html = models.TextField(editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status,
        default=Status.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    modified_at = models.DateTimeField(auto_now=True)
    ip_digest = models.CharField(max_length=64, blank=True, editable=False)
    user_agent = models.CharField(max_length=300, blank=True, editable=False)
    spam_score = models.FloatField(null=True, blank=True, editable=False)
    checks_flagged = models.CharField(
        _("flagged by"), max_length=200, blank=True, editable=False
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(
                fields=["article", "status", "created_at"], name="comment_thread"
            ),
            models.Index(fields=["ip_digest", "created_at"], name="comment_by_ip"),
            # The same text from the same sender in the last week
            # (spam/duplicate.py): the sender's comments of the week that open
            # alike, not all of its comments of the week. Read by the sender's
            # IP alone, a flood of posts from one address made each post read
            # every one before it: 3.3 ms a post after 5,500. The time comes
            # last, so that these indexes serve the whole search and SQLite
            # never takes comment_by_ip for it.
            models.Index(
                F("email_digest"),
                Opening("body"),
                F("created_at"),
                name="comment_by_email_text",
            ),
            models.Index(
                F("ip_digest"),
                Opening("body"),
                F("created_at"),
                name="comment_by_ip_text",
            ),
            # The newest change, for the feeds' Last-Modified (feeds/conditional.py).
            models.Index(fields=["modified_at"], name="comment_modified"),
            # Only the comments that still hold an IP hash or a user agent, so
            # that their expiry (services.personal_data_expire, every ten
            # minutes from a comment post) reads the last weeks' comments, not
            # every comment older than them: 0.44-0.51 s with the write lock
            # held at a million comments before, 0.5-4 ms with this index.
            models.Index(
                fields=["created_at"],
                condition=~Q(ip_digest="") | ~Q(user_agent=""),
                name="comment_personal_data",
            ),
        ]

    def __str__(self):
        return f"{self.author_name}: {self.body[:60]}"

    def save(self, *args, **kwargs):
        self.body_html = plain_text_to_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return comment_anchor(self.pk)


def comment_anchor(pk: int) -> str:
    """Return the id of a comment's element on its article page."""
    return f"comment-{pk}"


class BlockedTerm(models.Model):
    """A word, an email or an IP range whose comments go straight to spam."""

    class Kind(models.TextChoices):
        WORD = "word", _("Word or phrase")
        EMAIL = "email", _("Email address")
        IP_RANGE = "ip_range", _("IP address or range")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    value = models.CharField(
        _("value"),
        max_length=200,
        help_text=_(
            "A word or phrase (any case); an email (kept only as a keyed hash); "
            "an IP address or range such as 203.0.113.0/24."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = _("blocked term")
        verbose_name_plural = _("blocklist")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value"], name="unique_blocked_term"
            )
        ]

    def __str__(self):
        if self.kind == self.Kind.EMAIL:
            return str(_("an email address (hidden)"))
        return self.value

    def clean(self):
        if self.kind == self.Kind.IP_RANGE:
            try:
                ipaddress.ip_network(self.value, strict=False)
            except ValueError:
                raise ValidationError(
                    {"value": _("Enter an IP address or a range like 203.0.113.0/24.")},
                    code="invalid_ip_range",
                ) from None


class SpamFilterState(models.Model):
    """The learned filter's word counts, trained by moderators' decisions (one row)."""

    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("learned spam filter")
        verbose_name_plural = _("learned spam filter")

    def __str__(self):
        return str(_("Learned spam filter"))


def moderation_url(comment: Comment) -> str:
    return reverse("admin:comments_comment_change", args=[comment.pk])
