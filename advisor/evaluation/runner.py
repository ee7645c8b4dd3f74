"""Running the eval cases through an answerer and scoring each answer."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from advisor.evaluation.dataset import EvalCase
from advisor.evaluation.judge import LlmJudge, faithfulness, raw_faithfulness
from advisor.models import Answer


class Answerer(Protocol):
    """Something that answers an eval case; returns the answer and the ranked retrieved sections."""

    name: str

    def answer(self, case: EvalCase) -> tuple[Answer, list[str]]: ...


@dataclass
class CaseResult:
    """One case's answer and every check on it."""

    case: EvalCase
    answer: Answer
    retrieved: list[str]
    seconds: float
    hit: bool | None = None
    reciprocal_rank: float | None = None
    citation_precision: float | None = None
    citation_recall: float | None = None
    fact_recall: float | None = None
    missing_facts: list[str] = field(default_factory=list)
    supported: int = 0
    sentences: int = 0
    unsupported: list[str] = field(default_factory=list)
    raw_supported: int = 0
    raw_sentences: int = 0
    forbidden_found: list[str] = field(default_factory=list)
    plan_ok: bool | None = None
    judge_ok: bool | None = None

    def problems(self) -> list[str]:
        """Why this case fails, in words; empty when it passes every check."""
        c, out = self.case, []
        if c.refuse and not self.answer.refused:
            out.append("answered a question the guide does not cover")
        if c.must_answer and self.answer.refused:
            out.append("refused an in-scope question")
        if self.citation_recall is not None and self.citation_recall < 1:
            out.append("did not cite every expected section")
        if self.missing_facts:
            out.append("missing facts: " + "; ".join(self.missing_facts))
        if self.unsupported:
            out.append(f"{len(self.unsupported)} unsupported sentence(s)")
        if self.forbidden_found:
            out.append("said: " + "; ".join(self.forbidden_found))
        if self.plan_ok is False:
            out.append("plan missing or wrong")
        return out


def _matches(section: str, prefixes: list[str]) -> bool:
    return any(section.startswith(p) for p in prefixes)


def score_case(
    case: EvalCase,
    answer: Answer,
    retrieved: list[str],
    seconds: float,
    corpus: list[str],
    judge: LlmJudge | None = None,
) -> CaseResult:
    result = CaseResult(case, answer, retrieved, seconds)
    text = answer.answer.lower()
    result.forbidden_found = [f for f in case.forbidden if f.lower() in text]
    if case.sections and not case.refuse:
        ranks = [i for i, s in enumerate(retrieved, 1) if _matches(s, case.sections)]
        result.hit = bool(ranks)
        result.reciprocal_rank = 1 / ranks[0] if ranks else 0.0
    answered = not answer.refused
    if case.sections and (case.must_answer or answered):
        cited = [c.section for c in answer.citations]
        if answered and cited:
            result.citation_precision = sum(_matches(s, case.sections) for s in cited) / len(cited)
        found = [p for p in case.sections if any(s.startswith(p) for s in cited)]
        result.citation_recall = len(found) / len(case.sections)
    if case.facts and (case.must_answer or answered):
        result.missing_facts = [
            " / ".join(f) for f in case.facts if not any(s.lower() in text for s in f)
        ]
        result.fact_recall = 1 - len(result.missing_facts) / len(case.facts)
    if answered:
        by_id = {c.id: c.text for c in answer.citations}
        result.supported, result.sentences, result.unsupported = faithfulness(answer.answer, by_id)
        if judge is not None and by_id:
            result.judge_ok = judge(case.question, answer.answer, list(by_id.values()))
    if answer.raw_generated:
        result.raw_supported, result.raw_sentences = raw_faithfulness(answer.raw_generated, corpus)
    if case.plan is not None:
        stages = (answer.plan or {}).get("stages", [])
        levels = _plan_levels(stages)
        result.plan_ok = levels == (case.plan[0], case.plan[1])
    return result


def _plan_levels(stages: list[dict[str, object]]) -> tuple[int, int] | None:
    if not stages:
        return None
    first, last = str(stages[0].get("from_section", "")), str(stages[-1].get("to_section", ""))
    try:
        return int(first.split(".")[0]), int(last.split(".")[0])
    except ValueError:
        return None


def run_cases(
    answerer: Answerer,
    cases: list[EvalCase],
    corpus: list[str],
    judge: LlmJudge | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[CaseResult]:
    results = []
    for n, case in enumerate(cases, 1):
        started = time.perf_counter()
        answer, retrieved = answerer.answer(case)
        seconds = time.perf_counter() - started
        results.append(score_case(case, answer, retrieved, seconds, corpus, judge))
        if progress:
            progress(n, len(cases))
    return results


def summarise(results: list[CaseResult]) -> dict[str, float | None]:
    """The metrics of evals/README.md over all cases."""

    def mean(values: list[float | None]) -> float | None:
        kept = [v for v in values if v is not None]
        return sum(kept) / len(kept) if kept else None

    def share(flags: list[bool]) -> float | None:
        return sum(flags) / len(flags) if flags else None

    sentences = sum(r.sentences for r in results)
    raw = sum(r.raw_sentences for r in results)
    latencies = sorted(r.seconds for r in results)
    judged = [r.judge_ok for r in results if r.judge_ok is not None]
    return {
        "retrieval_hit_rate": share([r.hit for r in results if r.hit is not None]),
        "retrieval_mrr": mean([r.reciprocal_rank for r in results]),
        "citation_precision": mean([r.citation_precision for r in results]),
        "citation_recall": mean([r.citation_recall for r in results]),
        "fact_recall": mean([r.fact_recall for r in results]),
        "refused_out_of_scope": share([r.answer.refused for r in results if r.case.refuse]),
        "answered_in_scope": share([not r.answer.refused for r in results if r.case.must_answer]),
        "faithfulness": sum(r.supported for r in results) / sentences if sentences else None,
        "raw_model_faithfulness": sum(r.raw_supported for r in results) / raw if raw else None,
        "llm_judge_faithfulness": share(judged) if judged else None,
        "forbidden_phrases": float(sum(bool(r.forbidden_found) for r in results)),
        "plan_accuracy": share([r.plan_ok for r in results if r.plan_ok is not None]),
        "latency_p50_s": statistics.median(latencies) if latencies else None,
        "latency_p95_s": latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
        if latencies
        else None,
    }


def per_category(results: list[CaseResult]) -> dict[str, float]:
    """Share of cases in each category that pass every check."""
    groups: dict[str, list[bool]] = {}
    for r in results:
        groups.setdefault(r.case.category, []).append(not r.problems())
    return {k: sum(v) / len(v) for k, v in sorted(groups.items())}
