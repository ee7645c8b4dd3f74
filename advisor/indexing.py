"""Bringing the index up to date with the corpus, embedding only what changed.

Passage ids are content hashes (file, section, text), so an unchanged corpus costs one read of
the stored ids and no embedding; a changed file re-embeds only its new or edited passages; a
deleted file's passages are removed.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from advisor.corpus import load_corpus
from advisor.embedding import Embedder, Vectors
from advisor.models import Passage
from advisor.parsing import embedding_text, parse_document
from advisor.store import PassageStore

ProgressFactory = Callable[[int], Callable[[int], None]]


@dataclass
class IndexReport:
    """What one indexing run did."""

    added: int = 0
    removed: int = 0
    unchanged: int = 0
    documents: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [
            f"Indexed {self.documents} document(s): {self.added} passage(s) embedded, "
            f"{self.removed} removed, {self.unchanged} unchanged ({self.seconds:.2f} s)."
        ]
        lines += [f"Skipped {name}: {reason}." for name, reason in self.skipped]
        return "\n".join(lines)


def update_index(
    corpus_dir: Path,
    store: PassageStore,
    embedder: Embedder,
    rebuild: bool = False,
    progress: ProgressFactory | None = None,
) -> IndexReport:
    """Sync the store with the corpus folder; returns counts of what changed."""
    started = time.perf_counter()
    load = load_corpus(corpus_dir)
    store.create(rebuild=rebuild)
    wanted: dict[str, Passage] = {}
    file_sha = {}
    for doc in load.documents:
        file_sha[doc.name] = doc.sha256
        for passage in parse_document(doc):
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
