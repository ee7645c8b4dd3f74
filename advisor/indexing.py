"""Bringing the index up to date with the corpus, embedding only what changed.

Passage ids are content hashes (file, section, text), so an unchanged corpus costs one read of
the stored ids and no embedding; a changed file re-embeds only its new or edited passages; a
deleted file's passages are removed.
"""

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from advisor.corpus import DEFAULT_MAX_FILE_MB, load_corpus, load_uploads
from advisor.embedding import Embedder, Vectors
from advisor.index_manifest import MANIFEST_FILE, CachedDocument, Manifest
from advisor.ladder import ExtraAliases, ladders_from_passages, load_extra_aliases
from advisor.models import Passage
from advisor.parsing import HeldBack, embedding_text, read_document
from advisor.store import Diff, PassageStore, Update

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
    extra = load_extra_aliases(corpus_dir)
    # Grouped in one pass each: a scan of every passage per document was quadratic (seconds at
    # a thousand documents, on every unchanged re-index).
    by_source: dict[str, list[Passage]] = {}
    for p in passages:
        by_source.setdefault(p.source, []).append(p)
    held_by_source: dict[str, list[HeldBack]] = {}
    for h in held_back:
        held_by_source.setdefault(h.source, []).append(h)
    return [
        describe_document(name, by_source.get(name, []), held_by_source.get(name, []), extra)
        for name in sorted(by_source.keys() | held_by_source.keys())
    ]


def describe_document(
    name: str, passages: list[Passage], held_back: Sequence[HeldBack], extra: ExtraAliases
) -> DocumentReport:
    """One document's report (see `describe`)."""
    held = [_held_warning(h) for h in held_back]
    ladders = ladders_from_passages(passages, extra)
    if not ladders:
        return DocumentReport(name, len(passages), warnings=held)
    ladder = ladders[0]
    levels = [
        LevelReport(r.level, r.name, len(r.responsibilities), len(r.skills), len(r.overview))
        for r in ladder.roles
    ]
    warnings = [
        f"level {lv.level} ({lv.name}) has no responsibilities or skills"
        for lv in levels
        if not lv.responsibilities and not lv.skills
    ]
    return DocumentReport(name, len(passages), ladder.name, levels, warnings + held)


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
    uploads: Path | None = None,
) -> IndexReport:
    """Sync the store with the corpus folder; returns counts of what changed.

    Readers keep seeing the previous index until the update commits (see advisor.store), so a
    run killed at any point leaves it usable and the next run picks up where this one stopped.
    """
    started = time.perf_counter()
    load = load_corpus(corpus_dir, max_file_mb)
    if uploads is not None:  # ladders added from the browser are part of the corpus
        added = load_uploads(uploads, max_file_mb)
        load.documents += added.documents
        load.skipped += added.skipped
    manifest = Manifest.load(store.local_file(MANIFEST_FILE))
    extra = load_extra_aliases(corpus_dir)
    documents: dict[str, tuple[str, CachedDocument]] = {}
    file_sha = {}
    wanted: set[str] = set()
    for doc in load.documents:
        sha = file_sha[doc.name] = doc.sha256
        # An unchanged file is not parsed nor described again: the parser, the injection
        # check and the ladder were most of an unchanged re-index of a large corpus.
        cached = manifest.cached(doc.name, sha)
        if cached is None:
            parsed = read_document(doc)
            report = describe_document(doc.name, parsed.passages, parsed.held_back, extra)
            cached = CachedDocument.of(parsed.passages, parsed.held_back, asdict(report))
        documents[doc.name] = (sha, cached)
        wanted.update(cached.ids)
    with store.update(rebuild=rebuild) as update:
        if (
            not update.staged
            and update.clean
            and manifest.describes(update.collection_id, update.generation, wanted)
        ):
            diff = Diff.none()  # committed by the last run and untouched since
        else:
            diff = update.diff(wanted)
        fresh = [
            p
            for _, doc in documents.values()
            if any(pid in diff.fresh for pid in doc.ids)
            for p in doc.passages()
            if p.id in diff.fresh
        ]
        _embed_and_add(update, embedder, _unique(fresh), file_sha, progress)
        update.commit(diff)
        manifest.save(update.collection_id, update.committed, documents)
    found = [
        _report(doc.report) for _, (_, doc) in sorted(documents.items()) if doc.ids or doc.held_back
    ]
    return IndexReport(
        added=diff.added,
        removed=diff.visible_stale,
        unchanged=len(wanted) - diff.added,
        documents=len(load.documents),
        skipped=load.skipped,
        seconds=time.perf_counter() - started,
        found=found,
    )


def _unique(passages: list[Passage]) -> list[Passage]:
    """One passage per id, as the corpus order first gives it."""
    return list({p.id: p for p in passages}.values())


def _report(data: dict[str, Any]) -> DocumentReport:
    levels = [LevelReport(**lv) for lv in data.get("levels", [])]
    return DocumentReport(**{**data, "levels": levels})


# Passages embedded and stored per step: bounds the vectors held in memory, and the work a
# killed run loses (what it stored is reused by the next run).
EMBED_CHUNK = 1024


def _embed_and_add(
    update: Update,
    embedder: Embedder,
    passages: list[Passage],
    file_sha: dict[str, str],
    progress: ProgressFactory | None,
) -> None:
    """Embed chunk after chunk while the previous chunk is written to Chroma on a second
    thread: the writes (nodes, SQLite, the HNSW graph) no longer wait for the embedder nor it
    for them. One write at a time, in order, so the protocol of advisor.store is unchanged."""
    if not passages:
        return
    advance = progress(len(passages)) if progress is not None else None
    step = min(EMBED_CHUNK, update.batch_limit)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="index-writer") as writer:
        # The vector store's module (llama-index) is imported while the first chunk embeds.
        pending: Future[None] = writer.submit(_import_vector_store)
        for start in range(0, len(passages), step):
            chunk = passages[start : start + step]
            vectors = _embed(embedder, [embedding_text(p) for p in chunk], advance)
            pending.result()  # the previous write's error, if any, stops the run here
            pending = writer.submit(update.add, chunk, vectors, file_sha)
        pending.result()


def _import_vector_store() -> None:
    import llama_index.vector_stores.chroma  # noqa: F401


def _embed(embedder: Embedder, texts: list[str], advance: Callable[[int], None] | None) -> Vectors:
    if advance is None:
        return embedder.embed(texts)
    import numpy as np

    step = 64  # progress granularity
    parts: list[Vectors] = []
    for start in range(0, len(texts), step):
        parts.append(embedder.embed(texts[start : start + step]))
        advance(len(parts[-1]))
    return np.concatenate(parts)
