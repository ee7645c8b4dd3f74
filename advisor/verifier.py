"""The sentence-level verifier: keep what a passage supports, cite it, drop the rest.

A sentence is supported by a passage when
- every number, amount and proper name in it appears in the passage (no invented facts),
- it does not negate what the passage affirms, or the reverse,
- the roles it names are the passage's role or are named in the passage (no role swaps), and
- its content words and meaning match: content-word overlap, or embedding similarity with some
  overlap when the wording is paraphrased.
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
OVERLAP_MIN = 0.35  # below this, no similarity score makes a paraphrase supported
SIMILARITY_MIN = 0.6  # embedding cosine a paraphrase needs (with OVERLAP_MIN)
_MARKER = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
_BULLET = re.compile(r"^(\s*(?:[-*•]|\d+[.)])\s+)")
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|cannot|without)\b|n't\b", re.I)


@dataclass(frozen=True)
class Support:
    passage: Passage
    overlap: float
    similarity: float


@dataclass
class VerifiedLine:
    """A line of the answer: a heading, or sentences each with the passage that supports it."""

    prefix: str
    heading: str | None = None
    sentences: list[tuple[str, Passage]] = field(default_factory=list)


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
                support = self.support(sentence, passages)
                if support is None:
                    dropped += 1
                    dropped_text.append(sentence)
                else:
                    kept += 1
                    out.sentences.append((sentence, support.passage))
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
        """The passage that best supports the sentence, or None."""
        terms = set(content_terms(sentence))
        if not terms:
            return None
        candidates = []
        for p in passages:
            source = f"{p.section} {p.text}"
            if not (self._facts_ok(sentence, source) and self._roles_ok(sentence, p)):
                continue
            if bool(_NEGATION.search(sentence)) != bool(_NEGATION.search(p.text)):
                continue
            overlap = len(terms & set(content_terms(source))) / len(terms)
            candidates.append((overlap, p))
        if not candidates:
            return None
        overlap, best = max(candidates, key=lambda c: c[0])
        if overlap >= OVERLAP_VERBATIM:
            return Support(best, overlap, 1.0)
        plausible = [(o, p) for o, p in candidates if o >= OVERLAP_MIN]
        if not plausible:
            return None
        vector = self.embedder.embed([sentence])[0]
        scored = [(float(self._vector(p) @ vector), o, p) for o, p in plausible]
        similarity, overlap, best = max(scored, key=lambda s: s[0])
        return Support(best, overlap, similarity) if similarity >= SIMILARITY_MIN else None

    def _facts_ok(self, sentence: str, source: str) -> bool:
        source_words = set(tokens(source))
        return numbers(sentence) <= numbers(source) and all(
            n in source_words or n in source.lower() for n in proper_names(sentence)
        )

    def _roles_ok(self, sentence: str, passage: Passage) -> bool:
        named = {m.role.level for m in self.ladder.mentions(sentence)}
        if not named:
            return True
        if passage.id not in self._roles_named:
            self._roles_named[passage.id] = {
                m.role.level for m in self.ladder.mentions(passage.text)
            }
        in_passage = self._roles_named[passage.id]
        return passage.level in named or bool(named & in_passage)

    def _vector(self, passage: Passage) -> Vectors:
        if passage.id not in self._vectors:
            self._vectors[passage.id] = self.embedder.embed([passage.text])[0]
        return self._vectors[passage.id]


def _is_heading(body: str) -> bool:
    return body.startswith("#") or (body.startswith("**") and body.rstrip(":").endswith("**"))
