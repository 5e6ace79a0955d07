"""Duplicates: the same text from the same sender again is a bot repeating itself."""

import datetime

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
    # The bodies of each sender's comments that open alike: one SELECT for
    # each sender, as SQLite reads an OR of the two through neither index.
    same_text = (
        Comment.objects.opening_as(comment.body)
        .filter(created_at__gte=timezone.now() - WINDOW)
        .exclude(article_id=comment.article_id)
        .values_list("body", flat=True)
        .order_by()
    )
    bodies = same_text.filter(email_digest=comment.email_digest)
    if sender.ip:
        by_address = same_text.filter(ip_digest=ip_digest(sender.ip))
        bodies = bodies.union(by_address, all=True)
    return Verdict.SPAM if comment.body in set(bodies) else None
