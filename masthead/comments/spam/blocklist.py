"""The moderators' blocklist: words, emails and IP ranges, edited in the admin."""

import ipaddress

from masthead.comments.models import BlockedTerm
from masthead.comments.spam import Verdict


def blocklist(comment, sender):
    """Return SPAM when a blocked word, email or IP range matches the comment."""
    text = f"{comment.author_name}\n{comment.author_url}\n{comment.body}".casefold()
    try:
        ip = ipaddress.ip_address(sender.ip) if sender.ip else None
    except ValueError:
        ip = None
    for kind, value in BlockedTerm.objects.values_list("kind", "value"):
        if kind == BlockedTerm.Kind.WORD and value.casefold() in text:
            return Verdict.SPAM
        if kind == BlockedTerm.Kind.EMAIL and value == comment.email_digest:
            return Verdict.SPAM
        if kind == BlockedTerm.Kind.IP_RANGE and ip is not None:
            network = ipaddress.ip_network(value, strict=False)
            if ip.version == network.version and ip in network:
                return Verdict.SPAM
    return None
