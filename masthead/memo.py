"""Values derived from the whole site, computed once per content generation.

Where each page of a listing starts, how many URLs each sitemap holds, when
the feeds last changed: costly to compute, and the same until content
changes. The content generation is the page cache's concept
(masthead.pagecache); it registers itself here when the app is ready, so
reader code needs no import of it. With no generation registered, every call
computes afresh.
"""

import time
from collections.abc import Callable

from django.core.cache import cache

MISSING = object()
LONGEST_SECONDS = 3600

# This process's copy of each value: name → (key, value, monotonic expiry).
# Read on every uncached page (menus, latest articles), so not unpickled from
# the shared cache each time. One entry per name: a new generation replaces it.
_local: dict[str, tuple[str, object, float]] = {}

# (the current generation's token, seconds until the clock alone changes a page)
_generation: tuple[Callable[[], str], Callable[[], int | None]] | None = None


def generation_register(
    token: Callable[[], str], seconds_left: Callable[[], int | None]
) -> None:
    """Make `token()` the key of memoized values, kept at most `seconds_left()`."""
    global _generation
    _generation = (token, seconds_left)


def per_generation(name: str, compute: Callable[[], object]):
    """Return `compute()`, computed once per content generation and kept in the cache.

    The value also ends when the clock next changes the site (a scheduled
    article going live), however long the generation lasts.
    """
    if _generation is None:
        return compute()
    token, seconds_left = _generation
    key = f"memo:{token()}:{name}"
    now = time.monotonic()
    local = _local.get(name)
    if local and local[0] == key and local[2] > now:
        return local[1]
    left = seconds_left()
    timeout = LONGEST_SECONDS if left is None else max(1, min(LONGEST_SECONDS, left))
    value = cache.get(key, MISSING)
    if value is MISSING:
        value = compute()
        cache.set(key, value, timeout)
    _local[name] = (key, value, now + timeout)
    return value


def forget() -> None:
    """Drop this process's copies (tests: the last test's database is gone)."""
    _local.clear()
