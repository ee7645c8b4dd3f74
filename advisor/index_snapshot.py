"""The stored passages, their vectors and keyword terms, kept beside an embedded index.

Every start read the whole collection from Chroma and stemmed every passage for BM25: most of
the start-up at a hundred documents, growing with the corpus. They change only when an update
commits, so the first start after one writes them to one file, stamped with the collection and
its generation, and later starts read that file instead. A snapshot of another collection or
generation (or of another embedding model or parser) is ignored, and a damaged one only costs
the read from Chroma; a Chroma server's index has no local folder, so it is always read.
"""

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from advisor.embedding import EMBEDDING_DIM, Vectors
from advisor.lexicon import STEMMER_VERSION
from advisor.models import Passage

SNAPSHOT_FILE = "passages-snapshot.npz"
# The file's layout and the stemmer its keyword terms were made with: a snapshot of either
# other kind is rebuilt from the collection.
FORMAT = f"1-stems{STEMMER_VERSION}"
log = logging.getLogger(__name__)


@dataclass
class Snapshot:
    """Passages in corpus order, each one's vector and BM25 terms."""

    passages: list[Passage]
    vectors: dict[str, Vectors]
    terms: list[list[str]]


def load_snapshot(path: Path | None, stamp: dict[str, Any]) -> Snapshot | None:
    """The snapshot at `path` if it was written for this stamp, else None."""
    if path is None:
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            if json.loads(str(data["stamp"])) != {**stamp, "format": FORMAT}:
                return None
            records = json.loads(data["passages"].tobytes())
            matrix = np.asarray(data["vectors"], dtype=np.float32)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged snapshot only costs the read from Chroma
        log.debug("index snapshot %s unreadable: %s", path, exc)
        return None
    passages = [Passage.model_validate(r["passage"]) for r in records]
    return Snapshot(
        passages,
        {p.id: matrix[i] for i, p in enumerate(passages)},
        [str(r["terms"]).split() for r in records],
    )


def save_snapshot(path: Path | None, stamp: dict[str, Any], snapshot: Snapshot) -> None:
    """Write the snapshot atomically; a folder that cannot be written is left alone."""
    if path is None:
        return
    records = [
        {"passage": p.model_dump(mode="json"), "terms": " ".join(t)}
        for p, t in zip(snapshot.passages, snapshot.terms, strict=True)
    ]
    matrix = (
        np.stack([snapshot.vectors[p.id] for p in snapshot.passages])
        if snapshot.passages
        else np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    )
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.partial")
        with os.fdopen(fd, "wb") as fh:
            np.savez(
                fh,
                stamp=np.array(json.dumps({**stamp, "format": FORMAT}, sort_keys=True)),
                # UTF-8 bytes: a numpy text array is UCS-4, four times the size to decode.
                passages=np.frombuffer(
                    json.dumps(records, separators=(",", ":")).encode("utf-8"), dtype=np.uint8
                ),
                vectors=matrix.astype(np.float32),
            )
        os.replace(tmp, path)
    except OSError as exc:
        log.debug("index snapshot %s not written: %s", path, exc)
