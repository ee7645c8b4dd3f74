"""The grounded question-answering pipeline: validate, gate, retrieve, draft, verify, cite.

`Advisor.stream` yields the model's tokens as they arrive and then one final, verified Answer;
`Advisor.ask` returns just the final Answer. The verifier judges whole sentences, so the streamed
text is provisional: the final answer replaces it (the CLI and the UI both do so).
"""

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from advisor.composer import Statement, compose
from advisor.conversation import Message, standalone_question
from advisor.errors import InvalidQuestionError
from advisor.generation import MAX_CONTEXT_PASSAGES, build_prompt, clean_generated, judge
from advisor.intent import detect_intent
from advisor.ladder import CareerLadder
from advisor.llm import BackendFailure, ChatModel
from advisor.models import Answer, Citation, Grounding, Passage
from advisor.plan_intent import PlanRequest, recognise_plan_request
from advisor.planning import TransitionPlan, plan_transition
from advisor.retrieval import HybridRetriever, ScoredPassage
from advisor.scope import ScopeDecision, ScopeGate
from advisor.verifier import Verification, VerifiedLine, Verifier


@dataclass(frozen=True)
class Token:
    """A piece of the model's reply as it streams (provisional, not yet verified)."""

    text: str


@dataclass(frozen=True)
class Final:
    """The verified answer; replaces whatever was streamed."""

    answer: Answer


Event = Token | Final


class Advisor:
    """Answers questions from the indexed guide; refuses what the guide does not cover."""

    def __init__(
        self,
        retriever: HybridRetriever,
        gate: ScopeGate,
        verifier: Verifier,
        top_k: int,
        max_question_chars: int,
        chat_model: ChatModel | None = None,
    ) -> None:
        self.retriever = retriever
        self.gate = gate
        self.verifier = verifier
        self.top_k = top_k
        self.max_question_chars = max_question_chars
        self.chat_model = chat_model

    @property
    def backend(self) -> str:
        return self.chat_model.name if self.chat_model else "extractive"

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

    def ask(self, question: str, history: Sequence[Message] = ()) -> Answer:
        """One grounded answer (the last event of `stream`)."""
        final = None
        for event in self.stream(question, history):
            if isinstance(event, Final):
                final = event.answer
        assert final is not None
        return final

    def stream(self, question: str, history: Sequence[Message] = ()) -> Iterator[Event]:
        """Tokens as the model writes them, then the verified Final answer."""
        started = time.perf_counter()
        question = self.validate(question)
        standalone = standalone_question(question, history, self.ladder)
        corrected = self.gate.vocabulary.correct(standalone)
        request = recognise_plan_request(corrected, self.ladder)
        if request is not None:
            yield Final(self._plan_answer(question, request, started))
            return
        decision = self.gate.decide(corrected)
        if not decision.in_scope:
            yield Final(self._refusal(question, decision, started))
            return
        corrected = decision.focus or corrected
        retrieved = self.retriever.retrieve(corrected, self.top_k)
        intent = detect_intent(corrected, self.ladder)
        topic = " ".join(decision.topic)
        ranker = (lambda ps: self.retriever.rank_for_topic(topic, ps)) if topic else None
        statements = compose(corrected, intent, retrieved, self.ladder, ranker)
        candidates = _candidates(retrieved, statements)
        scores = self._scores(corrected, retrieved, candidates)
        extractive = self.verifier.verify(render_statements(statements), candidates)
        grounding: Grounding = "extractive"
        verification, notice = extractive, None
        text: str | None = None
        judged = 0
        if self.chat_model is not None:
            context = _context(statements, retrieved)
            roles = {r.level: r.name for r in self.ladder.roles}
            text = ""
            try:
                for delta in self.chat_model.stream(build_prompt(corrected, context, roles)):
                    text += delta
                    yield Token(delta)
                    if _looping(text):
                        break  # small models repeat themselves; the rest would be dropped anyway
            except BackendFailure as exc:
                grounding = "extractive-fallback"
                notice = f"Answered from the guide's text because {exc}."
            else:
                generated = self.verifier.verify(clean_generated(text, context, roles), context)
                judged = generated.kept + generated.dropped
                verdict = judge(generated)
                if verdict.use_generated:
                    verification = _completed(generated, extractive)
                    grounding = "generated+trimmed" if generated.dropped else "generated"
                else:
                    grounding = "extractive-fallback"
                    notice = f"Answered from the guide's text because {verdict.reason}."
                    verification = _with_dropped(extractive, generated.dropped)
        answer_text, citations = cite(verification, scores)
        if not citations:
            yield Final(self._refusal(question, decision, started))
            return
        yield Final(
            Answer(
                question=question,
                answer=answer_text,
                refused=False,
                backend=self.backend,
                latency_s=round(time.perf_counter() - started, 4),
                citations=citations,
                grounding=grounding,
                dropped_sentences=verification.dropped,
                generated_sentences=judged,
                raw_generated=text,
                notice=notice,
                standalone_question=standalone if standalone != question else None,
            )
        )

    def plan(self, from_role: str, to_role: str) -> TransitionPlan:
        """A transition plan between two roles named as the user likes ("APM", "senior")."""
        plan = plan_transition(self.ladder, from_role, to_role)
        plan.backend = self.backend
        return plan

    def coverage(self) -> str:
        """One sentence naming what the guide covers, from the parsed ladder."""
        names = ", ".join(r.name for r in self.ladder.roles)
        if not names:
            return "The guide's topics are listed in its section headings."
        return (
            f"It covers the product-management career ladder ({names}): what each level is "
            "responsible for, the skills to develop at each level, and how to move up."
        )

    def _plan_answer(self, question: str, request: PlanRequest, started: float) -> Answer:
        plan = self.plan(str(request.from_role.level), str(request.to_role.level))
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

    def _refusal(self, question: str, decision: ScopeDecision, started: float) -> Answer:
        # Name at most a few of the unknown words: enough to show what was not found, too
        # little to turn a refusal into an echo of whatever the question asked to be said.
        shown = [w for w in decision.unknown if w.isalpha() and len(w) <= 20][:3]
        missing = f" ({', '.join(shown)})" if shown else ""
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
        for sentence, passages in line.sentences:
            for passage in passages:
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
            markers = "".join(f"[{numbers[p.id]}]" for p in passages)
            parts.append(f"{sentence} {markers}")
        out.append(line.prefix + " ".join(parts))
    return "\n".join(out), citations


def _candidates(retrieved: list[ScoredPassage], statements: list[Statement]) -> list[Passage]:
    """Passages a sentence may be verified against: the drafted ones, then the retrieved ones."""
    seen: dict[str, Passage] = {}
    for s in statements:
        if s.passage is not None:
            seen.setdefault(s.passage.id, s.passage)
    for r in retrieved:
        seen.setdefault(r.passage.id, r.passage)
    return list(seen.values())


def _context(statements: list[Statement], retrieved: list[ScoredPassage]) -> list[Passage]:
    """What the model sees: the passages the extractive draft chose, topped up by retrieval."""
    return _candidates(retrieved, statements)[:MAX_CONTEXT_PASSAGES]


def _looping(text: str, repeats: int = 3) -> bool:
    """True once some non-trivial line has been written `repeats` times."""
    lines = [ln.strip() for ln in text.split("\n")[:-1] if len(ln.strip()) > 10]
    return any(lines.count(ln) >= repeats for ln in set(lines))


def _completed(generated: Verification, extractive: Verification) -> Verification:
    """The model's verified summary, then the guide's items in full.

    A small model summarises ("assists with product development") and drops the detail a reader
    acts on ("help define features, prioritize tasks"); the extractive lines keep it. Lines the
    model already quoted word for word are not repeated.
    """
    said = {_plain(s) for line in generated.lines for s, _ in line.sentences}
    rest = [
        line
        for line in extractive.lines
        if line.heading is not None or any(_plain(s) not in said for s, _ in line.sentences)
    ]
    rest = [
        ln
        for i, ln in enumerate(rest)
        if ln.heading is None or (i + 1 < len(rest) and rest[i + 1].heading is None)
    ]
    if not any(line.heading is None for line in rest):
        return generated
    kept = generated.kept + sum(len(line.sentences) for line in rest)
    lines = [*generated.lines, VerifiedLine("", heading="From the guide"), *rest]
    return Verification(lines, kept, generated.dropped, generated.dropped_sentences)


def _plain(sentence: str) -> str:
    return " ".join(sentence.lower().split())


def _with_dropped(verification: Verification, dropped: int) -> Verification:
    """The extractive verification, reporting how many generated sentences were dropped."""
    return Verification(verification.lines, verification.kept, dropped, [])
