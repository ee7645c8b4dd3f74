"""The grounded question-answering pipeline: validate, gate, retrieve, draft, verify, cite.

`Advisor.stream` yields the model's tokens as they arrive and then one final, verified Answer;
`Advisor.ask` returns just the final Answer. The verifier judges whole sentences, so the streamed
text is provisional: the final answer replaces it (the CLI and the UI both do so).
"""

import re
import time
from collections.abc import Generator, Sequence
from contextlib import closing
from dataclasses import dataclass

from advisor.conversation import Message
from advisor.direct import Statement
from advisor.errors import InvalidQuestionError
from advisor.generation import MAX_CONTEXT_PASSAGES, build_prompt, clean_generated, judge
from advisor.ladder import CareerLadder, with_article
from advisor.ladder_scope import (
    LadderScope,
    choose_scope,
    find_scope,
    ladder_phrase,
    named_scopes,
)
from advisor.llm import BackendFailure, ChatModel
from advisor.models import Answer, Citation, Grounding, Passage
from advisor.parsing import split_sentences, without_html
from advisor.plan_intent import (
    PlanRequest,
    recognise_plan_request,
    wants_plan,
    wants_promotion,
)
from advisor.planning import PlanRequestError, TransitionPlan, plan_transition
from advisor.retrieval import HybridRetriever, ScoredPassage
from advisor.textclean import clean_text
from advisor.understand import tagging
from advisor.understand.asks import Ask, Need, first_person, refers_back, roles_in
from advisor.understand.meaning import asks_a_move, asks_amount
from advisor.understand.read import INSTRUCTS, ReadAsk, Reader, Reading
from advisor.verifier import Verification, VerifiedLine, Verifier
from advisor.wording import coverage_sentence, ladders_listing, not_covered, refusal_text

_PLAN_NAMED = re.compile(r"\b(?:plan|roadmap|map out)\b", re.IGNORECASE)


def _yes_no(ask: Ask) -> bool:
    """A yes/no question, unlike a request put as one ("can you give me a plan?")."""
    return ask.claim and not _PLAN_NAMED.search(ask.text)


_THERE = re.compile(r"\bthere\b", re.IGNORECASE)  # "what would I do differently there?"


@dataclass(frozen=True)
class Token:
    """A piece of the model's reply as it streams (provisional, not yet verified)."""

    text: str


@dataclass(frozen=True)
class Final:
    """The verified answer; replaces whatever was streamed."""

    answer: Answer


Event = Token | Final


WARM_LADDERS = 4  # ladders whose understanding is built at warm-up; the rest on first read


class Advisor:
    """Answers questions from the indexed guide; refuses what the guide does not cover."""

    def __init__(
        self,
        retriever: HybridRetriever,
        scopes: list[LadderScope],
        top_k: int,
        max_question_chars: int,
        chat_model: ChatModel | None = None,
        selected: str | None = None,
    ) -> None:
        self.retriever = retriever
        self._load(scopes)
        self.top_k = top_k
        self.max_question_chars = max_question_chars
        self.chat_model = chat_model
        self.selected = find_scope(scopes, selected) if selected else None

    @property
    def backend(self) -> str:
        return self.chat_model.name if self.chat_model else "extractive"

    @property
    def scope(self) -> LadderScope:
        """The selected ladder's scope, else the first loaded."""
        return self.selected or self.scopes[0]

    @property
    def ladder(self) -> CareerLadder:
        return self.scope.ladder

    @property
    def reader(self) -> Reader:
        return self.scope.reader

    @property
    def verifier(self) -> Verifier:
        return self.scope.verifier

    def _nearest_documents(self, question: str) -> list[str]:
        """The documents of the passages nearest the question, best first (one dense query)."""
        vector = self.retriever.embedder.embed([question])[0]
        found = self.retriever.store.query(vector, 4 * self.top_k)
        passages = self.retriever.passages
        return [passages[pid].source for pid, _ in found if pid in passages]

    def warm_up(self) -> None:
        """Build now what the first questions would otherwise wait for (the speller's
        dictionary, the tagger, each ladder's role vectors), reading a few messages of each
        ladder's own roles: a served app's first users are then answered as fast as later ones."""
        tagging.warm()
        # Only the first few ladders: a ladder's understanding is otherwise built when a question
        # first reads it, and warming a thousand ladders would undo that lazy start.
        for scope in self.scopes[:WARM_LADDERS]:
            roles = scope.ladder.roles
            if not roles:
                continue
            first = with_article(roles[0].name)
            history = [Message("user", f"What does {first} do?"), Message("assistant", ".")]
            for message in (f"I am {first}. What skils do they need?", "and whta comes after?"):
                scope.reader.read(message, history)

    def use_index(self, retriever: HybridRetriever, scopes: list[LadderScope]) -> None:
        """Answer from a rebuilt index from now on (a ladder added or removed while serving),
        keeping the selected ladder if it is still loaded."""
        selected = self.selected.name if self.selected else None
        self.retriever = retriever
        self._load(scopes)
        self.selected = next((s for s in scopes if s.name == selected), None)

    def _load(self, scopes: list[LadderScope]) -> None:
        """Answer about these ladders; what refusals say about them is written once, here."""
        self.scopes = scopes
        self._ladders_listing = ladders_listing([s.ladder for s in scopes])

    def select(self, name: str | None) -> None:
        """Answer about this ladder when a message names none (UnknownLadderError if unknown)."""
        self.selected = find_scope(self.scopes, name) if name else None

    def validate(self, question: str) -> str:
        """The question stripped, or InvalidQuestionError saying what to fix."""
        # Invisible characters first: a question of only zero-width spaces is empty.
        stripped = " ".join(clean_text(question).split())
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

    def ask(
        self, question: str, history: Sequence[Message] = (), ladder: str | None = None
    ) -> Answer:
        """One grounded answer (the last event of `stream`)."""
        final = None
        for event in self.stream(question, history, ladder):
            if isinstance(event, Final):
                final = event.answer
        assert final is not None
        return final

    def stream(
        self, question: str, history: Sequence[Message] = (), ladder: str | None = None
    ) -> Generator[Event, None, None]:
        """Tokens as the model writes them, then the verified Final answer. `ladder` picks the
        ladder for this call when the question names none (a browser session's choice)."""
        started = time.perf_counter()
        question = self.validate(question)
        history = bounded(history)
        crossing = self._cross_ladder_plan(question)
        if crossing is not None:
            yield Final(self._uncited(question, crossing, started))
            return
        selected = find_scope(self.scopes, ladder) if ladder else self.selected
        choice = choose_scope(self.scopes, question, history, selected, self._nearest_documents)
        if choice.scope is None:
            yield Final(self._which_ladder(question, choice.candidates, started))
            return
        scope = choice.scope
        reading = choice.reading or scope.reader.read(question, history)
        request = self._plan_request(reading, scope.ladder)
        if request is not None:
            yield Final(self._plan_answer(question, request, started, scope.ladder))
            return
        if not reading.covered:
            yield Final(self._refusal(question, reading, started, scope.ladder))
            return
        statements: list[Statement] = []
        retrieved_all: list[ScoredPassage] = []
        unanswered = list(reading.uncovered)
        for read in reading.covered:
            retrieved = self.retriever.retrieve(
                read.ask.text, self.top_k, scope.sources, scope.ladder
            )
            retrieved_all += retrieved
            ranked = self._ranked(read, retrieved, scope, reading.text)
            found = scope.answerer.answer(
                read.ask, ranked, read.coverage.topic, read.coverage.about_document
            )
            # An ask the guide turned out to say nothing to (a yes/no question none of whose
            # words its nearest sentence uses) is named as not covered, like one judged so.
            if not found:
                unanswered.append(read)
            statements += found
        extractive = verification_of(statements)
        candidates = _candidates(retrieved_all, statements)
        scores = self._scores(reading.text, retrieved_all, candidates)
        grounding: Grounding = "extractive"
        verification, notice = extractive, None
        text: str | None = None
        judged = 0
        # A premise the guide contradicts is corrected in the guide's own words: a small model
        # asked to phrase the correction tends to restate the premise it corrects.
        corrects = any(st.corrects for st in statements)
        if self.chat_model is not None and not corrects:
            context = _context(statements, retrieved_all)
            roles = {r.level: r.name for r in scope.ladder.roles}
            asked = " ".join(r.ask.text for r in reading.covered)
            text = ""
            try:
                # Closed as soon as we stop reading (repetition, or our own consumer leaving):
                # an abandoned reply left to the garbage collector can hang a later request.
                with closing(self.chat_model.stream(build_prompt(asked, context, roles))) as reply:
                    for delta in reply:
                        text += delta
                        yield Token(delta)
                        # Only a new line can complete a repeated line (and the check is not free).
                        if "\n" in delta and _looping(text):
                            break  # small models repeat themselves; the rest would be dropped
            except BackendFailure as exc:
                grounding = "extractive-fallback"
                notice = f"Answered from the guide's text because {exc}."
            else:
                generated = scope.verifier.verify(clean_generated(text, context, roles), context)
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
            yield Final(self._refusal(question, reading, started, scope.ladder))
            return
        gaps = [not_covered(r) for r in sorted(unanswered, key=reading.asks.index)]
        answer = Answer(
            question=question,
            answer="\n".join([answer_text, *gaps]) if gaps else answer_text,
            refused=False,
            backend=self.backend,
            latency_s=round(time.perf_counter() - started, 4),
            citations=citations,
            grounding=grounding,
            dropped_sentences=verification.dropped,
            generated_sentences=judged,
            # What the model wrote, kept for inspection, without markup an API consumer
            # might render.
            raw_generated=without_html(text) if text is not None else None,
            notice=notice,
            standalone_question=_standalone(reading),
            not_covered=gaps,
        )
        answer.retrieved_sections = [p.section for p in candidates]
        yield Final(answer)

    def _ranked(
        self, read: ReadAsk, retrieved: list[ScoredPassage], scope: LadderScope, message: str = ""
    ) -> list[Passage]:
        """Candidate passages for the ask, best first: retrieved ones plus the named roles'."""
        pool: dict[str, Passage] = {s.passage.id: s.passage for s in retrieved}
        for role in read.ask.roles:
            for p in role.passages:
                pool.setdefault(p.id, p)
        if read.coverage.about_document or (not read.ask.roles and not read.coverage.topic):
            # About the guide itself ("what is it about?", "how does it end?"): its passages
            # outside any level, the introduction and conclusion.
            general = self.retriever.general(scope.sources)
            # "according to the opening" / "the closing bit": the general passages of the
            # ladder's own document before its first level, or after its last.
            end = scope.reader.understanding.document_end(message or read.ask.text)
            ladder = scope.ladder
            levels = [p.order for role in ladder.roles for p in role.passages]
            if end is not None and levels:
                edge = min(levels) if end == "start" else max(levels)
                part = [
                    p
                    for p in general
                    if (not ladder.source or p.source == ladder.source)
                    and (p.order < edge) == (end == "start")
                ]
                general = part or general
            if general:
                pool = {p.id: p for p in general}
        topic = " ".join(read.coverage.topic) or read.ask.text
        scores = self.retriever.rank_for_topic(topic, list(pool.values()))
        return sorted(pool.values(), key=lambda p: -scores.get(p.id, 0.0))

    def _plan_request(self, reading: Reading, ladder: CareerLadder) -> PlanRequest | None:
        """The plan one of the asks wants ("plan my move from APM to PM", "I'm a PM, what
        should I do to get promoted?"), starting from the user's stated level when known.
        Plans go up the ladder: two roles named in either order ("to the higher one, from the
        lower one") are planned from the lower; one role twice is no plan."""
        if any(r.ask.presupposes and r.ask.roles for r in reading.asks):
            # "Since senior PMs report to APMs, how do I manage mine as an APM?": the premise is
            # what needs answering (corrected), not a plan built on it.
            return None
        request = self._asked_plan(reading, ladder)
        if request is None or request.from_role.level == request.to_role.level:
            return None
        if request.from_role.level > request.to_role.level:
            return PlanRequest(request.to_role, request.from_role, assumed_start=False)
        return request

    def _asked_plan(self, reading: Reading, ladder: CareerLadder) -> PlanRequest | None:
        user, goal = reading.state.user, reading.state.goal
        if user is not None and goal is not None:
            for read in reading.asks:
                ask = read.ask
                # "I'm an APM and want to be a senior PM. Give me a plan." / "... what are the
                # steps from here?": an ask naming no level and no subject of its own, after
                # the user said where they are and where they want to be, asks for that move.
                # "what would I be doing differently there?" asks about the goal itself.
                bare = (
                    not read.coverage.topic
                    and not roles_in(ask.text, ladder)
                    and not refers_back(ask.text)
                    and not _THERE.search(ask.text)
                )
                plain = read.coverage.covered and not (_yes_no(ask) or ask.presupposes)
                if bare and plain and ask.need in (Need.PLAN, Need.TOPIC, Need.NEXT):
                    return PlanRequest(user, goal, assumed_start=False)
        for read in reading.asks:
            ask = read.ask
            # A plan is about the user's own move: read from the meaning only when the ask
            # speaks of "I"/"my" ("what do senior PMs do after the roadmap is set" is no plan).
            # Meaning alone does not tell "what does my job expect of me?" from a move: a plan
            # read from meaning needs a word of moving, a promotion, or a role to reach.
            moving = (
                asks_a_move(ask.text)
                or wants_promotion(ask.text)
                or any(r is not user for r in roles_in(ask.text, ladder))
            )
            wanted = (
                (ask.need is Need.PLAN and first_person(ask.text) and moving)
                or wants_plan(ask.text)
                or (first_person(ask.text) and wants_promotion(ask.text))
            )
            # A yes/no question ("APMs get promoted straight to senior, right?", "am I too old
            # to start as an APM?") asks for no plan either, unless it asks for one by name
            # ("can you plan my move?").
            claim = _yes_no(ask)
            if (
                ask.presupposes
                or claim
                or not wanted
                or asks_amount(ask.text)
                or not read.coverage.covered
            ):
                # "how long until I'm promoted?" asks for a time, "how do I write a PM resume?"
                # for something the guide lacks: neither is a plan.
                continue
            own = roles_in(ask.text, ladder)
            if user is not None and own == [user]:
                # "I lead the night watch today, plan my next step": the role named is the user's.
                target = ladder.next_role(user)
                if target is not None:
                    return PlanRequest(user, target, assumed_start=False)
            request = recognise_plan_request(ask.text, ladder, asked=True)
            if request is not None:
                if (
                    request.assumed_start
                    and user is not None
                    and user.level < request.to_role.level
                ):
                    return PlanRequest(user, request.to_role, assumed_start=False)
                return request
            if own:
                target = own[0]
                if user is not None and user.level < target.level:
                    return PlanRequest(user, target, assumed_start=False)
                previous = ladder.previous_role(target)
                if previous is not None:
                    return PlanRequest(previous, target, assumed_start=True)
            elif user is not None:
                target = ladder.next_role(user)
                if target is not None:
                    return PlanRequest(user, target, assumed_start=False)
        return None

    def plan(
        self, from_role: str, to_role: str, ladder: CareerLadder | None = None
    ) -> TransitionPlan:
        """A transition plan between two roles named as the user likes ("APM", "senior"), within
        one ladder: the given one, else the one both names belong to."""
        plan = plan_transition(ladder or self._plan_ladder(from_role, to_role), from_role, to_role)
        plan.backend = self.backend
        return plan

    def _plan_ladder(self, from_role: str, to_role: str) -> CareerLadder:
        if len(self.scopes) == 1 or self.selected is not None:
            return self.ladder
        ends = [named_scopes(self.scopes, name) for name in (from_role, to_role)]
        if ends[0] and ends[1] and not set(map(id, ends[0])) & set(map(id, ends[1])):
            raise PlanRequestError(
                f"'{from_role}' is on {ladder_phrase(ends[0][0])} and '{to_role}' on "
                f"{ladder_phrase(ends[1][0])}; a plan stays within one ladder.",
                "Name two roles of the same ladder (--ladder NAME picks one).",
            )
        shared = [s for s in ends[0] if any(s is t for t in ends[1])] or ends[0] or ends[1]
        return shared[0].ladder if shared else self.ladder

    def coverage(self) -> str:
        """One sentence naming what the guide covers, from the parsed ladder."""
        return coverage_sentence(self.ladder)

    def _plan_answer(
        self, question: str, request: PlanRequest, started: float, ladder: CareerLadder
    ) -> Answer:
        plan = self.plan(str(request.from_role.level), str(request.to_role.level), ladder)
        body = plan.to_markdown().split("\n## Sources")[0].rstrip()
        notice = None
        if request.assumed_start:
            notice = (
                f"You did not say your current role, so this plan starts one level below "
                f"{request.to_role.name}, at {request.from_role.name}."
            )
        answer = Answer(
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
        answer.retrieved_sections = [c.section for c in plan.citations]
        return answer

    def _cross_ladder_plan(self, question: str) -> str | None:
        """The explanation when a plan is asked between roles of two different ladders."""
        if len(self.scopes) < 2 or not wants_plan(question):
            return None
        text = self.scopes[0].normaliser.normalise(question)
        named = named_scopes(self.scopes, text)
        if len(named) < 2:
            return None
        return (
            f"A plan stays within one ladder, and this question names roles of "
            f"{ladder_phrase(named[0])} and {ladder_phrase(named[1])}. Ask for a plan between "
            "two roles of the same ladder."
        )

    def _uncited(
        self,
        question: str,
        text: str,
        started: float,
        grounding: Grounding = "refused",
        not_covered: list[str] | None = None,
    ) -> Answer:
        """An answer that cites nothing: a refusal, a notice, or a clarifying question."""
        return Answer(
            question=question,
            answer=text,
            refused=grounding == "refused",
            backend=self.backend,
            latency_s=round(time.perf_counter() - started, 4),
            citations=[],
            grounding=grounding,
            not_covered=not_covered or [],
        )

    def _which_ladder(
        self, question: str, candidates: tuple[LadderScope, ...], started: float
    ) -> Answer:
        """A short clarifying answer: several ladders answer this and nothing says which."""
        names = " or ".join(ladder_phrase(s) for s in candidates)
        text = f"Which ladder do you mean: {names}? Name a role of it, or pick the ladder."
        return self._uncited(question, text, started, "clarification")

    def _refusal(
        self, question: str, reading: Reading, started: float, ladder: CareerLadder
    ) -> Answer:
        text = refusal_text(reading, ladder, self._ladders_listing)
        # An instruction is answered by the refusal's opening, not named again as a gap.
        gaps = [not_covered(r) for r in reading.uncovered if r.coverage.reason != INSTRUCTS]
        return self._uncited(question, text, started, "refused", gaps)

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


def verification_of(statements: list[Statement]) -> Verification:
    """The extractive answer as verified lines: each statement carries its support already."""
    lines: list[VerifiedLine] = []
    seen: set[str] = set()
    for s in statements:
        if s.is_heading:
            lines.append(VerifiedLine("", heading=s.text))
            continue
        key = " ".join(s.text.lower().split())
        if key in seen:
            continue  # two asks may quote the same passage
        seen.add(key)
        # Each sentence carries its citation; a lead-in ending in ':' dangles without its list.
        sentences = [x for x in split_sentences(s.text) if not x.endswith(":")]
        if sentences:
            line = VerifiedLine("- " if s.bullet else "")
            line.sentences = [(x, list(s.passages)) for x in sentences]
            lines.append(line)
    lines = [
        ln
        for i, ln in enumerate(lines)
        if ln.heading is None
        or (i + 1 < len(lines) and lines[i + 1].heading is None)
        or ln.heading.endswith(".")
    ]
    kept = sum(len(ln.sentences) for ln in lines)
    return Verification(lines, kept, 0, [])


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
        for p in s.passages:
            seen.setdefault(p.id, p)
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
    """The direct answer, the model's verified summary, then the guide's items in full.

    The extractive answer's opening line answers the question ("No: the guide gives that to
    ...", "After X comes Y.", a yes/no and its sentence): the model's wording follows it and
    never replaces it. A small model summarises an item in a few words and drops the detail a
    reader acts on; the extractive lines keep it. Lines the model quoted are not repeated.
    """
    lead_size = 2 if extractive.lines and extractive.lines[0].heading is not None else 1
    lead = extractive.lines[:lead_size]
    said = {_plain(s) for line in [*generated.lines, *lead] for s, _ in line.sentences}
    rest = [
        line
        for line in extractive.lines[lead_size:]
        if line.heading is not None or any(_plain(s) not in said for s, _ in line.sentences)
    ]
    rest = [
        ln
        for i, ln in enumerate(rest)
        if ln.heading is None or (i + 1 < len(rest) and rest[i + 1].heading is None)
    ]
    body = [
        ln
        for ln in generated.lines
        if not any(_plain(s) in _lead_text(lead) for s, _ in ln.sentences)
    ]
    lines = [*lead, *body]
    if any(line.heading is None for line in rest):
        lines += [VerifiedLine("", heading="From the guide"), *rest]
    kept = sum(len(line.sentences) for line in lines)
    return Verification(lines, kept, generated.dropped, generated.dropped_sentences)


def _lead_text(lead: list[VerifiedLine]) -> set[str]:
    return {_plain(s) for line in lead for s, _ in line.sentences}


MAX_HISTORY_MESSAGES = 20  # the conversation's role is in its last few turns
MAX_HISTORY_CHARS = 4000  # per message: a pasted document is not a turn to replay


def bounded(history: Sequence[Message]) -> list[Message]:
    """The recent part of the history, each message cut to a bounded length, so a huge or
    hostile history costs no more than a normal one."""
    return [
        Message(m.role, m.content[:MAX_HISTORY_CHARS])
        for m in list(history)[-MAX_HISTORY_MESSAGES:]
    ]


def _standalone(reading: Reading) -> str | None:
    """The asks with the roles they took from the conversation, when any did."""
    parts = [
        f"{r.ask.text} (about the {r.ask.roles[0].name} role)"
        for r in reading.asks
        if r.ask.inherited_roles and r.ask.roles
    ]
    return " ".join(parts) or None


def _plain(sentence: str) -> str:
    return " ".join(sentence.lower().split())


def _with_dropped(verification: Verification, dropped: int) -> Verification:
    """The extractive verification, reporting how many generated sentences were dropped."""
    return Verification(verification.lines, verification.kept, dropped, [])
