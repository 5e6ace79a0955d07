"""Writes on comments: posting, moderating, and a commenter's export and erasure."""

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from masthead.articles.models import Article
from masthead.comments import privacy, spam
from masthead.comments.models import Comment, moderation_url
from masthead.comments.signals import comments_counted
from masthead.comments.spam.learned import filter_train

logger = logging.getLogger(__name__)

MODERATION_POLICIES = {"all", "known", "none"}


# Posting a comment also erases expired personal data, at most this often: the
# erasure scans every old comment, too slow to run on each post.
PURGE_EVERY_SECONDS = 600


def status_for(verdict: spam.Verdict, digest: str) -> str:
    """Return the status a comment gets from its verdict and the moderation policy."""
    policy = settings.MASTHEAD_COMMENTS_MODERATION
    if policy not in MODERATION_POLICIES:
        raise ImproperlyConfigured(
            f"MASTHEAD_COMMENTS_MODERATION: {policy!r} is not one of "
            f"{', '.join(sorted(MODERATION_POLICIES))}"
        )
    if verdict == spam.Verdict.SPAM:
        return Comment.Status.SPAM
    if verdict == spam.Verdict.HOLD or policy == "all":
        return Comment.Status.PENDING
    if (
        policy == "known"
        and not Comment.objects.approved().filter(email_digest=digest).exists()
    ):
        return Comment.Status.PENDING
    return Comment.Status.APPROVED


def earlier_post(article: Article, digest: str, body: str) -> Comment | None:
    """Return the first comment of this sender on `article` saying `body`, if any.

    Read through the index of the sender and the body's opening: with the
    article in the query, SQLite read all the article's comments for each post
    instead (a post took 6.4-6.7 ms on an article with 7,000 comments of the
    100k bench site, 4.1-4.7 ms this way). The article is compared here, with
    the whole body.
    """
    alike = (
        Comment.objects.opening_as(body)
        .filter(email_digest=digest)
        .exclude(status=Comment.Status.TRASH)
        .order_by()
    )
    same = [c for c in alike if c.article_id == article.pk and c.body == body]
    return min(same, key=lambda comment: (comment.created_at, comment.pk), default=None)


@transaction.atomic
def comment_post(*, article: Article, data: dict, sender: spam.Sender) -> Comment:
    """Save a reader's comment with the status the spam checks give it.

    Posting the same text twice on one article returns the first comment, so a
    double click or a resent form makes one comment. Moderators are told once
    the transaction commits.
    """
    digest = privacy.email_digest(data["email"])
    earlier = earlier_post(article, digest, data["body"])
    if earlier:
        return earlier
    comment = Comment(
        article=article,
        parent=data.get("parent"),
        author_name=data["author_name"],
        author_url=data.get("author_url", ""),
        email_encrypted=privacy.encrypt_email(data["email"]),
        email_digest=digest,
        avatar_digest=privacy.avatar_digest(data["email"]),
        body=data["body"],
        ip_digest=privacy.ip_digest(sender.ip),
        user_agent=sender.user_agent,
    )
    judgement = spam.judge(comment, sender)
    comment.status = status_for(judgement.verdict, digest)
    comment.checks_flagged = ", ".join(judgement.flagged)
    comment.save()
    if comment.status == Comment.Status.APPROVED:
        # A held comment changes no page: the cache and files stay as they are.
        articles_recount(article_ids=[article.pk])
    if cache.add("comments:personal-data-expired", True, PURGE_EVERY_SECONDS):
        personal_data_expire()
    if comment.status != Comment.Status.SPAM:
        transaction.on_commit(lambda: moderators_notify(comment=comment))
    return comment


# What each moderation action does to the learned filter: (trains as spam?,
# reverses an earlier lesson?) by old and new status.
def lesson(old: str, new: str) -> tuple[bool, bool] | None:
    if new == Comment.Status.SPAM and old != Comment.Status.SPAM:
        return (True, False)
    if old == Comment.Status.SPAM and new == Comment.Status.APPROVED:
        return (False, False)
    if new == Comment.Status.APPROVED and old == Comment.Status.PENDING:
        return (False, False)
    return None


@transaction.atomic
def comments_moderate(*, comments, status: str) -> int:
    """Give `comments` the new `status`; teach the learned filter; return how many.

    Marking spam trains the filter on spam; approving trains it on ham (so the
    filter learns what this newsroom's readers write).
    """
    changed, lessons = [], {True: [], False: []}
    for comment in comments:
        if comment.status == status:
            continue
        if taught := lesson(comment.status, status):
            lessons[taught[0]].append(comment)
        comment.status = status
        comment.modified_at = timezone.now()  # bulk_update skips auto_now
        changed.append(comment)
    Comment.objects.bulk_update(changed, ["status", "modified_at"])
    for is_spam, taught in lessons.items():
        if taught:
            filter_train(comments=taught, is_spam=is_spam)
    articles_recount(article_ids={comment.article_id for comment in changed})
    return len(changed)


def approved_count():
    """Return the expression of an article's number of approved comments."""
    approved = (
        Comment.objects.approved()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(approved), 0)


def articles_recount(*, article_ids) -> None:
    """Store each article's number of approved comments, shown in listings."""
    article_ids = list(article_ids)
    Article.objects.filter(pk__in=article_ids).update(comment_count=approved_count())
    # update() sends no model signal: say which articles readers now see changed.
    comments_counted.send(sender=Comment, article_ids=article_ids)


def personal_data_expire(*, now=None) -> int:
    """Erase IP hashes and user agents older than the configured days; return rows."""
    days = settings.MASTHEAD_COMMENTS_PERSONAL_DATA_DAYS
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return (
        Comment.objects.filter(created_at__lt=cutoff)
        .filter(~Q(ip_digest="") | ~Q(user_agent=""))
        .update(ip_digest="", user_agent="")
    )


def moderators_notify(*, comment: Comment) -> None:
    """Email the moderators and the article's authors about a new comment.

    The commenter's email is not in the message: moderators do not need it.
    At most MASTHEAD_COMMENTS_NOTIFY_LIMITS messages go out in a window
    (notice_pause()): a flood of comments must not become a flood of mail.
    """
    pause = notice_pause(comment)
    if pause is None:
        return
    recipients = set(settings.MASTHEAD_COMMENTS_MODERATOR_EMAILS)
    if not recipients:
        from django.contrib.auth import get_user_model

        recipients |= set(
            get_user_model()
            .objects.filter(is_active=True, is_superuser=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    recipients |= {
        author.user.email
        for author in comment.article.authors.select_related("user")
        if author.user and author.user.email
    }
    if not recipients:
        return
    site = settings.MASTHEAD_SITE_URL.rstrip("/")
    state = comment.get_status_display().lower()
    send_mail(
        subject=f"[{settings.MASTHEAD_SITE_NAME}] New comment ({state}) on "
        f"“{comment.article.headline}”",
        message=(
            f"{comment.author_name} wrote on “{comment.article.headline}”:\n\n"
            f"{comment.body}\n\n"
            f"Website: {comment.author_url or '–'}\n"
            f"Status: {state}\n\n"
            f"Moderate it: {site}{moderation_url(comment)}\n"
            f"Read it in place: {site}{comment.get_absolute_url()}\n"
            f"{pause}"
        ),
        from_email=None,
        recipient_list=sorted(recipients),
        fail_silently=True,
    )


def comments_export(*, email: str) -> list[dict]:
    """Return everything kept about the commenter with `email`, for their request."""
    digest = privacy.email_digest(email)
    return [
        {
            "article": comment.article.headline,
            "url": comment.get_absolute_url(),
            "posted": comment.created_at.isoformat(),
            "name": comment.author_name,
            "email": privacy.decrypt_email(comment.email_encrypted),
            "website": comment.author_url,
            "comment": comment.body,
            "status": comment.status,
            "user_agent": comment.user_agent,
            "ip_address": "not stored (only a keyed hash, erased after "
            f"{settings.MASTHEAD_COMMENTS_PERSONAL_DATA_DAYS} days)",
        }
        for comment in Comment.objects.by_email_digest(digest).select_related("article")
    ]


@transaction.atomic
def comments_erase(*, email: str) -> int:
    """Delete every comment by `email`; return how many were deleted.

    Replies to them stay, as top-level comments.
    """
    comments = Comment.objects.by_email_digest(privacy.email_digest(email))
    article_ids = set(comments.values_list("article_id", flat=True))
    count, _ = comments.delete()
    articles_recount(article_ids=article_ids)
    return count


def notice_pause(comment: Comment) -> str | None:
    """Return what a notice of `comment` adds about pausing, or None to send none.

    A notice goes out for every comment not judged spam, so the notices of a
    window are counted from the comments saved in it (`comment` among them):
    the count holds across processes and app servers, and needs no cache. The
    last notice a limit allows says so; over it, none is sent.
    """
    added = ""
    for count, seconds in settings.MASTHEAD_COMMENTS_NOTIFY_LIMITS:
        since = comment.created_at - datetime.timedelta(seconds=seconds)
        recent = (
            Comment.objects.exclude(status=Comment.Status.SPAM)
            .filter(created_at__gt=since, created_at__lte=comment.created_at)
            .order_by()[: count + 1]
            .count()
        )
        if recent > count:
            return None
        if recent == count:
            logger.warning(
                "%d comment notices in %d s: further comments wait in the"
                " moderation queue without one",
                count,
                seconds,
            )
            added = (
                f"\nThis is the last message for now: at most {count} go out in"
                f" {span(seconds)}. Until comments arrive more slowly, new ones"
                " wait in the moderation queue without a message.\n"
            )
    return added


def span(seconds: int) -> str:
    """Return a window's length in words: "10 minutes", "1 hour", "45 seconds"."""
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            number = seconds // size
            return f"{number} {unit}{'s' if number != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"
