"""Printing benchmark results as a plain table."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in headers]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    print(f"\n{title}")
    line = "  ".join(h.ljust(w) for h, w in zip(cells[0], widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in cells[1:]:
        print(
            "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"
    return str(value)


def p50_p95(samples: Sequence[float]) -> tuple[float, float]:
    """The median and the 95th percentile of some timings."""
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))
