"""Duplicates: the same text from the same sender again is a bot repeating itself."""

import datetime

from django.db.models import Q
from django.utils import timezone

from masthead.comments.models import Comment
from masthead.comments.privacy import ip_digest
from masthead.comments.spam import Verdict

WINDOW = datetime.timedelta(days=7)


def duplicate(comment, sender):
    """Return SPAM when this email or IP posted the same text in the last week.

    The same comment posted twice on one article is not judged here: posting
    is idempotent there (`comment_post` returns the first one).
    """
    same_sender = Q(email_digest=comment.email_digest)
    if sender.ip:
        same_sender |= Q(ip_digest=ip_digest(sender.ip))
    repeated = Comment.objects.filter(
        same_sender, body=comment.body, created_at__gte=timezone.now() - WINDOW
    ).exclude(article_id=comment.article_id)
    return Verdict.SPAM if repeated.exists() else None
