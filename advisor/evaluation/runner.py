"""Running the eval cases through an answerer and scoring each answer."""

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from advisor.evaluation.answerers import TIMEOUT_NOTICE
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
    premise_corrected: bool | None = None
    compound_covered: bool | None = None
    first_answers: bool | None = None
    words: int = 0

    def problems(self) -> list[str]:
        """Why this case fails, in words; empty when it passes every check."""
        c, out = self.case, []
        if self.answer.notice and self.answer.notice.startswith(TIMEOUT_NOTICE):
            out.append(TIMEOUT_NOTICE)
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
        if self.premise_corrected is False:
            out.append("false premise not corrected first")
        if self.compound_covered is False:
            out.append("an ask neither answered nor named as not covered")
        if self.first_answers is False:
            out.append("the first sentence does not answer the question")
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
    # A question back to the user ("Which ladder do you mean?") asserts nothing from a guide.
    if answered and answer.grounding != "clarification":
        by_id = {c.id: c.text for c in answer.citations}
        result.supported, result.sentences, result.unsupported = faithfulness(answer.answer, by_id)
        if judge is not None and by_id:
            result.judge_ok = judge(case.question, answer.answer, list(by_id.values()))
    if answer.raw_generated:
        result.raw_supported, result.raw_sentences = raw_faithfulness(answer.raw_generated, corpus)
    result.words = len(_CITE_MARK.sub("", answer.answer).split())
    first = first_sentence(answer.answer)
    if case.premise == "false":
        result.premise_corrected = (
            answered
            and bool(_CONTRADICTS.search(first))
            and not result.missing_facts
            and not result.forbidden_found
        )
    if case.uncovered:
        named = all(_names_gap(answer, words) for words in case.uncovered)
        result.compound_covered = answered and not result.missing_facts and named
    if answered and case.must_answer and case.plan is None:
        if case.yes_no:
            result.first_answers = first.lower().startswith(case.yes_no.lower())
        elif case.premise == "false":
            result.first_answers = bool(_CONTRADICTS.search(first))
        elif case.facts:
            result.first_answers = any(
                s.lower() in first.lower() for f in case.facts for s in f
            ) or _names_expected_role(first, answer, case.sections)
    if case.plan is not None:
        stages = (answer.plan or {}).get("stages", [])
        levels = _plan_levels(stages)
        result.plan_ok = levels == (case.plan[0], case.plan[1])
    return result


_CITE_MARK = re.compile(r"\[\d+\]")
# A first sentence that disagrees: what a corrected premise opens with.
_CONTRADICTS = re.compile(
    r"^(?:no\b|not\b|actually\b)|\b(?:not|doesn't|does not|don't|isn't|aren't|never|otherwise|"
    r"rather|instead)\b",
    re.IGNORECASE,
)
_GAP = re.compile(r"\b(?:doesn't|does not|don't|not) (?:cover|say|mention|address)", re.IGNORECASE)


def first_sentence(answer: str) -> str:
    """The answer's opening sentence (a bold lead line counts), without markup or citations."""
    for line in answer.splitlines():
        text = _CITE_MARK.sub("", line).strip().strip("*").strip()
        text = re.sub(r"^[-*•]\s+", "", text)
        if text:
            return re.split(r"(?<=[.!?])\s+", text)[0]
    return ""


def _names_expected_role(first: str, answer: Answer, sections: list[str]) -> bool:
    """The opening names the role the question is about ("After X comes Senior Keeper."):
    the role's name is read from the cited section heading of an expected level."""
    for c in answer.citations:
        if any(c.section.startswith(p) and p[:1].isdigit() for p in sections):
            name = re.sub(r"^\S+\s+", "", c.section).split("(")[0].split("/")[0].strip()
            if name and name.lower() in first.lower():
                return True
    return False


def _names_gap(answer: Answer, words: list[str]) -> bool:
    """An uncovered ask is named: a sentence says the guide does not cover it, in its words."""
    for sentence in re.split(r"(?<=[.!?”])\s+|\n", answer.answer):
        if _GAP.search(sentence) and any(w.lower() in sentence.lower() for w in words):
            return True
    return False


def _plan_levels(stages: list[dict[str, object]]) -> tuple[int, int] | None:
    if not stages:
        return None
    low, high = stages[0].get("from_level"), stages[-1].get("to_level")
    if isinstance(low, int) and isinstance(high, int):
        return low, high
    # A plan written before stages carried their levels: the section's own number.
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
        "premise_corrected": share(
            [r.premise_corrected for r in results if r.premise_corrected is not None]
        ),
        "compound_coverage": share(
            [r.compound_covered for r in results if r.compound_covered is not None]
        ),
        "first_sentence_answers": share(
            [r.first_answers for r in results if r.first_answers is not None]
        ),
        "answer_words_p50": statistics.median([r.words for r in results if not r.answer.refused])
        if any(not r.answer.refused for r in results)
        else None,
        "latency_p50_s": statistics.median(latencies) if latencies else None,
        "latency_p95_s": latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
        if latencies
        else None,
    }


def refusal_by_category(results: list[CaseResult]) -> dict[str, tuple[float | None, float | None]]:
    """Per category: (share of must-refuse cases refused, share of must-answer cases answered)."""
    out: dict[str, tuple[float | None, float | None]] = {}
    for category in sorted({r.case.category for r in results}):
        rows = [r for r in results if r.case.category == category]
        refuse = [r.answer.refused for r in rows if r.case.refuse]
        answer = [not r.answer.refused for r in rows if r.case.must_answer]
        out[category] = (
            sum(refuse) / len(refuse) if refuse else None,
            sum(answer) / len(answer) if answer else None,
        )
    return out


def per_category(results: list[CaseResult]) -> dict[str, float]:
    """Share of cases in each category that pass every check."""
    groups: dict[str, list[bool]] = {}
    for r in results:
        groups.setdefault(r.case.category, []).append(not r.problems())
    return {k: sum(v) / len(v) for k, v in sorted(groups.items())}
