"""Spam checks: a pipeline of small checks whose strictest verdict wins.

Each check is a callable ``check(comment, sender) -> Verdict | None`` in its own
module; MASTHEAD_COMMENTS_SPAM_CHECKS lists them in order. None means "no
opinion". Rate limits are not a verdict: a sender over them gets HTTP 429 and
nothing is saved (see `masthead.comments.ratelimit`).
"""

import enum
import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class Verdict(enum.IntEnum):
    APPROVE, HOLD, SPAM = 0, 1, 2


@dataclass(frozen=True)
class Sender:
    """Who posted, as far as the checks need to know; never stored as such."""

    ip: str = ""
    user_agent: str = ""
    honeypot: str = ""

    @classmethod
    def of(cls, request, *, honeypot: str = "") -> "Sender":
        """Return the sender of `request`; behind a proxy, its last forwarded hop."""
        ip = request.META.get("REMOTE_ADDR", "")
        if settings.SECURE_PROXY_SSL_HEADER:
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
            ip = forwarded.rsplit(",", 1)[-1].strip() or ip
        return cls(
            ip=ip,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            honeypot=honeypot,
        )


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    flagged: list[str] = field(default_factory=list)


DEFAULT_CHECKS = [
    "masthead.comments.spam.honeypot.honeypot",
    "masthead.comments.spam.blocklist.blocklist",
    "masthead.comments.spam.links.too_many_links",
    "masthead.comments.spam.duplicate.duplicate",
    "masthead.comments.spam.learned.learned_filter",
]


@functools.cache
def configured_checks() -> tuple:
    """Return the checks named by MASTHEAD_COMMENTS_SPAM_CHECKS, imported."""
    names = getattr(settings, "MASTHEAD_COMMENTS_SPAM_CHECKS", None) or DEFAULT_CHECKS
    try:
        return tuple(import_string(name) for name in names)
    except ImportError as exc:
        raise ImproperlyConfigured(f"MASTHEAD_COMMENTS_SPAM_CHECKS: {exc}") from exc


def judge(comment, sender: Sender, checks=None) -> Judgement:
    """Run each check on an unsaved comment; the strictest verdict wins."""
    verdict, flagged = Verdict.APPROVE, []
    for check in checks or configured_checks():
        result = check(comment, sender)
        if result is not None and result > Verdict.APPROVE:
            flagged.append(check.__name__)
        if result is not None:
            verdict = max(verdict, result)
    return Judgement(verdict, flagged)
