"""The extractive answer: source sentences chosen and organised by what was asked.

Every line it writes is either a structural heading built from the guide's own headings, or a
passage (or sentences of one) quoted verbatim, so the verifier can match each to its source.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from advisor.intent import Intent, QuestionIntent
from advisor.ladder import CareerLadder, Role
from advisor.lexicon import content_terms
from advisor.models import Passage, PassageKind
from advisor.parsing import split_sentences
from advisor.retrieval import ScoredPassage

FOCUSED_PASSAGES = 3
SENTENCES_PER_PARAGRAPH = 2


@dataclass(frozen=True)
class Statement:
    """One line of a draft answer: a quoted source text, or a heading (passage None)."""

    text: str
    passage: Passage | None = None


def heading(text: str) -> Statement:
    return Statement(f"**{text}**")


TopicRanker = Callable[[list[Passage]], dict[str, float]]


def compose(
    question: str,
    intent: QuestionIntent,
    retrieved: list[ScoredPassage],
    ladder: CareerLadder,
    topic_ranker: TopicRanker | None,
) -> list[Statement]:
    """The draft answer. `topic_ranker` is given when the question has a topic beyond its roles
    ("Do APMs need to be developers?") and ranks passages by that topic."""
    specific = topic_ranker is not None
    roles = intent.roles
    if intent.intent is Intent.COMPARISON:
        low, high = sorted(roles[:2], key=lambda r: r.level)
        return _comparison(low, high)
    if roles and intent.intent in (Intent.NEXT_ROLE, Intent.PREVIOUS_ROLE):
        return _neighbour(roles[0], ladder, intent.intent is Intent.NEXT_ROLE)
    if roles and not specific and intent.intent is Intent.SKILLS:
        return _items(roles[0], PassageKind.SKILL, "Skills to develop")
    if roles and not specific:
        return [
            *_intro(roles[0]),
            *_items(roles[0], PassageKind.RESPONSIBILITY, "Responsibilities"),
        ]
    return _focused(question, retrieved, roles, topic_ranker)


def _intro(role: Role, sentences: int = 1) -> list[Statement]:
    if not role.overview:
        return []
    first = role.overview[0]
    # A lead-in such as "Your role will involve:" dangles once its list is not right below it.
    said = [s for s in split_sentences(first.text) if not s.endswith(":")][:sentences]
    return [Statement(" ".join(said), first)] if said else []


def _items(role: Role, kind: PassageKind, label: str) -> list[Statement]:
    items = role.items(kind)
    if not items:
        return _intro(role, sentences=3)
    return [heading(f"{label}: {role.name}"), *(Statement(p.text, p) for p in items)]


def _neighbour(role: Role, ladder: CareerLadder, upward: bool) -> list[Statement]:
    other = ladder.next_role(role) if upward else ladder.previous_role(role)
    if other is None:
        edge = "the top" if upward else "the first step"
        return [heading(f"{role.name} is {edge} of this career ladder"), *_intro(role, 2)]
    label = "After" if upward else "Before"
    return [
        heading(f"{label} {role.name}: {other.name}"),
        *_intro(other, sentences=3),
        *_items(other, PassageKind.RESPONSIBILITY, "Responsibilities"),
    ]


def _comparison(low: Role, high: Role) -> list[Statement]:
    return [
        *_items(low, PassageKind.RESPONSIBILITY, "Responsibilities"),
        heading(f"What changes at {high.name}"),
        *_intro(high, sentences=3),
        *_items(high, PassageKind.RESPONSIBILITY, "Responsibilities"),
        *_items(high, PassageKind.SKILL, "Skills to develop"),
    ]


def _focused(
    question: str,
    retrieved: list[ScoredPassage],
    roles: list[Role],
    topic_ranker: TopicRanker | None,
) -> list[Statement]:
    """The passages that best match a specific question, grouped under their role's name.

    Candidates are the retrieved passages plus every passage of the roles the question names
    (retrieval by the whole question can miss the one bullet about the topic).
    """
    levels = {r.level for r in roles}
    pool: dict[str, Passage] = {s.passage.id: s.passage for s in retrieved}
    for role in roles:
        for p in [*role.overview, *role.responsibilities, *role.skills]:
            pool.setdefault(p.id, p)
    fused = {s.passage.id: s.fused for s in retrieved}
    scores = topic_ranker(list(pool.values())) if topic_ranker else fused
    ranked = sorted(pool.values(), key=lambda p: -scores.get(p.id, 0.0))
    own = [p for p in ranked if p.level in levels] if levels else ranked
    chosen = own[:FOCUSED_PASSAGES]
    # When the topic lives in another role's section ("Why do APMs present to the board?"), show
    # that passage too: it is what the guide actually says, and it corrects a wrong premise.
    if levels and ranked and ranked[0].level not in levels and ranked[0] not in chosen:
        chosen = [*chosen[: FOCUSED_PASSAGES - 1], ranked[0]]
    asked = set(content_terms(question))
    statements: list[Statement] = []
    section = None
    for p in sorted(chosen, key=lambda p: (p.level or 0, p.source, p.order)):
        if p.level is not None and p.section != section:
            statements.append(heading(_role_name(p.section)))
        section = p.section
        sentences = split_sentences(p.text)
        if p.kind is PassageKind.OVERVIEW and len(sentences) > SENTENCES_PER_PARAGRAPH:
            ranked_sentences = sorted(
                range(len(sentences)), key=lambda i: -len(asked & set(content_terms(sentences[i])))
            )
            keep = sorted(ranked_sentences[:SENTENCES_PER_PARAGRAPH])
            statements.append(Statement(" ".join(sentences[i] for i in keep), p))
        else:
            statements.append(Statement(p.text, p))
    return statements


def _role_name(section: str) -> str:
    """A section heading without its ladder number: the role's name as the guide writes it."""
    return re.sub(r"^(?:(?:level|l)\s*)?\d{1,2}\s*[.):\-–]\s*", "", section, flags=re.IGNORECASE)
