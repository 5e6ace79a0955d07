"""Full builds (in parallel processes) and the watch loop of publish-files."""

import multiprocessing
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path

from django.db import connections
from django.db.models import Max, Q
from django.utils import timezone

from masthead.pagecache import expiry
from masthead.pagecache.models import Change
from masthead.publishing import targets
from masthead.publishing.writer import Publisher

CHUNK = 100
# Change rows older than this are deleted by the watcher: it has read them.
CHANGE_LOG_DAYS = 2

_worker: Publisher | None = None


def _start_worker(root: str) -> None:
    global _worker
    _worker = Publisher(Path(root))


def _publish_chunk(chunk: list[targets.Target]) -> tuple[dict, dict]:
    """Publish `chunk` in a worker; return its manifest entries and counts."""
    counts = _worker.publish_all(chunk)
    entries = {t.path: _worker.manifest.get(t.path) for t in chunk if t.path}
    connections.close_all()
    return entries, counts


def chunks(iterable, size: int):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def build_all(root: Path, *, processes: int, report: Callable[[str], None]) -> dict:
    """Write every public address under `root`; remove files of addresses gone."""
    publisher = Publisher(root)
    copied = publisher.copy_assets()
    all_targets = list(targets.everything())
    report(f"{len(all_targets)} addresses to check, {copied} asset files copied")
    counts: dict[str, int] = {}
    started = time.monotonic()
    if processes > 1:
        connections.close_all()  # each process opens its own
        context = multiprocessing.get_context("fork")
        with context.Pool(processes, _start_worker, (str(root),)) as pool:
            done = 0
            for entries, chunk_counts in pool.imap(
                _publish_chunk, chunks(all_targets, CHUNK)
            ):
                for path, entry in entries.items():
                    if entry is None:
                        publisher.manifest.pop(path, None)
                    else:
                        publisher.manifest[path] = entry
                for outcome, n in chunk_counts.items():
                    counts[outcome] = counts.get(outcome, 0) + n
                done += sum(chunk_counts.values())
                if done % 5000 < CHUNK:
                    report(f"  {done} of {len(all_targets)}"
                           f" ({time.monotonic() - started:.0f} s)")  # fmt: skip
    else:
        counts = publisher.publish_all(all_targets)
    counts["pruned"] = publisher.prune({t.path for t in all_targets})
    publisher.save()
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


class Watcher:
    """Follow the change log and keep DIR current: a full build, then steps."""

    def __init__(self, root: Path, *, processes: int, report: Callable[[str], None]):
        self.root, self.processes, self.report = root, processes, report
        self.last_seen = Change.objects.aggregate(last=Max("pk"))["last"] or 0
        counts = build_all(root, processes=processes, report=report)
        report(f"full build: {counts}")
        self.publisher = Publisher(root)
        self.latest = targets.latest_ids()
        self.clock_change = expiry.next_change()
        self.checked_at = timezone.now()

    def step(self) -> dict | None:
        """Rewrite what changed since the last step; return the counts, or None."""
        changes = list(Change.objects.filter(pk__gt=self.last_seen)[:10_000])
        now = timezone.now()
        if self.clock_change and now >= self.clock_change:
            changes += self.clock_changes(now)
        self.checked_at = now
        if not changes:
            return None
        self.last_seen = max([c.pk for c in changes if c.pk] + [self.last_seen])
        started = time.monotonic()
        affected = targets.affected(changes, self.latest, self.publisher.manifest)
        if affected is None:
            counts = build_all(self.root, processes=self.processes, report=self.report)
            self.publisher = Publisher(self.root)
        else:
            counts = self.publisher.publish_all(unique(affected))
            self.publisher.save()
        self.latest = targets.latest_ids()
        self.clock_change = expiry.next_change()
        counts["seconds"] = round(time.monotonic() - started, 2)
        self.report(f"{len(changes)} changes: {counts}")
        old = now - timezone.timedelta(days=CHANGE_LOG_DAYS)
        Change.objects.filter(at__lt=old).delete()
        return counts

    def clock_changes(self, now) -> list[Change]:
        """Changes made by the clock since the last step, as article changes.

        A scheduled article went live; an article left the news sitemap (two
        days old) or closed its comments (MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS).
        """
        crossed = Q()
        for age in expiry.ages():
            crossed |= Q(published_at__gt=self.checked_at - age,
                         published_at__lte=now - age)  # fmt: skip
        ids = (
            targets.Article.objects.published()
            .filter(crossed)
            .values_list("pk", flat=True)
        )
        return [Change(kind=Change.Kind.ARTICLE, object_id=pk) for pk in ids]


def watch(root: Path, *, interval: float, report: Callable[[str], None],
          processes: int) -> None:  # fmt: skip
    """Build everything, then follow the change log until stopped."""
    watcher = Watcher(root, processes=processes, report=report)
    while True:
        time.sleep(interval)
        watcher.step()


def unique(items):
    seen = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item
