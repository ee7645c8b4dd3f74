"""Vectors of the phrases the understanding layer compares asks with, kept beside the index.

Every start used to embed the same texts again (each sentence and item title of the corpus, its
vocabulary, the need examples): most of a cold `advisor ask`. They depend only on the text and
the embedding model, so they are looked up by a hash of the text in a file written once and
reused until the corpus or the model changes (texts no longer used are dropped on save).
Questions are never cached: the file holds only what the loaded corpus and data files produce.
"""

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from advisor.embedding import EMBEDDING_DIM, Embedder, Vectors

CACHE_FILE = "phrase-vectors.npz"
log = logging.getLogger(__name__)


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class PhraseCache:
    """Text -> vector, loaded from and saved to one .npz file for one embedding model."""

    def __init__(self, path: Path | None, model_id: str) -> None:
        self.path = path
        self.model_id = model_id
        self._stored: dict[str, Vectors] = {}
        self._used: dict[str, Vectors] = {}
        self._added = False
        self._loaded = path is None
        # Ladders are read on first use, possibly from two answer slots at once.
        self._lock = threading.Lock()

    def _load(self, path: Path) -> None:
        try:
            with np.load(path, allow_pickle=False) as data:
                if str(data["model"]) != self.model_id:
                    return  # another embedding model: every vector is stale
                keys, vectors = data["keys"], data["vectors"]
        except FileNotFoundError:
            return
        except Exception as exc:  # a damaged cache only costs the time to rebuild it
            log.debug("phrase cache %s unreadable: %s", path, exc)
            return
        self._stored = {str(k): v for k, v in zip(keys, vectors, strict=True)}

    def embed(self, embedder: Embedder, texts: Sequence[str]) -> Vectors:
        """The texts' vectors: cached ones read, the others embedded and remembered."""
        with self._lock:
            return self._embed(embedder, texts)

    def _embed(self, embedder: Embedder, texts: Sequence[str]) -> Vectors:
        if not self._loaded and self.path is not None:
            self._load(self.path)  # on first use: a start that reads no ladder never pays it
            self._loaded = True
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        keys = [_key(t) for t in texts]
        first = {k: i for i, k in reversed(list(enumerate(keys)))}  # each text embedded once
        missing = [i for k, i in first.items() if k not in self._stored]
        if missing:
            fresh = embedder.embed([texts[i] for i in missing])
            for row, i in enumerate(missing):
                self._stored[keys[i]] = fresh[row]
            self._added = True
        for i, k in enumerate(keys):
            out[i] = self._used.setdefault(k, self._stored[k])
        return out

    def save(self, prune: bool = True) -> None:
        """Write the vectors atomically when any were new: with `prune`, only those used since
        loading (also when some are no longer used); without it (ladders built one at a time,
        on first use) every vector known. A folder that cannot be written is left alone."""
        with self._lock:
            self._save(prune)

    def _save(self, prune: bool) -> None:
        if self.path is None or not self._loaded:
            return
        if not (self._added or (prune and len(self._used) < len(self._stored))):
            return
        kept = self._used if prune else self._stored
        keys = sorted(kept)
        vectors = np.stack([kept[k] for k in keys]) if keys else np.zeros((0, EMBEDDING_DIM))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".npz.partial")
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, model=np.array(self.model_id), keys=np.array(keys), vectors=vectors)
            os.replace(tmp, self.path)
            self._added = False
        except OSError as exc:
            log.debug("phrase cache %s not written: %s", self.path, exc)
