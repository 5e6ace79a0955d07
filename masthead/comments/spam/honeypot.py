"""The honeypot: a field hidden from people that bots fill in."""

from masthead.comments.spam import Verdict


def honeypot(comment, sender):
    """Return SPAM when the hidden field has any value."""
    return Verdict.SPAM if sender.honeypot else None
