"""The sentence-level verifier: keep what a passage supports, cite it, drop the rest.

A sentence is supported by a passage when
- every number, amount and proper name in it appears in the passage (no invented facts),
- it does not negate what the passage affirms, or the reverse,
- every role it names is the passage's role or is named in the passage (no role swaps), and
- its content words and meaning match: content-word overlap, or embedding similarity with some
  overlap when the wording is paraphrased.
A summary sentence ("responsible for A, B and C") may be supported by a few passages of one
section together; it then cites all of them. Fragments, dangling lead-ins ending in ':' and
repeated sentences are dropped.
Headings (**bold** lines) carry no claims and pass through when they name no unsupported facts.
"""

import re
from dataclasses import dataclass, field

from advisor.embedding import Embedder, Vectors
from advisor.ladder import CareerLadder
from advisor.lexicon import content_terms, numbers, proper_names, tokens
from advisor.models import Passage
from advisor.parsing import split_sentences

OVERLAP_VERBATIM = 0.8  # this much of the sentence's content words in one passage: a quote
OVERLAP_MIN = 0.5  # below this, no similarity score makes a paraphrase supported
SIMILARITY_MIN = 0.6  # embedding cosine a paraphrase needs (with OVERLAP_MIN)
MIN_TERMS = 3  # fewer content words than this is a fragment, not a claim
MAX_COMBINED = 4  # passages one summary sentence may draw on
_MARKER = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
_BULLET = re.compile(r"^(\s*(?:[-*•]|\d+[.)])\s+)")
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|cannot|without)\b|n't\b", re.I)


@dataclass(frozen=True)
class Support:
    """The passages that together support a sentence (one, or a few of the same section)."""

    passages: list[Passage]
    overlap: float
    similarity: float

    @property
    def passage(self) -> Passage:
        return self.passages[0]


@dataclass
class VerifiedLine:
    """A line of the answer: a heading, or sentences each with the passage that supports it."""

    prefix: str
    heading: str | None = None
    sentences: list[tuple[str, list[Passage]]] = field(default_factory=list)


@dataclass
class Verification:
    lines: list[VerifiedLine]
    kept: int
    dropped: int
    dropped_sentences: list[str]


class Verifier:
    """Checks answer sentences against passages; see the module docstring for the rules."""

    def __init__(self, embedder: Embedder, ladder: CareerLadder) -> None:
        self.embedder = embedder
        self.ladder = ladder
        self._vectors: dict[str, Vectors] = {}
        self._roles_named: dict[str, set[int]] = {}

    def verify(self, text: str, passages: list[Passage]) -> Verification:
        lines: list[VerifiedLine] = []
        kept = dropped = 0
        dropped_text: list[str] = []
        seen: set[str] = set()  # a sentence said twice is dropped the second time
        for raw in text.replace("\r", "").split("\n"):
            line = raw.strip()
            if not line:
                continue
            bullet = _BULLET.match(line)
            prefix = "- " if bullet else ""
            body = line[bullet.end() :] if bullet else line
            if _is_heading(body):
                title = body.strip("*# ").rstrip(":")
                if self._facts_ok(title, " ".join(p.text + " " + p.section for p in passages)):
                    lines.append(VerifiedLine("", heading=title))
                continue
            out = VerifiedLine(prefix)
            for sentence in split_sentences(_MARKER.sub("", body)):
                key = " ".join(tokens(sentence))
                support = None if key in seen else self.support(sentence, passages)
                if support is None:
                    dropped += 1
                    dropped_text.append(sentence)
                else:
                    seen.add(key)
                    kept += 1
                    out.sentences.append((sentence, support.passages))
            if out.sentences:
                lines.append(out)
        # A heading with nothing under it any more is dropped too.
        lines = [
            ln
            for i, ln in enumerate(lines)
            if ln.heading is None or (i + 1 < len(lines) and lines[i + 1].heading is None)
        ]
        return Verification(lines, kept, dropped, dropped_text)

    def support(self, sentence: str, passages: list[Passage]) -> Support | None:
        """The passage(s) that best support the sentence, or None."""
        terms = set(content_terms(sentence))
        if len(terms) < MIN_TERMS or sentence.rstrip().endswith(":"):
            return None  # a fragment ("Leading teams") or a dangling lead-in claims nothing whole
        named = {m.role.level for m in self.ladder.mentions(sentence)}
        candidates = []
        for p in passages:
            source = f"{p.section} {p.text}"
            if not (self._facts_ok(sentence, source) and self._roles_ok(named, [p])):
                continue
            if bool(_NEGATION.search(sentence)) != bool(_NEGATION.search(p.text)):
                continue
            overlap = len(terms & set(content_terms(source))) / len(terms)
            candidates.append((overlap, p))
        if not candidates:
            return self._combined(sentence, terms, named, passages)
        overlap, best = max(candidates, key=lambda c: c[0])
        if overlap >= OVERLAP_VERBATIM:
            return Support([best], overlap, 1.0)
        combined = self._combined(sentence, terms, named, passages)
        if combined is not None:
            return combined
        plausible = [(o, p) for o, p in candidates if o >= OVERLAP_MIN]
        if not plausible:
            return None
        vector = self.embedder.embed([sentence])[0]
        scored = [(float(self._vector(p) @ vector), o, p) for o, p in plausible]
        similarity, overlap, best = max(scored, key=lambda s: s[0])
        return Support([best], overlap, similarity) if similarity >= SIMILARITY_MIN else None

    def _combined(
        self, sentence: str, terms: set[str], named: set[int], passages: list[Passage]
    ) -> Support | None:
        """A summary across items of one section ("responsible for A, B and C"), if a few of
        its passages together quote it; all of them are then cited."""
        by_section: dict[str, list[Passage]] = {}
        for p in passages:
            if not _NEGATION.search(p.text) or _NEGATION.search(sentence):
                by_section.setdefault(p.section, []).append(p)
        for group in by_section.values():
            source = " ".join(f"{p.section} {p.text}" for p in group)
            if not self._facts_ok(sentence, source):
                continue
            # Greedy cover: add the passage that explains most of what is still unexplained.
            # The shared heading explains the role's name; the items must explain the rest.
            left = set(terms) - set(content_terms(group[0].section))
            cover = list[Passage]()
            while left and len(cover) < MAX_COMBINED:
                best = max(group, key=lambda p: len(left & set(content_terms(p.text))))
                gained = left & set(content_terms(best.text))
                if not gained or best in cover:
                    break
                cover.append(best)
                left -= gained
            overlap = 1 - len(left) / len(terms)
            if len(cover) > 1 and overlap >= OVERLAP_VERBATIM and self._roles_ok(named, cover):
                return Support(cover, overlap, 1.0)
        return None

    def _facts_ok(self, sentence: str, source: str) -> bool:
        source_words = set(tokens(source))
        return numbers(sentence) <= numbers(source) and all(
            n in source_words or n in source.lower() for n in proper_names(sentence)
        )

    def _roles_ok(self, named: set[int], passages: list[Passage]) -> bool:
        """Every role the sentence names is the passages' role or is named in them: "the CPO
        is seen as an expert" is not supported by a passage about principal PMs. And a sentence
        that names roles must name the level of each passage it rests on: a senior PM's
        "Mentoring junior PMs" does not support "Associate PMs mentor junior PMs", though the
        passage names junior PMs."""
        if not named:
            return True
        if any(p.level is not None and p.level not in named for p in passages):
            return False
        covered: set[int] = set()
        for p in passages:
            if p.id not in self._roles_named:
                self._roles_named[p.id] = {m.role.level for m in self.ladder.mentions(p.text)}
            covered |= self._roles_named[p.id] | ({p.level} if p.level is not None else set())
        return named <= covered

    def _vector(self, passage: Passage) -> Vectors:
        if passage.id not in self._vectors:
            self._vectors[passage.id] = self.embedder.embed([passage.text])[0]
        return self._vectors[passage.id]


def _is_heading(body: str) -> bool:
    return body.startswith("#") or (body.startswith("**") and body.rstrip(":").endswith("**"))
