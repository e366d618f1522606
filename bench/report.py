"""The bench's report: the table of figures and ratios, and the verdicts against the issues' targets."""

from bench.figures import FLOOR, WALK, Result, Target


def fmt(value, spec, small_spec=None, small=0.0):
    if value is None:
        return "—"
    return format(value, small_spec if small_spec and value < small else spec)


def table(results: list[Result]) -> str:
    head = ["page", "mode", "req/s", "× floor", "p50 ms", "p99 ms", "requests", "errors", "KB", "notes"]
    rows = [
        [r.name, r.mode, fmt(r.rps, ",.0f", ".1f", 10), fmt(r.ratio, ".2f", ".3f", 0.1),
         fmt(r.p50_ms, ",.1f"), fmt(r.p99_ms, ",.1f"), fmt(r.requests, ",d"), fmt(r.errors, ",d"),
         fmt(r.kb, ".0f"), r.note]
        for r in results
    ]  # fmt: skip
    widths = [max(len(str(row[i])) for row in [head, *rows]) for i in range(len(head))]
    right = {2, 3, 4, 5, 6, 7, 8}

    def line(cells):
        return "  ".join(
            str(c).rjust(widths[i]) if i in right else str(c).ljust(widths[i]) for i, c in enumerate(cells)
        ).rstrip()

    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])


def verdicts(results: list[Result], memory: dict[str, list[dict]]) -> list[tuple[str, str, bool]]:
    """The issue's targets, each as (target, figures, met), for the pages measured."""

    def find(name, mode):
        return next((r for r in results if r.name == name and r.mode == mode and r.p50_ms is not None), None)

    out = []
    cached = [find(name, "cached") for name in ("article page", "home", "section page 1")]
    if all(cached):
        figures = ", ".join(f"{r.ratio:.2f}x" for r in cached)
        out.append(
            ("cached article, home, section >= 0.6x floor", figures, min(r.ratio for r in cached) >= 0.6)
        )
    article = find("article page", "uncached")
    if article:
        fragments = find("article page", "fragments")
        extra = f" (with stored fragments {fragments.ratio:.2f}x)" if fragments else ""
        out.append(("uncached article >= 0.10x floor", f"{article.ratio:.3f}x", article.ratio >= 0.10))
        out.append(
            (
                "uncached article >= 0.25x floor (where to head)",
                f"{article.ratio:.3f}x{extra}",
                article.ratio >= 0.25,
            )
        )
    first = find("section page 1", "uncached")
    if first:
        out.append(("uncached section page 1 >= 0.12x floor", f"{first.ratio:.3f}x", first.ratio >= 0.12))
    walked = find(WALK, "cold")
    if walked and walked.ratio is not None:
        out.append(
            (
                f"{WALK} answered without errors",
                f"{walked.ratio:.3f}x, {walked.errors} errors",
                not walked.errors,
            )
        )
    deep = [
        r for r in results if r.name.startswith("section page ") and r is not first and r.mode == "uncached"
    ]
    if first and deep and deep[0].p50_ms is not None:
        factor = deep[0].p50_ms / first.p50_ms
        figures = f"{deep[0].p50_ms:,.0f} vs {first.p50_ms:,.0f} ms ({factor:.2f}x)"
        out.append((f"uncached {deep[0].name} p50 within 1.5x of page 1", figures, factor <= 1.5))
    for prefix, limit in (("search", 5), ("admin", 4)):
        for r in results:
            if article and r.name.startswith(prefix) and r.mode == "uncached" and r.p50_ms is not None:
                factor = r.p50_ms / article.p50_ms
                figures = f"{r.p50_ms:,.0f} vs {article.p50_ms:,.0f} ms ({factor:.2f}x)"
                out.append((f"{r.name} p50 < {limit}x uncached article p50", figures, factor < limit))
    peak = max((w["peak_mb"] for workers in memory.values() for w in workers), default=0)
    errors = sum(r.errors or 0 for r in results)
    out.append(
        (
            "no worker past 150 MB, zero errors",
            f"peak {peak:.0f} MB, {errors} errors",
            peak <= 150 and not errors,
        )
    )
    return out


def ordered(results: list[Result], targets: list[Target]) -> list[Result]:
    """Floors first, then each page with its uncached, fragments and cached rows together."""
    order = {t.path: i for i, t in enumerate(targets)}
    modes = {"uncached": 0, "fragments": 1, "cached": 2}
    order[WALK] = len(order)
    return sorted(
        results,
        key=lambda r: (
            r.path != FLOOR,
            order.get(r.name if r.mode == "cold" else r.path, -1),
            modes.get(r.mode, 3),
        ),
    )
