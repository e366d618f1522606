"""What an import did, or a dry run would do, as the command prints it."""

from collections import Counter
from dataclasses import dataclass, field

SHOWN = 20  # of each list, the first ones; the counts are whole


@dataclass
class Report:
    dry_run: bool = False
    # (kind, "created" | "updated" | "unchanged" | "skipped")
    counts: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    skipped_types: Counter = field(default_factory=Counter)
    missing_files: list[str] = field(default_factory=list)
    unknown_shortcodes: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    comments: int = 0
    redirects: int = 0
    seconds: float = 0.0

    def count(self, kind: str, outcome: str) -> None:
        self.counts[(kind, outcome)] += 1

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else "were"
        out = []
        plural = {"category": "categories"}
        for kind in ("author", "category", "tag", "attachment", "post", "page"):
            made, changed, same, left = (
                self.counts[(kind, o)] for o in ("created", "updated", "unchanged", "skipped")
            )
            if made or changed or same or left:
                name = plural.get(kind, kind + "s")
                line = f"{name}: {made} {verb} created, {changed} updated, {same} unchanged"
                out.append(line + (f", {left} skipped (listed below)" if left else ""))
        if self.redirects:
            out.append(f"old addresses redirected: {self.redirects}")
        if self.comments:
            out.append(f"comments kept for later (not shown on the site): {self.comments}")
        for name, n in sorted(self.skipped_types.items()):
            out.append(f"skipped {n} item(s) of type {name!r}: not content Newsroom keeps")
        for title, items in (
            ("skipped", self.skipped),
            ("files not found (the stories import without them; a re-run picks them up)", self.missing_files),
            ("warnings", self.warnings),
        ):
            if items:
                out.append(f"{title}: {len(items)}")
                out += [f"  - {line}" for line in items[:SHOWN]]
                if len(items) > SHOWN:
                    out.append(f"  ... and {len(items) - SHOWN} more")
        if self.unknown_shortcodes:
            listed = ", ".join(f"[{name}] x{n}" for name, n in self.unknown_shortcodes.most_common(SHOWN))
            out.append(f"shortcodes kept as text (nothing here runs them): {listed}")
        return out
