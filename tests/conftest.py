"""Shared fixtures: a real embedded Chroma index of the guide, built once per session."""

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import advisor  # noqa: F401  (telemetry switches before chromadb/onnxruntime load)
from advisor import wiring
from advisor.answering import Advisor
from advisor.config import Settings
from advisor.indexing import update_index

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
_LOOPBACK = ("127.", "::1", "localhost")


@pytest.fixture(autouse=True)
def _extractive_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests never start a model unless they ask for one; nor read the developer's keys."""
    monkeypatch.setenv("ADVISOR_LLM", "extractive")
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests may only talk to loopback: a real outbound call is a bug, not a slow test."""
    original = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family == socket.AF_UNIX or str(host).startswith(_LOOPBACK):
            return original(self, address)
        raise RuntimeError(f"network access blocked in tests: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


def make_settings(tmp: Path, corpus: Path = CORPUS, **extra: Any) -> Settings:
    extra.setdefault("llm", "extractive")
    extra.setdefault("data_dir", tmp / "data")
    return Settings(corpus_dir=corpus, index_dir=tmp / "index", show_progress=False, **extra)


@pytest.fixture(scope="session")
def guide_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = make_settings(tmp_path_factory.mktemp("guide"))
    update_index(settings.corpus_dir, wiring.passage_store(settings), wiring.embedder())
    yield settings


@pytest.fixture(scope="session")
def guide_advisor(guide_settings: Settings) -> Advisor:
    return wiring.build_advisor(guide_settings)
