"""`advisor index` killed at any point leaves the previous index readable, and the next run
finishes with exactly the corpus's passages: no duplicates, no orphans, nothing half-built.

A kill is simulated by raising from the N-th call that writes (or embeds), for every N a full
run makes, against a real embedded Chroma with a small batch limit."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from chromadb.api.client import Client
from chromadb.api.models.Collection import Collection
from llama_index.vector_stores.chroma import ChromaVectorStore

from advisor import wiring
from advisor.cli import main
from advisor.config import Settings
from advisor.errors import IndexBusyError, IndexNotBuiltError
from advisor.indexing import update_index
from advisor.store import GEN_KEYS, STAGING_SUFFIX, PassageStore, _nodes, chroma_client
from tests.conftest import CORPUS
from tests.test_chroma_server import chroma_server  # noqa: F401  (the fixture)
from tests.test_store_scale import (
    LIMIT,
    MODEL,
    SCHEMA,
    HashEmbedder,
    index,
    ladder_doc,
    raw_count,
    small_store,
    stored_ids,
    write_corpus,
)

ALPHA = ladder_doc("Alpha", 3, 5)
OLD = {"a.md": ALPHA, "b.md": ladder_doc("Beta", 2, 5)}
# An edit (two passages of a.md changed), a deleted file (b.md) and a new one (c.md).
NEW = {
    "a.md": ALPHA.replace("task 2.", "task two.").replace("task 4.", "task four."),
    "c.md": ladder_doc("Gamma", 2, 5),
}
WRITES = (
    (Collection, "add"),
    (Collection, "update"),
    (Collection, "delete"),
    (Collection, "modify"),
    (Client, "create_collection"),
    (Client, "delete_collection"),
    (HashEmbedder, "embed"),
)


class Killed(BaseException):
    """Stands for SIGKILL: nothing in the advisor catches it."""


@contextlib.contextmanager
def killed_at(n: int, only: str | None = None) -> Iterator[list[str]]:
    """Raise Killed at the n-th write or embedding call (or the n-th call of method `only`);
    never when n is 0. Yields the calls made."""
    calls: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        for owner, method in WRITES:
            original = getattr(owner, method)

            def hit(*args: Any, _o: Any = original, _m: str = method, **kw: Any) -> Any:
                if only in (None, _m):
                    calls.append(_m)
                    if len(calls) == n:
                        raise Killed(_m)
                return _o(*args, **kw)

            mp.setattr(owner, method, hit)
        yield calls


def _ids_of(docs: dict[str, str], tmp: Path) -> set[str]:
    """The passage ids a complete index of `docs` holds."""
    index(write_corpus(tmp / "reference-corpus", docs), tmp / "reference-index")
    return stored_ids(tmp / "reference-index")


def _visible(index_dir: Path) -> set[str] | None:
    """What a reader sees; None when it is told the index is not built."""
    try:
        return stored_ids(index_dir)
    except IndexNotBuiltError:
        return None


def _dense_hits(index_dir: Path, docs: dict[str, str]) -> set[str]:
    """Every id the dense query returns for probes near every passage old and new."""
    store = small_store(index_dir)
    embedder = HashEmbedder()
    probes = [line for text in docs.values() for line in text.splitlines() if line]
    return {pid for v in embedder.embed(probes) for pid, _ in store.query(v, 40)}


def _collections(index_dir: Path) -> list[str]:
    return sorted(c.name for c in small_store(index_dir)._client.list_collections())


def _sweep(
    tmp_path: Path,
    prepare: Callable[[Path, Path], None],
    rebuild: bool,
    rerun_rebuild: bool,
    before: set[str] | None,
) -> int:
    """For every write of a full run: prepare an index, kill the run at that write, check what
    readers see, re-run, check the result. Returns the number of kill points tried."""
    after = _ids_of(NEW, tmp_path)
    with killed_at(0) as calls:
        prepare(tmp_path / "count-corpus", tmp_path / "count-index")
        write_corpus(tmp_path / "count-corpus", NEW)
        start = len(calls)
        index(tmp_path / "count-corpus", tmp_path / "count-index", rebuild=rebuild)
        total = len(calls) - start
    assert total > 10
    for n in range(1, total + 1):
        corpus, index_dir = tmp_path / f"corpus-{n}", tmp_path / f"index-{n}"
        prepare(corpus, index_dir)
        write_corpus(corpus, NEW)
        with killed_at(n) as calls, pytest.raises(Killed):
            index(corpus, index_dir, rebuild=rebuild)
        seen = _visible(index_dir)
        assert seen in (before, after), f"killed at {calls[-1]} (write {n}): a mixed index"
        if seen is not None:
            assert _dense_hits(index_dir, {**OLD, **NEW}) <= seen
        embedder = HashEmbedder()
        index(corpus, index_dir, embedder, rebuild=rerun_rebuild)
        assert stored_ids(index_dir) == after, f"re-run after a kill at write {n}"
        assert raw_count(index_dir) == len(after), f"orphans after a kill at write {n}"
        assert _collections(index_dir) == ["passages"]
    return total


def _built(docs: dict[str, str]) -> Callable[[Path, Path], None]:
    def prepare(corpus: Path, index_dir: Path) -> None:
        index(write_corpus(corpus, docs), index_dir)

    return prepare


def _nothing(corpus: Path, index_dir: Path) -> None:
    corpus.mkdir(parents=True)


def test_update_killed_at_any_write_keeps_the_old_index(tmp_path: Path) -> None:
    before = _ids_of(OLD, tmp_path / "old")
    _sweep(tmp_path, _built(OLD), rebuild=False, rerun_rebuild=False, before=before)


@pytest.mark.parametrize("rerun_rebuild", [True, False])
def test_rebuild_killed_at_any_write_keeps_the_old_index(
    tmp_path: Path, rerun_rebuild: bool
) -> None:
    before = _ids_of(OLD, tmp_path / "old")
    _sweep(tmp_path, _built(OLD), rebuild=True, rerun_rebuild=rerun_rebuild, before=before)


def test_first_build_killed_reads_as_not_built(tmp_path: Path) -> None:
    _sweep(tmp_path, _nothing, rebuild=False, rerun_rebuild=False, before=None)


def test_corpus_edited_again_after_a_kill(tmp_path: Path) -> None:
    """Passages a killed run stored for a file deleted before the re-run never show, even while
    that re-run is itself killed at any write."""
    again = {"a.md": NEW["a.md"]}  # c.md, half-stored by the killed run, is gone again
    old, after = _ids_of(OLD, tmp_path / "old"), _ids_of(again, tmp_path)
    n = 1
    while True:
        corpus, index_dir = tmp_path / f"corpus-{n}", tmp_path / f"index-{n}"
        index(write_corpus(corpus, OLD), index_dir)
        write_corpus(corpus, NEW)
        with killed_at(2, only="add"), pytest.raises(Killed):  # one batch of new passages in
            index(corpus, index_dir)
        assert raw_count(index_dir) > len(old)
        write_corpus(corpus, again)
        with killed_at(n) as calls, contextlib.suppress(Killed):
            index(corpus, index_dir)
        assert stored_ids(index_dir) in (old, after), f"killed at write {n}"
        assert _dense_hits(index_dir, {**OLD, **NEW}) <= stored_ids(index_dir)
        index(corpus, index_dir)
        assert stored_ids(index_dir) == after and raw_count(index_dir) == len(after)
        if len(calls) < n:  # the whole run fitted before the n-th write
            break
        n += 1


def _legacy(corpus: Path, index_dir: Path) -> None:
    """An index as written before generations: no generation key, no per-passage marks."""
    from advisor.corpus import load_corpus
    from advisor.parsing import parse_document

    write_corpus(corpus, OLD)
    load = load_corpus(corpus)
    passages = [p for doc in load.documents for p in parse_document(doc)]
    vectors = HashEmbedder().embed([p.text for p in passages])
    client = small_store(index_dir)._client
    collection = client.create_collection(
        "passages",
        configuration={"hnsw": {"space": "cosine"}},
        metadata={"embedding_model": MODEL, "schema": SCHEMA},
        embedding_function=None,
    )
    nodes = _nodes(passages, vectors, {d.name: d.sha256 for d in load.documents}, 1)
    for node in nodes:
        for key in GEN_KEYS:
            del node.metadata[key]
    ChromaVectorStore(chroma_collection=collection).add(nodes)


def test_index_from_before_generations_is_read_and_updated(tmp_path: Path) -> None:
    _legacy(tmp_path / "corpus", tmp_path / "index")
    before = stored_ids(tmp_path / "index")
    assert len(before) == 25
    _sweep(tmp_path, _legacy, rebuild=False, rerun_rebuild=False, before=before)


def test_a_second_writer_is_refused_while_one_runs(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", OLD)
    index(corpus, tmp_path / "index")
    with small_store(tmp_path / "index").update():
        with pytest.raises(IndexBusyError, match="Another `advisor index`") as err:
            index(corpus, tmp_path / "index")
        assert "Wait for it to finish" in err.value.hint
        assert len(stored_ids(tmp_path / "index")) == 25  # readers are not blocked
    assert index(corpus, tmp_path / "index").unchanged == 25  # released when it ends


def test_cli_refuses_a_second_index_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(index_dir=tmp_path / "index", llm="extractive")
    monkeypatch.setenv("ADVISOR_INDEX_DIR", str(settings.index_dir))
    with wiring.passage_store(settings).update():
        code = main(["index", "--corpus", str(CORPUS)])
    err = capsys.readouterr().err
    assert code == 2 and "error: Another `advisor index`" in err and "hint: Wait" in err


_COUNT_VISIBLE = """
from advisor import wiring
from advisor.config import Settings
stored = wiring.passage_store(Settings()).stored()
print(len(stored), *sorted({s.passage.source for s in stored}))
"""


def _advisor(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "advisor", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_sigkill_during_a_real_rebuild_keeps_the_old_index(tmp_path: Path) -> None:
    """A real `advisor index --rebuild` process killed with SIGKILL while it embeds (its progress
    bar, on a pseudo-terminal, shows passages done): a fresh process still answers from the old
    index, and a re-run completes with exactly the corpus's passages."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "guide.txt").write_text((CORPUS / "pm-career-path.txt").read_text())
    env = {
        **os.environ,
        "ADVISOR_INDEX_DIR": str(tmp_path / "index"),
        "ADVISOR_CORPUS_DIR": str(corpus),
        "ADVISOR_LLM": "extractive",
        "ADVISOR_SHOW_PROGRESS": "true",
    }
    assert _advisor("index", env=env).returncode == 0
    write_corpus(corpus, {"extra.md": ladder_doc("Widget", 8, 40)})
    done = _embedded_before_sigkill([sys.executable, "-m", "advisor", "index", "--rebuild"], env)
    assert 0 < done < 320, "the kill did not land during embedding"
    visible = subprocess.run(
        [sys.executable, "-c", _COUNT_VISIBLE], env=env, capture_output=True, text=True, timeout=120
    )
    assert visible.stdout.split() == ["37", "guide.txt"], visible.stderr  # the old index, whole
    asked = _advisor("ask", "What does an APM do?", "--json", env=env)
    assert asked.returncode == 0 and '"refused": false' in asked.stdout, asked.stderr
    rerun = _advisor("index", "--rebuild", env=env)  # resumes what the killed run stored
    assert rerun.returncode == 0, rerun.stderr
    from advisor.corpus import load_corpus
    from advisor.parsing import parse_document

    wanted = {p.id for doc in load_corpus(corpus).documents for p in parse_document(doc)}
    store = wiring.passage_store(Settings(index_dir=tmp_path / "index", llm="extractive"))
    assert {s.passage.id for s in store.stored()} == wanted
    assert store.collection.count() == len(wanted)


def _embedded_before_sigkill(command: list[str], env: dict[str, str]) -> int:
    """Run `command` with stderr on a pseudo-terminal, SIGKILL it once its progress bar shows
    some passages embedded; returns how many it showed."""
    import fcntl
    import pty
    import re
    import select
    import struct
    import termios

    leader, follower = pty.openpty()
    # A 0x0 terminal makes tqdm draw an empty bar; give it a real size.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    shown, done = b"", 0
    ready = select.poll()  # not select(): this process may hold descriptors past 1024
    ready.register(leader, select.POLLIN)
    try:
        deadline = time.monotonic() + 120
        while not done and proc.poll() is None and time.monotonic() < deadline:
            if ready.poll(500):
                try:
                    shown += os.read(leader, 4096)
                except OSError:  # the process closed the terminal: it ended
                    break
                counts = re.findall(rb"Embedding passages.*?(\d+)/\d+", shown)
                done = max((int(c) for c in counts), default=0)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        os.close(leader)
    return done


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_kills_against_a_chroma_server(chroma_server: str, tmp_path: Path) -> None:  # noqa: F811
    """The same protocol through a real `chroma run` server: all its state is in Chroma."""
    settings = Settings(index_dir=tmp_path / "unused", chroma_url=chroma_server, llm="extractive")
    client = chroma_client(settings)
    old, new = write_corpus(tmp_path / "old", OLD), write_corpus(tmp_path / "new", NEW)

    def run(name: str, corpus: Path, rebuild: bool = False) -> None:
        store = PassageStore(client, name, MODEL, SCHEMA, batch_limit=LIMIT)
        update_index(corpus, store, HashEmbedder(), rebuild)

    def visible(name: str) -> set[str]:
        return {s.passage.id for s in PassageStore(client, name, MODEL, SCHEMA).stored()}

    run("reference", old)
    run("reference", new)
    after = visible("reference")
    assert PassageStore(client, "reference", MODEL, SCHEMA).batch_limit > LIMIT  # the server's
    for rebuild in (False, True):
        n = 0
        while True:
            n += 1
            name = f"kill-{int(rebuild)}-{n}"
            run(name, old)
            before = visible(name)
            with killed_at(n) as calls, contextlib.suppress(Killed):
                run(name, new, rebuild)
            assert visible(name) in (before, after), f"killed at write {n} (rebuild={rebuild})"
            run(name, new)
            assert visible(name) == after
            collection = client.get_collection(name)
            assert collection.count() == len(after)
            assert not any(c.name == name + STAGING_SUFFIX for c in client.list_collections())
            if len(calls) < n:
                break
    assert not (tmp_path / "unused").exists()


def test_llama_index_baseline_reads_only_committed_passages(tmp_path: Path) -> None:
    """A plain llama-index engine over the collection (the eval's baseline) is given the same
    filter, so an unfinished update is invisible to it too."""
    from llama_index.core.llms import MockLLM

    from advisor.evaluation.answerers import LlamaIndexBaseline
    from advisor.evaluation.dataset import EvalCase
    from advisor.llama_embedding import MiniLMEmbedding

    corpus, index_dir = write_corpus(tmp_path / "corpus", OLD), tmp_path / "index"
    index(corpus, index_dir)
    old_texts = {s.passage.text for s in small_store(index_dir).stored()}
    write_corpus(corpus, NEW)
    with killed_at(2, only="add"), pytest.raises(Killed):
        index(corpus, index_dir)
    store = small_store(index_dir)
    baseline = LlamaIndexBaseline(
        store.collection, MiniLMEmbedding(HashEmbedder()), MockLLM(max_tokens=4), top_k=30
    )
    # Words of the new, half-stored passages, so they would rank first if they were visible.
    answer, _ = baseline.answer(EvalCase(id="x", question="Gamma Grade 1 task two task four"))
    assert len(answer.citations) == 25 and {c.text for c in answer.citations} == old_texts
