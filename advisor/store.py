"""The Chroma collection that holds the passages and their embeddings.

Writes go through llama-index's ChromaVectorStore, so the collection is a regular llama-index
vector store (a plain `VectorStoreIndex.from_vector_store` works on it); dense queries go to the
collection directly, which returns true cosine distances for the scope gate.

Size. Every call that names records (add, update, delete) carries at most `batch_limit` of
them: Chroma refuses larger batches, and SQLite refuses statements with more than ~32.7k bound
variables. Whole-collection reads are paged with limit/offset, never one `get()`.

Atomic updates. An `advisor index` killed at any point must leave the previous index readable,
and the next run must finish with exactly the corpus's passages. All the state for that lives in
Chroma itself (collection metadata and per-passage metadata), never in a local file, so it works
the same against a Chroma server:

- Generations. The collection's metadata holds `generation`, the number of the last committed
  update. Each passage carries `gen_added` (the update that stored it) and `gen_removed` (the
  update that retires it, `NEVER` while it is current). A reader at generation g sees exactly
  the passages with gen_added <= g < gen_removed.
- An update at g+1 stores its new passages with gen_added=g+1 (not yet visible), marks stale
  ones gen_removed=g+1 (still visible), and then commits with one metadata write, generation
  g+1: the only step that changes what readers see. Only then are the retired passages deleted.
- Killed before the commit, readers still see generation g. The next run reuses what the killed
  one stored (passage ids are content hashes, so nothing is embedded twice) and recomputes the
  marks from the corpus as it is now. Killed after the commit, the retired passages are
  invisible, and the next run deletes them first.
- `clean` in the metadata says every stored passage is visible; readers then skip the
  generation filter, so an index at rest is queried exactly as before.
- A rebuild (and the very first build) fills a staging collection `<name>-rebuild`, committed
  the same way (generation 1), then the old collection is deleted and the staging one renamed
  to the configured name. Readers use the staging collection when the configured one is missing
  and the staging one is committed, so every step of that switch is readable. The next writer
  finishes an interrupted switch, resumes an interrupted build when it builds into staging
  again, and otherwise drops it. A first build killed half-way reads as "not built".
- A collection from before generations (no `generation` key) is read whole; the first update
  stamps its passages as generation 1 before writing anything else.
- One writer at a time: `update()` takes an exclusive file lock and refuses (IndexBusyError)
  when another process holds it. The lock file sits in the index folder, or for a server in the
  temporary folder keyed by server and collection, so writers on different machines sharing a
  server are not serialised by it.
"""

import contextlib
import hashlib
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from advisor.config import Settings
from advisor.embedding import Vectors
from advisor.errors import (
    AdvisorError,
    ConfigError,
    IndexBusyError,
    IndexMismatchError,
    IndexNotBuiltError,
    IndexUnavailableError,
)
from advisor.models import Passage, PassageKind
from advisor.redact import redact_url, scrub_text, settings_secrets

REBUILD_HINT = "Run `advisor index --rebuild` to rebuild the index from the corpus."
NEVER = 2**31 - 1  # gen_removed of a current passage; fits every backend's integer metadata
STAGING_SUFFIX = "-rebuild"
GEN_KEYS = ("gen_added", "gen_removed")
# Used when a server does not report its limit; far below any Chroma or SQLite limit.
FALLBACK_BATCH = 1000


@dataclass(frozen=True)
class StoredPassage:
    """A passage as stored, with the hash of the file it came from."""

    passage: Passage
    file_sha256: str


@dataclass(frozen=True)
class Diff:
    """What one update changes, from the stored ids and the corpus's wanted ids."""

    fresh: frozenset[str]  # wanted, not stored: to embed
    stale: frozenset[str]  # stored, not wanted: to retire, then delete
    retire: frozenset[str]  # stale, not yet marked: would be visible after the commit
    revive: frozenset[str]  # marked by a killed run, wanted again
    kept_pending: frozenset[str]  # stored by a killed run, wanted: visible from this commit
    visible_stale: int  # stale passages readers see now

    @classmethod
    def none(cls) -> "Diff":
        """No change at all."""
        empty: frozenset[str] = frozenset()
        return cls(empty, empty, empty, empty, empty, 0)

    @property
    def added(self) -> int:
        return len(self.fresh) + len(self.kept_pending)

    @property
    def changes(self) -> bool:
        return bool(self.fresh or self.stale or self.revive or self.kept_pending)


def chroma_client(settings: Settings) -> Any:
    """An embedded PersistentClient under index_dir, or an HttpClient when chroma_url is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(
                f"ADVISOR_CHROMA_URL={redact_url(settings.chroma_url)!r} is not an http(s) URL.",
                "Use the form http://127.0.0.1:8000, or unset it for the embedded store.",
            )
        token = settings.chroma_auth_token
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                # A token-protected server (Chroma's token auth, or a proxy in front of it).
                headers={"Authorization": f"Bearer {token}"} if token else None,
                tenant=settings.chroma_tenant,
                database=settings.chroma_database,
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            # Neither the URL's credentials nor the token may reach the message.
            detail = scrub_text(str(exc), settings_secrets(settings))
            raise ConfigError(
                f"Cannot use the Chroma server at {redact_url(settings.chroma_url)} ({detail}).",
                "Start it (`chroma run --path DIR --port PORT`), check ADVISOR_CHROMA_AUTH_TOKEN, "
                "ADVISOR_CHROMA_TENANT and ADVISOR_CHROMA_DATABASE, or unset ADVISOR_CHROMA_URL.",
            ) from exc
    try:
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)
    except Exception as exc:  # a damaged chroma.sqlite3 is chromadb's InternalError
        raise IndexUnavailableError(
            f"The index folder cannot be opened ({type(exc).__name__}): it is damaged or "
            "not writable.",
            "Delete the index folder (ADVISOR_INDEX_DIR) and run `advisor index` to build it "
            "again from the corpus.",
        ) from exc


class PassageStore:
    """Passages and vectors in one Chroma collection, stamped with the embedding model used."""

    def __init__(
        self,
        client: Any,
        name: str,
        model_id: str,
        schema: str,
        batch_limit: int | None = None,
    ) -> None:
        self._client = client
        self._name = name
        self._staging = name + STAGING_SUFFIX
        self._stamp: dict[str, Any] = {"embedding_model": model_id, "schema": schema}
        self._batch_limit = batch_limit
        self._collection: Any = None
        self._where: dict[str, Any] | None = None
        self._count: int | None = None

    @property
    def batch_limit(self) -> int:
        """Most records one Chroma call may carry: the client's own limit unless overridden."""
        if self._batch_limit is None:
            reported = int(self._client.get_max_batch_size())
            self._batch_limit = reported if reported > 0 else FALLBACK_BATCH
        return self._batch_limit

    @property
    def collection(self) -> Any:
        """The committed collection; raises IndexNotBuiltError or IndexMismatchError."""
        if self._collection is None:
            collection = self._get(self._name)
            if collection is None:
                staged = self._get(self._staging)
                # A switch to a rebuilt collection was interrupted after its commit.
                collection = staged if staged is not None and _committed(staged) else None
            if collection is None:
                raise IndexNotBuiltError(
                    "The index has not been built yet.",
                    "Run `advisor index` (or `make index`) first.",
                )
            self._check_stamp(collection.metadata or {})
            if not _committed(collection):
                raise IndexNotBuiltError(
                    "The index has not been built yet (a first build did not finish).",
                    "Run `advisor index` (or `make index`) first.",
                )
            self._where = visible_where(collection.metadata or {})
            self._collection = collection
        return self._collection

    def create(self, rebuild: bool = False) -> None:
        """Create the collection empty and committed (for tools that fill it themselves)."""
        if rebuild and self._get(self._name) is not None:
            self._client.delete_collection(self._name)
        self._collection = None
        self._count = None
        collection = self._client.get_or_create_collection(
            self._name,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={**self._stamp, "generation": 1, "clean": True},
            embedding_function=None,
        )
        self._check_stamp(collection.metadata or {})

    @contextlib.contextmanager
    def update(self, rebuild: bool = False) -> Iterator["Update"]:
        """One writer's update: locks the index, recovers from a killed run, opens the target
        (a staging collection for a rebuild or a first build). Nothing is visible to readers
        until `Update.commit`."""
        with _exclusive(self._lock_path(), self._name):
            target, staged = self._target(rebuild)
            try:
                yield Update(self, target, staged)
            finally:
                self._collection = None  # readers reopen: the name may point elsewhere now
                self._count = None

    def _target(self, rebuild: bool) -> tuple[Any, bool]:
        current = self._get(self._name)
        staged = self._get(self._staging)
        if staged is not None and _committed(staged):
            self.switch(staged)  # finish the switch a killed run had committed
            current, staged = staged, None
        build_staged = rebuild or current is None
        if staged is not None and not (build_staged and _same_stamp(staged, self._stamp)):
            self._client.delete_collection(self._staging)  # an abandoned build
            staged = None
        if not build_staged:
            self._check_stamp(current.metadata or {})
            return current, False
        if staged is None:
            staged = self._client.create_collection(
                self._staging,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={**self._stamp, "generation": 0, "clean": False},
                embedding_function=None,
            )
        return staged, True

    def switch(self, staged: Any) -> None:
        """Replace the configured collection by the committed staging one."""
        if self._get(self._name) is not None:
            self._client.delete_collection(self._name)
        staged.modify(name=self._name)

    def _get(self, name: str) -> Any:
        from chromadb.errors import NotFoundError

        try:
            return self._client.get_collection(name, embedding_function=None)
        except (NotFoundError, ValueError):  # ValueError: older servers' "does not exist"
            return None

    def _lock_path(self) -> Path:
        chroma = self._client.get_settings()
        if chroma.is_persistent and chroma.persist_directory:
            return Path(chroma.persist_directory) / f".advisor-index-{self._name}.lock"
        server = f"{chroma.chroma_server_host}:{chroma.chroma_server_http_port}/{self._name}"
        key = hashlib.sha256(server.encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"advisor-index-{key}.lock"

    def _check_stamp(self, metadata: dict[str, Any]) -> None:
        for key, expected in self._stamp.items():
            found = metadata.get(key)
            if found != expected:
                raise IndexMismatchError(
                    f"The index was built with {key} {found!r}; this advisor uses {expected!r}.",
                    REBUILD_HINT,
                )

    def stored(self) -> list[StoredPassage]:
        """Every visible passage, in corpus order, read page by page."""
        out = []
        for got in _pages(
            self.collection, self.batch_limit, self._where, ["documents", "metadatas"]
        ):
            for pid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                meta = meta or {}
                out.append(
                    StoredPassage(_passage(pid, doc or "", meta), str(meta.get("file_sha256")))
                )
        return sorted(out, key=lambda s: (s.passage.source, s.passage.order))

    def state(self) -> dict[str, Any] | None:
        """What identifies the passages readers see now (collection, generation, embedding
        model, schema), or None while an update is in progress (nothing to cache then)."""
        collection = self.collection
        if self._where is not None:
            return None
        meta = collection.metadata or {}
        return {
            **self._stamp,
            "collection": str(collection.id),
            "generation": meta.get("generation"),
        }

    def local_file(self, name: str) -> Path | None:
        """A file of that name in the embedded index's folder; None for a Chroma server,
        whose index has no local folder of its own."""
        chroma = self._client.get_settings()
        if chroma.is_persistent and chroma.persist_directory:
            return Path(chroma.persist_directory) / name
        return None

    def close(self) -> None:
        """Release the client's connections (a server's HTTP pool, SQLite handles)."""
        close = getattr(self._client, "close", None)
        if callable(close):
            close()

    def vectors(self) -> dict[str, Vectors]:
        """Every visible passage's vector, by id, read page by page."""
        import numpy as np

        out: dict[str, Vectors] = {}
        for got in _pages(self.collection, self.batch_limit, self._where, ["embeddings"]):
            for pid, vec in zip(got["ids"], got["embeddings"], strict=True):
                out[pid] = np.asarray(vec, dtype=np.float32)
        return out

    def query(
        self, vector: Vectors, k: int, sources: frozenset[str] | None = None
    ) -> list[tuple[str, float]]:
        """The k nearest passage ids with cosine similarity, from the given documents only;
        IndexUnavailableError when the store cannot be reached (a Chroma server gone)."""
        try:
            count = self._count or int(self.collection.count())
            # Kept once there are passages: counting costs ~40 ms at 38k passages, on every
            # question; it is counted again after an update (see `update`).
            self._count = count or None
            if count == 0:
                return []
            where = _all_of(
                [{"source": {"$in": sorted(sources)}} if sources else None, self._where]
            )
            got = self.collection.query(
                query_embeddings=[vector.tolist()],
                n_results=min(k, count),
                include=["distances"],
                where=where,
            )
        except AdvisorError:
            raise
        except Exception as exc:  # chromadb raises httpx, its own and plain errors by version
            # An embedded store fails like this when its folder was overwritten or damaged
            # (SQLite: "file is not a database"): waiting will not help, and `advisor index`
            # cannot open a damaged file either, so the hint says to remove the folder.
            embedded = bool(self._client.get_settings().is_persistent)
            hint = (
                "Ask again in a moment. If it persists, the index folder (ADVISOR_INDEX_DIR) "
                "is damaged: delete it and run `advisor index`."
                if embedded
                else "Ask again in a moment. If it persists, check the Chroma server "
                "(ADVISOR_CHROMA_URL)."
            )
            raise IndexUnavailableError(
                f"The index cannot be reached right now ({type(exc).__name__}); nothing was "
                "answered.",
                hint,
            ) from exc
        return [
            (pid, 1.0 - float(d)) for pid, d in zip(got["ids"][0], got["distances"][0], strict=True)
        ]


class Update:
    """One writer's change to the target collection; see the module docstring for the protocol."""

    def __init__(self, store: PassageStore, collection: Any, staged: bool) -> None:
        self._store = store
        self.collection = collection
        self.staged = staged
        self.batch_limit = store.batch_limit
        meta = dict(collection.metadata or {})
        if "generation" not in meta:
            meta = self._adopt_legacy(meta)
        self._meta = meta
        self.generation = int(meta["generation"])
        self.next = self.generation + 1

    def _adopt_legacy(self, meta: dict[str, Any]) -> dict[str, Any]:
        """Stamp a pre-generation collection's passages as generation 1, then say so; readers
        read it whole until the last step, so a kill in between changes nothing they see."""
        ids = list(self._ids())
        for chunk in _chunks(ids, self.batch_limit):
            self.collection.update(
                ids=chunk, metadatas=[{"gen_added": 1, "gen_removed": NEVER}] * len(chunk)
            )
        meta = {**meta, "generation": 1, "clean": True}
        self.collection.modify(metadata=meta)
        return meta

    @property
    def collection_id(self) -> str:
        return str(self.collection.id)

    @property
    def clean(self) -> bool:
        """Whether every stored passage is visible (no killed run's leftovers)."""
        return bool(self._meta.get("clean", True))

    @property
    def committed(self) -> int:
        """The generation readers see now (after `commit`, the one it wrote)."""
        return int(self._meta["generation"])

    def diff(self, wanted: set[str]) -> Diff:
        """Compare the stored ids with the wanted ones, reading ids only, page by page."""
        g = self.generation
        # Retired by a committed update whose clean-up was killed: invisible, safe to drop now.
        self._delete(list(self._ids({"gen_removed": {"$lte": g}})))
        stored = set(self._ids())
        marked = set(self._ids({"gen_removed": {"$lt": NEVER}}))
        pending = set(self._ids({"gen_added": {"$gt": g}}))
        stale = stored - wanted
        return Diff(
            fresh=frozenset(wanted - stored),
            stale=frozenset(stale),
            retire=frozenset(stale - marked),
            revive=frozenset(marked & wanted),
            kept_pending=frozenset(pending & wanted),
            visible_stale=len(stale - pending),
        )

    def add(
        self, passages: Sequence[Passage], vectors: Vectors, file_sha256: dict[str, str]
    ) -> None:
        """Store passages, not yet visible, through llama-index's Chroma vector store."""
        if not passages:
            return
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self._mark_unclean()
        store = ChromaVectorStore(chroma_collection=self.collection)
        for start in range(0, len(passages), self.batch_limit):
            stop = start + self.batch_limit
            store.add(_nodes(passages[start:stop], vectors[start:stop], file_sha256, self.next))

    def commit(self, diff: Diff) -> None:
        """Make this update what readers see, then delete what it retired."""
        if not diff.changes and not self.staged:
            if not self._meta.get("clean", True):
                self._write_meta(clean=True)  # a killed run's marks are all gone by now
            return
        self._mark_unclean()
        self._set_retired(diff.retire, self.next)
        self._set_retired(diff.revive, NEVER)
        self._write_meta(generation=self.next, clean=not diff.stale)  # the commit point
        if self.staged:
            self._store.switch(self.collection)
        if diff.stale:
            self._delete(sorted(diff.stale))
            self._write_meta(clean=True)

    def _set_retired(self, ids: frozenset[str], generation: int) -> None:
        for chunk in _chunks(sorted(ids), self.batch_limit):
            self.collection.update(ids=chunk, metadatas=[{"gen_removed": generation}] * len(chunk))

    def _mark_unclean(self) -> None:
        # Before the first passage a reader must not see, readers start filtering.
        if self._meta.get("clean", True):
            self._write_meta(clean=False)

    def _write_meta(self, **changes: Any) -> None:
        # modify() replaces the whole metadata, so the stamp is always written with it.
        self._meta = {**self._meta, **changes}
        self.collection.modify(metadata=self._meta)

    def _delete(self, ids: list[str]) -> None:
        for chunk in _chunks(ids, self.batch_limit):
            self.collection.delete(ids=chunk)

    def _ids(self, where: dict[str, Any] | None = None) -> Iterator[str]:
        for got in _pages(self.collection, self.batch_limit, where, []):
            yield from got["ids"]


@contextlib.contextmanager
def _exclusive(path: Path, name: str) -> Iterator[None]:
    """Hold an exclusive lock on `path` or refuse at once; the OS drops it if the process dies."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexBusyError(
                f"Another `advisor index` is updating the index {name!r} (lock {path}).",
                "Wait for it to finish; run `advisor index` again if the corpus changed since.",
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pages(
    collection: Any, size: int, where: dict[str, Any] | None, include: list[str]
) -> Iterator[dict[str, Any]]:
    """collection.get() page by page; a short page is the last one."""
    offset = 0
    while True:
        got = collection.get(where=where, limit=size, offset=offset, include=include)
        if got["ids"]:
            yield got
        if len(got["ids"]) < size:
            return
        offset += size


def _chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _committed(collection: Any) -> bool:
    # No generation key: a collection from before generations, complete by construction.
    return int((collection.metadata or {}).get("generation", 1)) >= 1


def _same_stamp(collection: Any, stamp: dict[str, Any]) -> bool:
    meta = collection.metadata or {}
    return all(meta.get(key) == value for key, value in stamp.items())


def visible_where(meta: dict[str, Any]) -> dict[str, Any] | None:
    """The filter that hides passages of an uncommitted or unfinished update, or None when
    every stored passage is visible."""
    if "generation" not in meta or meta.get("clean", True):
        return None
    g = int(meta["generation"])
    return {"$and": [{"gen_added": {"$lte": g}}, {"gen_removed": {"$gt": g}}]}


def _all_of(conditions: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    kept = [c for c in conditions if c]
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else {"$and": kept}


def _nodes(
    passages: Sequence[Passage], vectors: Vectors, file_sha256: dict[str, str], generation: int
) -> list[Any]:
    from llama_index.core.schema import TextNode

    return [
        TextNode(
            id_=p.id,
            text=p.text,
            embedding=vectors[i].tolist(),
            metadata={
                "source": p.source,
                "section": p.section,
                "kind": p.kind.value,
                "level": p.level if p.level is not None else -1,
                "title": p.title or "",
                "order": p.order,
                "file_sha256": file_sha256[p.source],
                "gen_added": generation,
                "gen_removed": NEVER,
            },
            # Bookkeeping, not content: kept out of what a llama-index engine embeds or prompts.
            excluded_embed_metadata_keys=list(GEN_KEYS),
            excluded_llm_metadata_keys=list(GEN_KEYS),
        )
        for i, p in enumerate(passages)
    ]


def _passage(pid: str, text: str, meta: dict[str, Any]) -> Passage:
    level = int(meta.get("level", -1))
    return Passage(
        id=pid,
        source=str(meta.get("source", "")),
        section=str(meta.get("section", "")),
        text=text,
        kind=PassageKind(str(meta.get("kind", "overview"))),
        level=level if level >= 0 else None,
        title=str(meta.get("title") or "") or None,
        order=int(meta.get("order", 0)),
    )
