"""What an import did: counts per kind, what was skipped and why, what is missing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

PLURALS = {
    "author": "authors",
    "category": "categories",
    "tag": "tags",
    "post": "posts",
    "page": "pages",
    "attachment": "attachments",
    "comment": "comments",
}
KINDS = tuple(PLURALS)
OUTCOMES = ("created", "updated", "unchanged", "skipped")
LISTED = 20  # how many missing attachments or orphans are printed in full


@dataclass
class Report:
    """The outcome of `wordpress_import`, filled in as records are read."""

    dry_run: bool = False
    site_title: str = ""
    wxr_version: str = ""
    counts: dict[str, Counter] = field(
        default_factory=lambda: {kind: Counter() for kind in KINDS}
    )
    skipped: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)
    unknown_shortcodes: Counter = field(default_factory=Counter)
    missing_attachments: list[str] = field(default_factory=list)
    orphaned_comments: list[int] = field(default_factory=list)
    redirects: int = 0

    def count(self, kind: str, outcome: str, number: int = 1) -> None:
        """Add `number` records of `kind` to `outcome`."""
        self.counts.setdefault(kind, Counter())[outcome] += number

    def skip(self, kind: str, reason: str, number: int = 1) -> None:
        """Count `number` records of `kind` skipped for `reason`."""
        if number:
            self.count(kind, "skipped", number)
            self.skipped[(kind, reason)] += number

    def recount(self, kind: str, old: str, new: str) -> None:
        """Move one record of `kind` from outcome `old` to `new`."""
        self.counts[kind][old] -= 1
        self.counts[kind][new] += 1

    def missing(self, url: str) -> None:
        """Note an attachment whose file could not be copied, once."""
        if url and url not in self.missing_attachments:
            self.missing_attachments.append(url)

    def total(self, outcome: str) -> int:
        """Return how many records of every kind had `outcome`."""
        return sum(counter[outcome] for counter in self.counts.values())

    def lines(self) -> list[str]:
        """Return the report as lines of text, for the command to print."""
        title = f"“{self.site_title}”" if self.site_title else "the export"
        version = f" (WXR {self.wxr_version})" if self.wxr_version else ""
        head = "Dry run: nothing was saved." if self.dry_run else "Imported."
        lines = [f"{head} From {title}{version}:", ""]
        lines.append(f"{'':12}" + "".join(f"{name:>11}" for name in OUTCOMES))
        for kind, counter in self.counts.items():
            figures = "".join(f"{counter[name]:>11}" for name in OUTCOMES)
            lines.append(f"{PLURALS.get(kind, kind):12}{figures}")
        lines.append(f"\nRedirects from old addresses: {self.redirects}")
        lines += self.section(
            "Skipped",
            [f"{kind}: {reason} ({n})" for (kind, reason), n in self.skipped.items()],
        )
        lines += self.section(
            "Notes", [f"{note} ({n})" for note, n in self.notes.items()]
        )
        lines += self.section(
            "Unknown shortcodes, kept as text",
            [f"[{name}] ({n})" for name, n in self.unknown_shortcodes.most_common()],
        )
        lines += self.section(
            "Attachments not copied (the original URL is kept; readers' browsers"
            " load no image from another site: pass --uploads)",
            self.missing_attachments,
        )
        lines += self.section(
            "Comments whose parent is missing (now top level), WordPress ids",
            [", ".join(str(n) for n in self.orphaned_comments[:LISTED])]
            if self.orphaned_comments
            else [],
            total=len(self.orphaned_comments),
        )
        return lines

    @staticmethod
    def section(title: str, items: list[str], total: int | None = None) -> list[str]:
        """Return a titled list, cut after `LISTED` items, or nothing if empty."""
        if not items:
            return []
        total = len(items) if total is None else total
        shown = [f"  {item}" for item in items[:LISTED]]
        if total > LISTED:
            shown.append(f"  … and {total - LISTED} more")
        return ["", f"{title}: {total}", *shown]
