"""Benchmarks: each ``bench/bench_*.py`` module has ``run() -> list[Result]``.

``python -m bench`` (``make bench``) runs them all, prints a table and writes
``bench/results.json``. Every result carries the baseline measured in the same run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Result:
    """One measured target beside its baseline."""

    name: str
    value: float
    unit: str
    baseline: float
    target: str
    met: bool

    @property
    def ratio(self) -> float:
        return round(self.value / self.baseline, 3) if self.baseline else float("inf")

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["value"] = round(self.value, 3)
        data["baseline"] = round(self.baseline, 3)
        data["ratio"] = self.ratio
        return {k: data[k] for k in ("name", "value", "unit", "baseline", "ratio", "target", "met")}
