"""Indexing past Chroma's limits: batched writes and paged reads, against a real embedded
Chroma with a small fake batch limit (7), so a few dozen passages span many batches."""

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from chromadb.api.models.Collection import Collection

from advisor.config import Settings
from advisor.embedding import Vectors
from advisor.index_manifest import MANIFEST_FILE
from advisor.indexing import IndexReport, update_index
from advisor.store import PassageStore, chroma_client
from advisor.wiring import stored_passages

LIMIT = 7
MODEL = "fake-hash-embedder"
SCHEMA = "parser-test"


class HashEmbedder:
    """Deterministic unit vectors from each text's hash: the store's behaviour, not the model's,
    is under test, and this costs nothing."""

    model_id = MODEL

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: list[str]) -> Vectors:
        self.calls += len(texts)
        rows = []
        for text in texts:
            seed = int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)
            row = np.random.default_rng(seed).normal(size=16)
            rows.append(row / np.linalg.norm(row))
        return np.asarray(rows, dtype=np.float32)


def ladder_doc(name: str, levels: int = 3, items: int = 5) -> str:
    """A small synthetic ladder: `levels` numbered levels of `items` duties each."""
    parts = []
    for level in range(1, levels + 1):
        parts.append(f"## {level}. {name} Grade {level}\n\nYour duties include:\n")
        parts += [
            f"- Task {k}: At grade {level} of the {name} ladder you handle task {k}."
            for k in range(1, items + 1)
        ]
        parts.append("")
    return "\n".join(parts)


def write_corpus(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.md"):
        if old.name not in docs:
            old.unlink()
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def small_store(index_dir: Path, limit: int | None = LIMIT) -> PassageStore:
    client = chroma_client(Settings(index_dir=index_dir, llm="extractive"))
    return PassageStore(client, "passages", MODEL, SCHEMA, batch_limit=limit)


def index(
    corpus: Path, index_dir: Path, embedder: Any = None, rebuild: bool = False
) -> IndexReport:
    return update_index(corpus, small_store(index_dir), embedder or HashEmbedder(), rebuild)


def stored_ids(index_dir: Path) -> set[str]:
    return {s.passage.id for s in small_store(index_dir).stored()}


def raw_count(index_dir: Path) -> int:
    """Every record in the collection, visible or not."""
    return int(small_store(index_dir).collection.count())


@pytest.fixture
def chroma_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, int | None]]]:
    """Every record-level Chroma call as (method, records named or page size asked)."""
    seen: list[tuple[str, int | None]] = []
    for method in ("add", "upsert", "update", "delete", "get"):
        original = getattr(Collection, method)

        def spy(self: Any, *args: Any, _m: str = method, _o: Any = original, **kw: Any) -> Any:
            ids = kw.get("ids")
            seen.append((_m, len(ids) if ids is not None else kw.get("limit")))
            return _o(self, *args, **kw)

        monkeypatch.setattr(Collection, method, spy)
    yield seen


def _sizes(calls: list[tuple[str, int | None]], method: str) -> list[int | None]:
    return [size for m, size in calls if m == method]


def test_adds_go_in_batches_within_the_limit(
    tmp_path: Path, chroma_calls: list[tuple[str, int | None]]
) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"a.md": ladder_doc("Alpha", 4, 6)})
    report = index(corpus, tmp_path / "index")
    assert report.added == 24 and raw_count(tmp_path / "index") == 24
    adds = _sizes(chroma_calls, "add")
    assert len(adds) >= 24 // LIMIT and sum(a or 0 for a in adds) == 24
    assert all(size is not None and size <= LIMIT for _, size in chroma_calls)


def test_reads_are_paged_across_many_pages(
    tmp_path: Path, chroma_calls: list[tuple[str, int | None]]
) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"a.md": ladder_doc("Alpha", 4, 6)})
    index(corpus, tmp_path / "index")
    chroma_calls.clear()
    store = small_store(tmp_path / "index")
    passages = store.stored()
    vectors = store.vectors()
    assert len(passages) == len(vectors) == 24 and len({s.passage.id for s in passages}) == 24
    assert [s.passage.order for s in passages] == sorted(s.passage.order for s in passages)
    pages = _sizes(chroma_calls, "get")
    assert len(pages) >= 2 * (24 // LIMIT) and all(p == LIMIT for p in pages)


def test_unchanged_reindex_writes_nothing(
    tmp_path: Path, chroma_calls: list[tuple[str, int | None]]
) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"a.md": ladder_doc("Alpha", 3, 5)})
    index(corpus, tmp_path / "index")
    chroma_calls.clear()
    embedder = HashEmbedder()
    report = index(corpus, tmp_path / "index", embedder)
    assert (report.added, report.removed, report.unchanged, embedder.calls) == (0, 0, 15, 0)
    # The manifest says the collection is as the last run committed it: nothing is read.
    assert chroma_calls == []
    (tmp_path / "index" / MANIFEST_FILE).unlink()
    report = index(corpus, tmp_path / "index", embedder)
    assert (report.added, report.removed, report.unchanged, embedder.calls) == (0, 0, 15, 0)
    assert {m for m, _ in chroma_calls} == {"get"}  # without it: ids only, paged; no writes
    assert all(size == LIMIT for _, size in chroma_calls)


def test_manifest_of_another_state_is_not_trusted(tmp_path: Path) -> None:
    """A manifest that no longer describes the collection (another writer changed it, or the
    manifest is damaged) costs a comparison, never a wrong index."""
    docs = {"a.md": ladder_doc("Alpha", 3, 5), "b.md": ladder_doc("Beta", 2, 5)}
    corpus = write_corpus(tmp_path / "corpus", docs)
    index(corpus, tmp_path / "index")
    manifest = (tmp_path / "index" / MANIFEST_FILE).read_bytes()
    write_corpus(corpus, {"a.md": docs["a.md"]})
    index(corpus, tmp_path / "index")  # b.md's passages removed: a later generation
    (tmp_path / "index" / MANIFEST_FILE).write_bytes(manifest)  # the older state's manifest
    write_corpus(corpus, docs)
    report = index(corpus, tmp_path / "index")
    assert (report.added, report.removed, report.unchanged) == (10, 0, 15)
    (tmp_path / "index" / MANIFEST_FILE).write_text("{not json", encoding="utf-8")
    report = index(corpus, tmp_path / "index")
    assert (report.added, report.removed, report.unchanged) == (0, 0, 25)
    assert len(stored_ids(tmp_path / "index")) == raw_count(tmp_path / "index") == 25


def test_deletes_span_several_batches(
    tmp_path: Path, chroma_calls: list[tuple[str, int | None]]
) -> None:
    docs = {"a.md": ladder_doc("Alpha", 3, 5), "b.md": ladder_doc("Beta", 4, 5)}
    corpus = write_corpus(tmp_path / "corpus", docs)
    index(corpus, tmp_path / "index")
    kept = stored_ids(tmp_path / "index")
    chroma_calls.clear()
    write_corpus(corpus, {"a.md": docs["a.md"]})
    report = index(corpus, tmp_path / "index")
    assert (report.added, report.removed, report.unchanged) == (0, 20, 15)
    deletes = _sizes(chroma_calls, "delete")
    assert len(deletes) >= 3 and sum(d or 0 for d in deletes) == 20
    assert all(size is not None and size <= LIMIT for _, size in chroma_calls)
    after = stored_ids(tmp_path / "index")
    assert len(after) == raw_count(tmp_path / "index") == 15 and after < kept


def test_changed_file_reembeds_only_its_new_passages(tmp_path: Path) -> None:
    doc = ladder_doc("Alpha", 3, 5)
    corpus = write_corpus(tmp_path / "corpus", {"a.md": doc})
    index(corpus, tmp_path / "index")
    write_corpus(corpus, {"a.md": doc.replace("task 2.", "task two.")})
    embedder = HashEmbedder()
    report = index(corpus, tmp_path / "index", embedder)
    assert (report.added, report.removed, report.unchanged, embedder.calls) == (3, 3, 12, 3)
    assert len(stored_ids(tmp_path / "index")) == raw_count(tmp_path / "index") == 15


def test_rebuild_replaces_the_collection_in_batches(
    tmp_path: Path, chroma_calls: list[tuple[str, int | None]]
) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"a.md": ladder_doc("Alpha", 3, 5)})
    index(corpus, tmp_path / "index")
    embedder = HashEmbedder()
    report = index(corpus, tmp_path / "index", embedder, rebuild=True)
    assert (report.added, report.unchanged, embedder.calls) == (15, 0, 15)
    assert all(size is not None and size <= LIMIT for _, size in chroma_calls)
    names = [c.name for c in small_store(tmp_path / "index")._client.list_collections()]
    assert names == ["passages"] and raw_count(tmp_path / "index") == 15


def test_default_limit_is_the_clients_own(tmp_path: Path) -> None:
    store = small_store(tmp_path / "index", limit=None)
    assert store.batch_limit == store._client.get_max_batch_size() > LIMIT


def test_dense_query_with_a_source_filter(tmp_path: Path) -> None:
    docs = {"a.md": ladder_doc("Alpha", 2, 4), "b.md": ladder_doc("Beta", 2, 4)}
    corpus = write_corpus(tmp_path / "corpus", docs)
    index(corpus, tmp_path / "index")
    store = small_store(tmp_path / "index")
    by_id = {s.passage.id: s.passage for s in store.stored()}
    probe = HashEmbedder().embed(["anything"])[0]
    hits = store.query(probe, 20, frozenset({"b.md"}))
    assert len(hits) == 8 and {by_id[pid].source for pid, _ in hits} == {"b.md"}


def test_start_reads_the_snapshot_until_an_update_commits(
    tmp_path: Path, chroma_calls: list[tuple[str, int | None]]
) -> None:
    doc = ladder_doc("Alpha", 3, 5)
    corpus = write_corpus(tmp_path / "corpus", {"a.md": doc})
    index(corpus, tmp_path / "index")
    first = stored_passages(small_store(tmp_path / "index"))  # read from Chroma, then saved
    chroma_calls.clear()
    again = stored_passages(small_store(tmp_path / "index"))
    assert _sizes(chroma_calls, "get") == []  # from the snapshot
    assert again.passages == first.passages and again.terms == first.terms
    assert all(np.array_equal(again.vectors[p.id], first.vectors[p.id]) for p in first.passages)
    write_corpus(corpus, {"a.md": doc.replace("task 2.", "task two.")})
    index(corpus, tmp_path / "index")
    chroma_calls.clear()
    after = stored_passages(small_store(tmp_path / "index"))
    assert _sizes(chroma_calls, "get")  # another generation: read from Chroma again
    assert {p.id for p in after.passages} == stored_ids(tmp_path / "index")
    assert any("task two." in p.text for p in after.passages)


def test_a_snapshot_made_with_another_stemmer_is_read_again_from_chroma(
    tmp_path: Path, chroma_calls: list[tuple[str, int | None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from advisor import index_snapshot
    from advisor.lexicon import STEMMER_VERSION

    assert f"stems{STEMMER_VERSION}" in index_snapshot.FORMAT  # a new stemmer, a new format
    corpus = write_corpus(tmp_path / "corpus", {"a.md": ladder_doc("Alpha", 3, 5)})
    index(corpus, tmp_path / "index")
    stored_passages(small_store(tmp_path / "index"))  # the snapshot is written
    monkeypatch.setattr(index_snapshot, "FORMAT", index_snapshot.FORMAT + "-next")
    chroma_calls.clear()
    stored_passages(small_store(tmp_path / "index"))
    assert _sizes(chroma_calls, "get")  # its keyword terms may differ: not reused
