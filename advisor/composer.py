"""The extractive answer: source sentences chosen and organised by what was asked.

Every line it writes is either a structural heading built from the guide's own headings, or a
passage (or sentences of one) quoted verbatim, so the verifier can match each to its source.
"""

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


def compose(
    question: str,
    intent: QuestionIntent,
    retrieved: list[ScoredPassage],
    ladder: CareerLadder,
    specific: bool,
) -> list[Statement]:
    """The draft answer. `specific` means the question has a topic beyond the roles it names."""
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
    return _focused(question, retrieved, roles)


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


def _focused(question: str, retrieved: list[ScoredPassage], roles: list[Role]) -> list[Statement]:
    """The best few passages for a specific question, preferring the roles it names."""
    levels = {r.level for r in roles}
    candidates = [s for s in retrieved if s.passage.level in levels] if levels else []
    chosen = sorted(candidates or retrieved, key=lambda s: -s.fused)[:FOCUSED_PASSAGES]
    asked = set(content_terms(question))
    statements = []
    for scored in sorted(chosen, key=lambda s: (s.passage.source, s.passage.order)):
        p = scored.passage
        sentences = split_sentences(p.text)
        if p.kind is PassageKind.OVERVIEW and len(sentences) > SENTENCES_PER_PARAGRAPH:
            ranked = sorted(
                range(len(sentences)), key=lambda i: -len(asked & set(content_terms(sentences[i])))
            )
            keep = sorted(ranked[:SENTENCES_PER_PARAGRAPH])
            statements.append(Statement(" ".join(sentences[i] for i in keep), p))
        else:
            statements.append(Statement(p.text, p))
    return statements
