"""The Chroma collection that holds the passages and their embeddings.

Writes go through llama-index's ChromaVectorStore, so the collection is a regular llama-index
vector store (a plain `VectorStoreIndex.from_vector_store` works on it); dense queries go to the
collection directly, which returns true cosine distances for the scope gate.
"""

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from advisor.config import Settings
from advisor.embedding import Vectors
from advisor.errors import ConfigError, IndexMismatchError, IndexNotBuiltError
from advisor.models import Passage, PassageKind

REBUILD_HINT = "Run `advisor index --rebuild` to rebuild the index from the corpus."


@dataclass(frozen=True)
class StoredPassage:
    """A passage as stored, with the hash of the file it came from."""

    passage: Passage
    file_sha256: str


def chroma_client(settings: Settings) -> Any:
    """An embedded PersistentClient under index_dir, or an HttpClient when chroma_url is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(
                f"ADVISOR_CHROMA_URL={settings.chroma_url!r} is not an http(s) URL.",
                "Use the form http://127.0.0.1:8000, or unset it for the embedded store.",
            )
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            raise ConfigError(
                f"Cannot reach the Chroma server at {settings.chroma_url} ({exc}).",
                "Start it (`chroma run --path DIR --port PORT`) or unset ADVISOR_CHROMA_URL.",
            ) from exc
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)


class PassageStore:
    """Passages and vectors in one Chroma collection, stamped with the embedding model used."""

    def __init__(self, client: Any, name: str, model_id: str, schema: str) -> None:
        self._client = client
        self._name = name
        self._stamp = {"embedding_model": model_id, "schema": schema}
        self._collection: Any = None

    @property
    def collection(self) -> Any:
        """The Chroma collection; raises IndexNotBuiltError or IndexMismatchError."""
        if self._collection is None:
            try:
                collection = self._client.get_collection(self._name, embedding_function=None)
            except Exception as exc:  # chromadb raises NotFoundError/ValueError by version
                raise IndexNotBuiltError(
                    "The index has not been built yet.",
                    "Run `advisor index` (or `make index`) first.",
                ) from exc
            self._check_stamp(collection.metadata or {})
            self._collection = collection
        return self._collection

    def create(self, rebuild: bool = False) -> None:
        """Open the collection for writing, creating it (or recreating it if rebuild)."""
        if rebuild:
            with contextlib.suppress(Exception):  # nothing to delete yet
                self._client.delete_collection(self._name)
            self._collection = None
        collection = self._client.get_or_create_collection(
            self._name,
            configuration={"hnsw": {"space": "cosine"}},
            metadata=dict(self._stamp),
            embedding_function=None,
        )
        self._check_stamp(collection.metadata or {})
        self._collection = collection

    def _check_stamp(self, metadata: dict[str, Any]) -> None:
        for key, expected in self._stamp.items():
            found = metadata.get(key)
            if found != expected:
                raise IndexMismatchError(
                    f"The index was built with {key} {found!r}; this advisor uses {expected!r}.",
                    REBUILD_HINT,
                )

    def stored(self) -> list[StoredPassage]:
        """Every stored passage, in corpus order."""
        got = self.collection.get(include=["documents", "metadatas"])
        out = [
            StoredPassage(
                _passage(pid, doc or "", meta or {}), str((meta or {}).get("file_sha256"))
            )
            for pid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
        return sorted(out, key=lambda s: (s.passage.source, s.passage.order))

    def close(self) -> None:
        """Release the client's connections (a server's HTTP pool, SQLite handles)."""
        close = getattr(self._client, "close", None)
        if callable(close):
            close()

    def vectors(self) -> dict[str, Vectors]:
        """Every stored passage's vector, by id."""
        import numpy as np

        got = self.collection.get(include=["embeddings"])
        return {
            pid: np.asarray(vec, dtype=np.float32)
            for pid, vec in zip(got["ids"], got["embeddings"], strict=True)
        }

    def add(
        self, passages: Sequence[Passage], vectors: Vectors, file_sha256: dict[str, str]
    ) -> None:
        """Store passages with their vectors, through llama-index's Chroma vector store."""
        if not passages:
            return
        from llama_index.core.schema import BaseNode, TextNode
        from llama_index.vector_stores.chroma import ChromaVectorStore

        nodes: list[BaseNode] = [
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
                },
            )
            for i, p in enumerate(passages)
        ]
        ChromaVectorStore(chroma_collection=self.collection).add(nodes)

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self.collection.delete(ids=list(ids))

    def query(
        self, vector: Vectors, k: int, sources: frozenset[str] | None = None
    ) -> list[tuple[str, float]]:
        """The k nearest passage ids with cosine similarity, from the given documents only."""
        count = self.collection.count()
        if count == 0:
            return []
        where: Any = {"source": {"$in": sorted(sources)}} if sources else None
        got = self.collection.query(
            query_embeddings=[vector.tolist()],
            n_results=min(k, count),
            include=["distances"],
            where=where,
        )
        return [
            (pid, 1.0 - float(d)) for pid, d in zip(got["ids"][0], got["distances"][0], strict=True)
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
