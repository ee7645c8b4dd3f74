"""The grounded question-answering pipeline: validate, gate, retrieve, draft, verify, cite."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from advisor.composer import Statement, compose
from advisor.errors import InvalidQuestionError
from advisor.intent import detect_intent
from advisor.ladder import CareerLadder
from advisor.models import Answer, Citation, Passage
from advisor.plan_intent import PlanRequest, recognise_plan_request
from advisor.planning import TransitionPlan, plan_transition
from advisor.retrieval import HybridRetriever, ScoredPassage
from advisor.scope import ScopeDecision, ScopeGate
from advisor.verifier import Verification, Verifier


@dataclass
class Draft:
    """A backend's answer text before verification, and what it was based on."""

    text: str
    grounding: str = "extractive"
    notice: str | None = None


Generator = Callable[[str, list[ScoredPassage], list[Statement]], Draft]


class Advisor:
    """Answers questions from the indexed guide; refuses what the guide does not cover."""

    def __init__(
        self,
        retriever: HybridRetriever,
        gate: ScopeGate,
        verifier: Verifier,
        top_k: int,
        max_question_chars: int,
        backend: str = "extractive",
    ) -> None:
        self.retriever = retriever
        self.gate = gate
        self.verifier = verifier
        self.top_k = top_k
        self.max_question_chars = max_question_chars
        self.backend = backend

    @property
    def ladder(self) -> CareerLadder:
        return self.retriever.ladder

    def validate(self, question: str) -> str:
        """The question stripped, or InvalidQuestionError saying what to fix."""
        stripped = " ".join(question.split())
        if not stripped:
            raise InvalidQuestionError(
                "The question is empty.",
                'Ask something about the career ladder, e.g. "What does a Senior PM do?"',
            )
        if len(stripped) > self.max_question_chars:
            raise InvalidQuestionError(
                f"The question is {len(stripped)} characters long; the limit is "
                f"{self.max_question_chars}.",
                "Shorten it to the question itself (ADVISOR_MAX_QUESTION_CHARS sets the limit).",
            )
        return stripped

    def ask(self, question: str) -> Answer:
        """One grounded answer with the extractive backend."""
        started = time.perf_counter()
        question = self.validate(question)
        corrected = self.gate.vocabulary.correct(question)
        request = recognise_plan_request(corrected, self.ladder)
        if request is not None:
            return self._plan_answer(question, request, started)
        decision = self.gate.decide(corrected)
        if not decision.in_scope:
            return self._refusal(question, decision, started)
        retrieved = self.retriever.retrieve(corrected, self.top_k)
        intent = detect_intent(corrected, self.ladder)
        statements = compose(corrected, intent, retrieved, self.ladder, bool(decision.topic))
        draft = render_statements(statements)
        candidates = _candidates(retrieved, statements)
        verification = self.verifier.verify(draft, candidates)
        text, citations = cite(verification, self._scores(corrected, retrieved, candidates))
        if not citations:
            return self._refusal(question, decision, started)
        return Answer(
            question=question,
            answer=text,
            refused=False,
            backend=self.backend,
            latency_s=round(time.perf_counter() - started, 4),
            citations=citations,
            grounding="extractive",
            dropped_sentences=verification.dropped,
        )

    def plan(self, from_role: str, to_role: str) -> TransitionPlan:
        """A transition plan between two roles named as the user likes ("APM", "senior")."""
        return plan_transition(self.ladder, from_role, to_role)

    def _plan_answer(self, question: str, request: PlanRequest, started: float) -> Answer:
        plan = plan_transition(
            self.ladder, str(request.from_role.level), str(request.to_role.level)
        )
        body = plan.to_markdown().split("\n## Sources")[0].rstrip()
        notice = None
        if request.assumed_start:
            notice = (
                f"You did not say your current role, so this plan starts one level below "
                f"{request.to_role.name}, at {request.from_role.name}."
            )
        return Answer(
            question=question,
            answer=body,
            refused=False,
            backend=self.backend,
            latency_s=round(time.perf_counter() - started, 4),
            citations=plan.citations,
            grounding="extractive",
            notice=notice,
            plan=plan.model_dump(mode="json"),
        )

    def coverage(self) -> str:
        """One sentence naming what the guide covers, from the parsed ladder."""
        names = ", ".join(r.name for r in self.ladder.roles)
        if not names:
            return "The guide's topics are listed in its section headings."
        return (
            f"It covers the product-management career ladder ({names}): what each level is "
            "responsible for, the skills to develop at each level, and how to move up."
        )

    def _refusal(self, question: str, decision: ScopeDecision, started: float) -> Answer:
        missing = f" ({', '.join(decision.unknown)})" if decision.unknown else ""
        text = (
            f"The career guide does not cover that{missing}, so I can't answer it from the "
            f"guide. {self.coverage()}"
        )
        return Answer(
            question=question,
            answer=text,
            refused=True,
            backend=self.backend,
            latency_s=round(time.perf_counter() - started, 4),
            citations=[],
            grounding="refused",
        )

    def _scores(
        self, question: str, retrieved: list[ScoredPassage], passages: list[Passage]
    ) -> dict[str, float]:
        scores = {s.passage.id: s.dense for s in retrieved}
        missing = [p for p in passages if p.id not in scores]
        if missing:
            vector = self.retriever.embedder.embed([self.retriever.expand(question)])[0]
            for p in missing:
                scores[p.id] = float(self.retriever.vectors[p.id] @ vector)
        return scores


def render_statements(statements: list[Statement]) -> str:
    """A draft as Markdown: headings as bold lines, quoted passages as bullets."""
    return "\n".join(s.text if s.passage is None else f"- {s.text}" for s in statements)


def cite(verification: Verification, scores: dict[str, float]) -> tuple[str, list[Citation]]:
    """Number the supporting passages in order of first use and mark each sentence [n]."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    out: list[str] = []
    for line in verification.lines:
        if line.heading is not None:
            out.append(f"**{line.heading}**")
            continue
        parts = []
        for sentence, passage in line.sentences:
            if passage.id not in numbers:
                numbers[passage.id] = len(numbers) + 1
                citations.append(
                    Citation(
                        id=numbers[passage.id],
                        section=passage.section,
                        text=passage.text,
                        score=round(scores.get(passage.id, 0.0), 4),
                    )
                )
            parts.append(f"{sentence} [{numbers[passage.id]}]")
        out.append(line.prefix + " ".join(parts))
    return "\n".join(out), citations


def _candidates(retrieved: list[ScoredPassage], statements: list[Statement]) -> list[Passage]:
    """Passages a sentence may be verified against: the retrieved ones and the ones drafted from."""
    seen: dict[str, Passage] = {s.passage.id: s.passage for s in retrieved}
    for s in statements:
        if s.passage is not None:
            seen.setdefault(s.passage.id, s.passage)
    return list(seen.values())
