"""Rate limits on posting: per IP and per email, counted from the comments saved.

Counting saved comments needs no cache and holds across any number of app
servers; both lookups use an index on (digest, created_at).
"""

import datetime

from django.conf import settings
from django.utils import timezone

from masthead.comments.models import Comment
from masthead.comments.privacy import email_digest, ip_digest


def is_rate_limited(*, ip: str, email: str) -> bool:
    """Return whether one more comment from `ip` or `email` would exceed a limit.

    MASTHEAD_COMMENTS_RATE_LIMITS maps "ip" and "email" to (count, seconds)
    pairs: at most `count` comments in any `seconds`.
    """
    now = timezone.now()
    senders = {"ip": {"ip_digest": ip_digest(ip)} if ip else None,
               "email": {"email_digest": email_digest(email)}}  # fmt: skip
    for kind, limits in settings.MASTHEAD_COMMENTS_RATE_LIMITS.items():
        if senders.get(kind) is None:
            continue
        for count, seconds in limits:
            since = now - datetime.timedelta(seconds=seconds)
            recent = Comment.objects.filter(**senders[kind], created_at__gte=since)
            if recent.count() >= count:
                return True
    return False
