"""Bringing the index up to date with the corpus, embedding only what changed.

Passage ids are content hashes (file, section, text), so an unchanged corpus costs one read of
the stored ids and no embedding; a changed file re-embeds only its new or edited passages; a
deleted file's passages are removed.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from advisor.corpus import DEFAULT_MAX_FILE_MB, load_corpus
from advisor.embedding import Embedder, Vectors
from advisor.ladder import ladders_from_passages, load_extra_aliases
from advisor.models import Passage
from advisor.parsing import HeldBack, embedding_text, read_document
from advisor.store import PassageStore

ProgressFactory = Callable[[int], Callable[[int], None]]


@dataclass(frozen=True)
class LevelReport:
    """One level as parsed: its name and how many items of each kind it has."""

    level: int
    name: str
    responsibilities: int
    skills: int
    overview: int


@dataclass
class DocumentReport:
    """What the parser found in one document: a ladder and its levels, or reference text."""

    name: str
    passages: int
    ladder: str | None = None
    levels: list[LevelReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        if self.ladder is None:
            out = [
                f"- {self.name}: no ladder (no numbered levels found); indexed as reference "
                f"text, {self.passages} passage(s)."
            ]
        else:
            out = [f'- {self.name}: ladder "{self.ladder}", {len(self.levels)} levels']
            out += [
                f"    {lv.level}. {lv.name}: {lv.responsibilities} responsibilities, "
                f"{lv.skills} skills, {lv.overview} overview passage(s)"
                for lv in self.levels
            ]
        out += [f"    warning: {w}" for w in self.warnings]
        return out


@dataclass
class IndexReport:
    """What one indexing run did, and what it found in each document."""

    added: int = 0
    removed: int = 0
    unchanged: int = 0
    documents: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    found: list[DocumentReport] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"Indexed {self.documents} document(s): {self.added} passage(s) embedded, "
            f"{self.removed} removed, {self.unchanged} unchanged ({self.seconds:.2f} s)."
        ]
        for document in self.found:
            lines += document.lines()
        lines += [f"Skipped {name}: {reason}." for name, reason in self.skipped]
        return "\n".join(lines)


def describe(
    corpus_dir: Path, passages: list[Passage], held_back: Sequence[HeldBack] = ()
) -> list[DocumentReport]:
    """Per document: the ladder the parser reads in it, its levels and item counts, warnings
    (a level without items, text held back because it addresses the assistant)."""
    ladders = {
        ladder.source: ladder
        for ladder in ladders_from_passages(passages, load_extra_aliases(corpus_dir))
    }
    reports = []
    for name in sorted({p.source for p in passages} | {h.source for h in held_back}):
        count = sum(p.source == name for p in passages)
        held = [_held_warning(h) for h in held_back if h.source == name]
        ladder = ladders.get(name)
        if ladder is None:
            reports.append(DocumentReport(name, count, warnings=held))
            continue
        levels = [
            LevelReport(r.level, r.name, len(r.responsibilities), len(r.skills), len(r.overview))
            for r in ladder.roles
        ]
        warnings = [
            f"level {lv.level} ({lv.name}) has no responsibilities or skills"
            for lv in levels
            if not lv.responsibilities and not lv.skills
        ]
        reports.append(DocumentReport(name, count, ladder.name, levels, warnings + held))
    return reports


def _held_warning(held: HeldBack, width: int = 100) -> str:
    quote = held.sentence if len(held.sentence) <= width else held.sentence[: width - 1] + "…"
    return (
        f"held back an instruction-shaped passage at {held.source} line {held.line} "
        f"(it addresses the assistant, so it is not indexed): '{quote}'"
    )


def update_index(
    corpus_dir: Path,
    store: PassageStore,
    embedder: Embedder,
    rebuild: bool = False,
    progress: ProgressFactory | None = None,
    max_file_mb: float = DEFAULT_MAX_FILE_MB,
) -> IndexReport:
    """Sync the store with the corpus folder; returns counts of what changed."""
    started = time.perf_counter()
    load = load_corpus(corpus_dir, max_file_mb)
    store.create(rebuild=rebuild)
    wanted: dict[str, Passage] = {}
    file_sha = {}
    held_back: list[HeldBack] = []
    for doc in load.documents:
        file_sha[doc.name] = doc.sha256
        parsed = read_document(doc)
        held_back += parsed.held_back
        for passage in parsed.passages:
            wanted[passage.id] = passage
    stored = {s.passage.id for s in store.stored()}
    stale = [pid for pid in stored if pid not in wanted]
    fresh = [p for pid, p in wanted.items() if pid not in stored]
    store.delete(stale)
    if fresh:
        vectors = _embed(embedder, [embedding_text(p) for p in fresh], progress)
        store.add(fresh, vectors, file_sha)
    return IndexReport(
        added=len(fresh),
        removed=len(stale),
        unchanged=len(wanted) - len(fresh),
        documents=len(load.documents),
        skipped=load.skipped,
        seconds=time.perf_counter() - started,
        found=describe(corpus_dir, list(wanted.values()), held_back),
    )


def _embed(embedder: Embedder, texts: list[str], progress: ProgressFactory | None) -> Vectors:
    if progress is None:
        return embedder.embed(texts)
    import numpy as np

    step = 64
    advance = progress(len(texts))
    parts: list[Vectors] = []
    for start in range(0, len(texts), step):
        parts.append(embedder.embed(texts[start : start + step]))
        advance(len(parts[-1]))
    return np.concatenate(parts)
