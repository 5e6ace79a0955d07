"""Values computed once per content generation, shared through the cache."""

from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone

MISSING = object()
LONGEST = 3600


def per_generation(name: str, compute: Callable[[], object]):
    """Return `compute()`, computed once per content generation and kept in the cache.

    For what is costly to compute from the whole site and changes only when
    content does: where each listing page starts, the sitemaps' counts and
    dates, the feeds' last change. The value also ends when the clock next
    changes the site (a scheduled article going live).
    """
    from masthead.pagecache import expiry, generation

    key = f"memo:{generation.current()}:{name}"
    value = cache.get(key, MISSING)
    if value is MISSING:
        value = compute()
        timeout = LONGEST
        if changes_at := expiry.next_change_at():
            seconds = (changes_at - timezone.now()).total_seconds()
            timeout = max(1, min(timeout, int(seconds)))
        cache.set(key, value, timeout)
    return value
