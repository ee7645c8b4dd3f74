"""What the last `advisor index` parsed and committed, kept beside an embedded index.

An unchanged re-index used to parse every file again (the parser and the injection check: most
of its time at a thousand documents) and read every stored id from Chroma to find that nothing
changed. The manifest remembers, per file, the content hash and what parsing it gave, and which
collection and generation the run committed. A file whose hash is unchanged is not parsed again,
and when the collection is still at that generation with nothing pending and the corpus gives
exactly the ids committed, there is nothing to compare.

It is a cache, never the truth: the index stays correct without it (a missing, damaged or
foreign manifest is ignored and rewritten), and Chroma's own generation (see advisor.store) says
whether it still describes the collection.
"""

import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.models import Passage
from advisor.parsing import PARSER_VERSION, HeldBack

MANIFEST_FILE = "index-manifest.json"
FORMAT = 1
log = logging.getLogger(__name__)


@dataclass
class CachedDocument:
    """One file as parsed: its passages (built from their stored form only when asked for),
    what was held back, and its per-document report (as a dict)."""

    ids: list[str]
    held_back: list[HeldBack]
    report: dict[str, Any]
    raw: list[dict[str, Any]] = field(default_factory=list)
    built: list[Passage] | None = None

    @classmethod
    def of(
        cls, passages: list[Passage], held_back: list[HeldBack], report: dict[str, Any]
    ) -> "CachedDocument":
        return cls([p.id for p in passages], held_back, report, built=passages)

    def passages(self) -> list[Passage]:
        if self.built is None:
            self.built = [Passage.model_validate(p) for p in self.raw]
        return self.built

    def dump(self) -> list[dict[str, Any]]:
        if self.built is None:
            return self.raw
        return [p.model_dump(mode="json") for p in self.built]


@dataclass
class Manifest:
    """Parsed documents by content hash, and the collection state they were committed as."""

    path: Path | None
    collection: str = ""
    generation: int = -1
    ids: frozenset[str] = frozenset()
    documents: dict[str, tuple[str, CachedDocument]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> "Manifest":
        """The manifest at `path`, or an empty one (none yet, unreadable, another parser)."""
        if path is None:
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("parser") != PARSER_VERSION:
                return cls(path)
            return cls(
                path,
                str(data["collection"]),
                int(data["generation"]),
                frozenset(data["ids"]),
                {
                    name: (str(entry["sha256"]), _cached(name, entry))
                    for name, entry in data["documents"].items()
                },
            )
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError, KeyError, TypeError) as exc:  # damaged: costs a re-parse
            log.debug("index manifest %s unreadable: %s", path, exc)
            return cls(path)

    def cached(self, name: str, sha256: str) -> CachedDocument | None:
        """What parsing this file gave last time, when its content is unchanged."""
        entry = self.documents.get(name)
        return entry[1] if entry is not None and entry[0] == sha256 else None

    def describes(self, collection: str, generation: int, ids: set[str]) -> bool:
        """Whether the collection is still as this manifest committed it, with these ids."""
        return (
            bool(self.collection)
            and self.collection == collection
            and self.generation == generation
            and self.ids == ids
        )

    def save(
        self, collection: str, generation: int, documents: dict[str, tuple[str, CachedDocument]]
    ) -> None:
        """Write the state just committed (unless it is the one read), atomically; a folder
        that cannot be written is left alone (the next run parses again)."""
        ids = {pid for _, doc in documents.values() for pid in doc.ids}
        unchanged = self.describes(collection, generation, ids) and all(
            self.documents.get(name, ("",))[0] == sha for name, (sha, _) in documents.items()
        )
        if self.path is None or (unchanged and len(documents) == len(self.documents)):
            return
        data: dict[str, Any] = {
            "format": FORMAT,
            "parser": PARSER_VERSION,
            "collection": collection,
            "generation": generation,
            "ids": sorted(ids),
            "documents": {
                name: {
                    "sha256": sha,
                    "passages": doc.dump(),
                    "held_back": [[h.line, h.sentence] for h in doc.held_back],
                    "report": doc.report,
                }
                for name, (sha, doc) in documents.items()
            },
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".json.partial")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError as exc:
            log.debug("index manifest %s not written: %s", self.path, exc)


def _cached(name: str, entry: dict[str, Any]) -> CachedDocument:
    raw = list(entry["passages"])
    held = [HeldBack(name, int(line), str(sentence)) for line, sentence in entry["held_back"]]
    return CachedDocument([str(p["id"]) for p in raw], held, dict(entry["report"]), raw)
