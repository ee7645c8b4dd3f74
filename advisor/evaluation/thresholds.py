"""Thresholds: one TOML file, a table per backend (falling back to [default])."""

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from advisor.errors import AdvisorError
from advisor.evaluation.runner import CaseResult

# Metrics where lower is better; every other threshold is a minimum.
MAXIMA = frozenset({"forbidden_phrases", "latency_p50_s", "latency_p95_s"})

# Which cases to name when a metric misses its threshold.
_CULPRITS: dict[str, Callable[[CaseResult], bool]] = {
    "refused_out_of_scope": lambda r: r.case.refuse and not r.answer.refused,
    "answered_in_scope": lambda r: r.case.must_answer and r.answer.refused,
    "citation_recall": lambda r: r.citation_recall is not None and r.citation_recall < 1,
    "citation_precision": lambda r: r.citation_precision is not None and r.citation_precision < 1,
    "fact_recall": lambda r: bool(r.missing_facts),
    "faithfulness": lambda r: bool(r.unsupported),
    "forbidden_phrases": lambda r: bool(r.forbidden_found),
    "plan_accuracy": lambda r: r.plan_ok is False,
    "premise_corrected": lambda r: r.premise_corrected is False,
    "compound_coverage": lambda r: r.compound_covered is False,
    "first_sentence_answers": lambda r: r.first_answers is False,
    "retrieval_hit_rate": lambda r: r.hit is False,
    "retrieval_mrr": lambda r: r.reciprocal_rank is not None and r.reciprocal_rank < 1,
}


@dataclass(frozen=True)
class Miss:
    metric: str
    value: float | None
    threshold: float
    cases: list[str]

    def __str__(self) -> str:
        shown = "n/a" if self.value is None else f"{self.value:.3f}"
        op = "<=" if self.metric in MAXIMA else ">="
        names = ", ".join(self.cases) or "-"
        return f"{self.metric} = {shown}, needs {op} {self.threshold}; cases: {names}"


def _nobody(result: CaseResult) -> bool:
    return False


def load_thresholds(path: Path, backend: str) -> dict[str, float]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AdvisorError(f"Cannot read thresholds {path}: {exc}.", "Fix the TOML file.") from exc
    table = {**data.get("default", {}), **data.get(backend, {})}
    return {k: float(v) for k, v in table.items()}


def check(
    summary: dict[str, float | None], thresholds: dict[str, float], results: list[CaseResult]
) -> list[Miss]:
    misses = []
    for metric, threshold in thresholds.items():
        value = summary.get(metric)
        if value is None:
            continue  # nothing measured (e.g. no judge configured)
        ok = value <= threshold if metric in MAXIMA else value >= threshold
        if not ok:
            pick = _CULPRITS.get(metric, _nobody)
            misses.append(Miss(metric, value, threshold, [r.case.id for r in results if pick(r)]))
    return misses
