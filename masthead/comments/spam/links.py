"""Too many links: link spam needs links; people rarely post more than one."""

from django.conf import settings

from masthead.comments.spam import Verdict
from masthead.text.plaintext import count_links


def too_many_links(comment, sender):
    """Return HOLD when the comment has MASTHEAD_COMMENTS_MAX_LINKS links or more.

    WordPress holds a comment with 2 links by default ("comment_max_links").
    """
    if count_links(comment.body) >= settings.MASTHEAD_COMMENTS_MAX_LINKS:
        return Verdict.HOLD
    return None
