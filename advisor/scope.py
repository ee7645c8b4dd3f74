"""The scope gate: does the guide cover what is asked?

Dense similarity alone cannot decide this: "What is the average salary of a PM?" sits close to the
PM passages because of the role name. So the gate looks at the question's topic, what remains
once role names and question scaffolding are removed, and asks two things of it: does the guide
use its words at all (a topic word the corpus never uses, like "salary", is a strong sign), and is
some passage semantically close to it. Thresholds are calibrated on labelled questions
(evals/calibration.tsv) by benchmarks/calibrate_scope.py.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from advisor.embedding import Embedder, Vectors
from advisor.ladder import CareerLadder
from advisor.lexicon import STOPWORDS, stem, tokens
from advisor.models import Passage
from advisor.parsing import split_sentences

DOMAIN_SHARE = 0.25  # a word in more than this share of passages is the field, not a topic

# Words of career-movement questions: they frame what is asked about a role, never the topic.
CAREER_SCAFFOLD = frozenset(
    [
        "become",
        "becoming",
        "became",
        "come",
        "comes",
        "coming",
        "change",
        "changes",
        "changed",
        "move",
        "moving",
        "moved",
        "step",
        "steps",
        "promote",
        "promoted",
        "promotion",
        "promotions",
        "progress",
        "progression",
        "advance",
        "advancing",
        "transition",
        "path",
        "plan",
        "role",
        "roles",
        "level",
        "levels",
        "job",
        "jobs",
        "position",
        "career",
        "ladder",
        "stage",
        "stages",
        "responsibility",
        "responsibilities",
        "duty",
        "duties",
        "skill",
        "skills",
        "require",
        "required",
        "requirement",
        "requirements",
        "difference",
        "differences",
        "different",
        "differ",
        "compare",
        "comparison",
        "versus",
        "vs",
        "between",
        "same",
        "day",
        "daily",
        "expected",
        "expect",
        "expectations",
        "focus",
        "main",
        "important",
        "key",
        "best",
        "good",
        "better",
        "top",
        "build",
        "learn",
        "improve",
        "grow",
        "prepare",
        "ready",
        "work",
        "take",
        "takes",
        "responsible",
        "develop",
        "developing",
        "matter",
        "matters",
        "useful",
        "helpful",
        "necessary",
        "essential",
        "valuable",
        "crucial",
        "vital",
        "critical",
        "relevant",
    ]
)


def _inflection(word: str) -> str:
    """Strip only inflections (-s, -es, -ed, -ing): 'becomes' is scaffolding, 'development' is
    a topic, though a full stemmer would map it onto 'develop'."""
    for suffix in ("ing", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_SCAFFOLD_STEMS = frozenset(_inflection(w) for w in CAREER_SCAFFOLD) | CAREER_SCAFFOLD


@dataclass
class ScopeDecision:
    """Whether to answer, and the evidence the gate used."""

    in_scope: bool
    topic: list[str]
    unknown: list[str]
    topic_similarity: float
    reason: str = ""
    roles: list[int] = field(default_factory=list)
    focus: str | None = None  # the sentence to answer, when only one sentence is in scope


class Vocabulary:
    """The corpus's words, for spelling correction and the unknown-topic-word test."""

    def __init__(self, passages: list[Passage]) -> None:
        per_passage = [set(tokens(f"{p.section} {p.text}")) for p in passages]
        words = set().union(*per_passage) if per_passage else set()
        self.words = words | STOPWORDS | CAREER_SCAFFOLD
        self.stems = {stem(w) for w in self.words}
        # Words in most passages ("product", "manager") name the guide's field, not a topic.
        df = Counter(w for ws in per_passage for w in ws)
        self.domain = {w for w, n in df.items() if n > DOMAIN_SHARE * len(per_passage)}

    def knows(self, word: str) -> bool:
        return word in self.words or stem(word) in self.stems

    def correct(self, text: str) -> str:
        """Fix likely misspellings of corpus words ('manger' -> 'manager'); others stay."""

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            lower = word.lower()
            if len(lower) < 4 or self.knows(lower):
                return word
            candidates = {w for w in self.words if _close(lower, w, transpose_only=len(lower) < 5)}
            return candidates.pop() if len(candidates) == 1 else word

        return re.sub(r"[A-Za-z]+", fix, text)


class ScopeGate:
    """Refuses questions whose topic the corpus does not cover."""

    def __init__(
        self,
        passages: list[Passage],
        ladder: CareerLadder,
        embedder: Embedder,
        threshold: float,
        unknown_threshold: float,
    ) -> None:
        self.vocabulary = Vocabulary(passages)
        self.ladder = ladder
        self.embedder = embedder
        self.threshold = threshold
        self.unknown_threshold = unknown_threshold
        # Topics are short ("technical understanding"), so they are compared with short texts:
        # bullet titles and single sentences, where a whole passage would dilute the match.
        phrases = sorted(
            {x for p in passages for x in [p.title or "", *split_sentences(p.text)] if x}
        )
        self.vectors: Vectors = (
            embedder.embed(phrases) if phrases else np.zeros((0, 384), np.float32)
        )

    def topic(self, question: str) -> list[str]:
        """The question's words once role names, stopwords and career scaffolding are gone."""
        text = question
        for mention in sorted(self.ladder.mentions(question), key=lambda m: -m.start):
            text = _drop_alias(text, mention.alias)
        return [
            t
            for t in tokens(text)
            if t not in STOPWORDS
            and t not in _SCAFFOLD_STEMS
            and _inflection(t) not in _SCAFFOLD_STEMS
            and t not in self.vocabulary.domain
            and len(t) > 1
            and not t.isdigit()
        ]

    def decide(self, question: str) -> ScopeDecision:
        """In scope if the question, or one of its sentences that asks something, is covered.

        "I'm a CPO wannabe. What do CPOs do?" is answerable although its first sentence is not.
        """
        whole = self.decide_sentence(question)
        # Split on any sentence end: casual questions skip capitals ("im a pm. what next").
        sentences = [x for x in re.split(r"(?<=[.!?])\s+", question) if x.strip()]
        if whole.in_scope or len(sentences) < 2:
            return whole
        for sentence in sentences:
            if _asks(sentence):
                part = self.decide_sentence(sentence)
                if part.in_scope:
                    return ScopeDecision(
                        True, part.topic, part.unknown, part.topic_similarity,
                        f"the sentence {sentence!r} is covered: {part.reason}", part.roles,
                        focus=sentence,
                    )  # fmt: skip
        return whole

    def decide_sentence(self, question: str) -> ScopeDecision:
        roles = sorted({m.role.level for m in self.ladder.mentions(question)})
        topic = self.topic(question)
        if not topic:
            in_scope = bool(roles)
            return ScopeDecision(
                in_scope,
                topic,
                [],
                1.0 if in_scope else 0.0,
                "asks about a role in general" if in_scope else "names no topic or role",
                roles,
            )
        unknown = [t for t in topic if not self.vocabulary.knows(t)]
        similarity = self._similarity(" ".join(topic))
        # A topic word the guide never uses ("salary", "MBA") needs stronger semantic evidence.
        needed = self.unknown_threshold if unknown else self.threshold
        in_scope = similarity >= needed
        reason = f"topic similarity {similarity:.2f} vs {needed:.2f}" + (
            f"; words the guide never uses: {', '.join(unknown)}" if unknown else ""
        )
        return ScopeDecision(in_scope, topic, unknown, similarity, reason, roles)

    def _similarity(self, topic: str) -> float:
        vector = self.embedder.embed([topic])[0]
        return float(np.max(self.vectors @ vector)) if len(self.vectors) else 0.0


_QUESTION_START = re.compile(
    r"^(?:what|which|who|whom|whose|when|where|why|how|is|are|do|does|did|can|could|should|"
    r"would|will|tell|explain|describe|list|give)\b",
    re.IGNORECASE,
)


def _asks(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") or bool(_QUESTION_START.match(sentence.strip()))


def _drop_alias(text: str, alias: str) -> str:
    words = alias.split()
    pattern = r"[\s\-‐‑–—_/]+".join(re.escape(w) for w in words)
    return re.sub(
        r"(?i)(?<![a-z0-9])" + pattern + r"(?:s|'s|’s|s')?(?![a-z0-9])", " ", text, count=1
    )


def _close(a: str, b: str, transpose_only: bool = False) -> bool:
    """One typo apart (Damerau-Levenshtein distance 1); short words only by a swapped pair."""
    if transpose_only:
        return len(a) == len(b) and any(
            a[:i] + a[i + 1] + a[i] + a[i + 2 :] == b for i in range(len(a) - 1)
        )
    if abs(len(a) - len(b)) > 1:
        return False
    limit = 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
        if min(prev) > limit:
            return False
    return prev[-1] <= limit
