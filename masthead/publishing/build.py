"""Full builds (in parallel processes) and the watch loop of publish-files."""

import multiprocessing
import signal
import time
from collections.abc import Callable, Iterator
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
# How long a watch step writes before it looks for new changes, and how
# often the manifest is saved while a queue is being written.
SLICE_SECONDS = 0.5
SAVE_SECONDS = 30
# Change rows older than this are deleted by the watcher: it has read them.
CHANGE_LOG_DAYS = 2

_worker: Publisher | None = None


def _start_worker(root: str) -> None:
    global _worker
    # Forked from `publish-files --watch`, whose SIGTERM handler stops it
    # cleanly: a worker must simply end when its pool is torn down.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
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
            # Let the workers finish and leave: leaving the block would
            # terminate them, which raced with their waiting for work and
            # once hung the watcher's start (tests/cli/test_cli.py).
            pool.close()
            pool.join()
    else:
        counts = publisher.publish_all(all_targets)
    counts["pruned"] = publisher.prune({t.path for t in all_targets})
    publisher.save()
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


class Watcher:
    """Follow the change log and keep DIR current: a full build, then steps.

    What a change affects is queued, most read first, and written a slice of
    time at a time; each step first takes in the changes made since the last
    one and puts what they affect ahead of the rest. A publication makes
    every article page's "Latest articles" stale, which at 100,000 articles
    is minutes of writing: the next publication's home page, feeds and
    article must not wait for that.
    """

    def __init__(self, root: Path, *, processes: int, report: Callable[[str], None]):
        self.root, self.processes, self.report = root, processes, report
        self.last_seen = Change.objects.aggregate(last=Max("pk"))["last"] or 0
        counts = build_all(root, processes=processes, report=report)
        report(f"full build: {counts}")
        self.publisher = Publisher(root)
        self.latest = targets.latest_ids()
        self.clock_change = expiry.next_change()
        self.checked_at = timezone.now()
        # (epoch, what a batch of changes affects, not yet written): newest
        # first. An epoch counts the batches taken in; `written` holds, per
        # address, the epoch known when it was last written.
        self.queue: list[tuple[int, Iterator[targets.Target]]] = []
        self.epoch = 0
        self.written: dict[targets.Target, int] = {}
        self.totals: dict[str, float] = {}
        self.taken_in = 0
        self.started = self.saved = time.monotonic()

    @property
    def busy(self) -> bool:
        """Whether written files still lag behind changes already taken in."""
        return bool(self.queue)

    def step(self) -> dict | None:
        """Take in new changes, then write for up to SLICE_SECONDS, most urgent
        first; return what was done this step, or None when nothing was to do."""
        changes = list(Change.objects.filter(pk__gt=self.last_seen)[:10_000])
        now = timezone.now()
        if self.clock_change and now >= self.clock_change:
            changes += self.clock_changes(now)
        self.checked_at = now
        if changes:
            self.last_seen = max([c.pk for c in changes if c.pk] + [self.last_seen])
            if not self.take_in(changes):
                return self.rebuild(len(changes))
            self.clock_change = expiry.next_change()
        if not self.queue:
            return None
        counts = self.write_slice()
        if not self.queue:
            self.publisher.save()
            self.finish()
        elif time.monotonic() - self.saved > SAVE_SECONDS:
            self.publisher.save()
            self.saved = time.monotonic()
        return counts

    def take_in(self, changes: list[Change]) -> bool:
        """Queue what `changes` affect ahead of the rest; False: everything."""
        affected = targets.affected(changes, self.latest, self.publisher.manifest)
        if affected is None:
            return False
        if not self.queue:
            self.started, self.totals, self.taken_in = time.monotonic(), {}, 0
        self.epoch += 1
        self.queue.insert(0, (self.epoch, unique(affected)))
        self.taken_in += len(changes)
        self.latest = targets.latest_ids()
        old = timezone.now() - timezone.timedelta(days=CHANGE_LOG_DAYS)
        Change.objects.filter(at__lt=old).delete()
        return True

    def write_slice(self) -> dict:
        """Write queued addresses, newest batch first, for up to SLICE_SECONDS.

        An address already written since a batch was taken in is not written
        again for that batch: it shows the batch's changes already.
        """
        counts: dict[str, int] = {}
        deadline = time.monotonic() + SLICE_SECONDS
        while self.queue:
            epoch, pending = self.queue[0]
            target = next(pending, None)
            if target is None:
                self.queue.pop(0)
                continue
            if self.written.get(target, 0) >= epoch:
                continue
            outcome = self.publisher.publish(target)
            self.written[target] = self.epoch
            counts[outcome] = counts.get(outcome, 0) + 1
            if time.monotonic() >= deadline:
                break
        for outcome, n in counts.items():
            self.totals[outcome] = self.totals.get(outcome, 0) + n
        return counts

    def finish(self) -> None:
        """Report what the queue's changes took, now that it is empty."""
        self.written.clear()
        self.saved = time.monotonic()
        self.totals["seconds"] = round(time.monotonic() - self.started, 2)
        self.report(f"{self.taken_in} changes: {self.totals}")

    def rebuild(self, changes: int) -> dict:
        """Write everything again (menus are on every page)."""
        started = time.monotonic()
        self.queue.clear()
        self.written.clear()
        counts = build_all(self.root, processes=self.processes, report=self.report)
        self.publisher = Publisher(self.root)
        self.latest = targets.latest_ids()
        self.clock_change = expiry.next_change()
        counts["seconds"] = round(time.monotonic() - started, 2)
        self.report(f"{changes} changes: {counts}")
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
    try:
        while True:
            if not watcher.busy:  # with a queue, the next step comes at once
                time.sleep(interval)
            watcher.step()
    finally:
        watcher.publisher.save()  # what was written, for the next start


def unique(items):
    seen = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item
