"""With REDIS_URL: Django's Redis cache, which pages can do without.

Both caches hold what can be made again: rendered pages, and values computed
once per content generation (masthead.memo). When Redis fails (down, cut off,
restarting), a read finds nothing and a write is dropped, so readers' pages
are rendered and answered from each process's memory instead of failing
with it: a site must not go dark because its cache did. A warning says so,
every ten seconds at most. After a failure Redis is left alone for
`REST_SECONDS`, by both caches of the process: hung, or cut off by a network
that drops packets, it made each call wait out the socket's timeout, several
times a render (a page never rendered before got no answer for seconds).
Errors that are not Redis's own (a value that cannot be pickled) still raise.
"""

import logging
import math
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis import RedisError
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

logger = logging.getLogger("masthead.pagecache")

FAILURES = (RedisError, OSError)
WARN_EVERY_SECONDS = 10
REST_SECONDS = 5
# When Redis last failed, and when that was last said, by its address: the
# "default" and "pages" caches are one Redis.
failed_at: dict[tuple[str, ...], float] = {}
warned_at: dict[tuple[str, ...], float] = {}


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        # Fail fast unless OPTIONS say otherwise: redis-py's own retries,
        # backing off between them, held a request five seconds with Redis
        # down. One retry at once, on a connection refused or closed only,
        # still covers a connection Redis had dropped; a read that timed out
        # is not tried again.
        options = {
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
            "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        self.address = tuple(self._servers)

    def failing(self, action: str) -> None:
        failed_at[self.address] = now = time.monotonic()
        if now - warned_at.get(self.address, -math.inf) > WARN_EVERY_SECONDS:
            warned_at[self.address] = now
            logger.warning(
                "Redis failed to %s; going on without it for %d s",
                action,
                REST_SECONDS,
                exc_info=True,
            )

    def away(self) -> bool:
        """Return whether Redis failed in the last REST_SECONDS."""
        failed = failed_at.get(self.address, -math.inf)
        return time.monotonic() - failed < REST_SECONDS

    def get(self, key, default=None, version=None):
        if self.away():
            return default
        try:
            return super().get(key, default, version)
        except FAILURES:
            self.failing("read a cached value")
            return default

    def get_many(self, keys, version=None):
        if self.away():
            return {}
        try:
            return super().get_many(keys, version)
        except FAILURES:
            self.failing("read cached values")
            return {}

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.away():
            return
        try:
            super().set(key, value, timeout, version)
        except FAILURES:
            self.failing("store a value")

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.away():
            return False
        try:
            return super().add(key, value, timeout, version)
        except FAILURES:
            self.failing("store a value")
            return False
