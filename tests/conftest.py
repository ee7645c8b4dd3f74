"""Shared fixtures: a real embedded Chroma index of the guide, built once per session."""

import asyncio
import socket
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import advisor  # noqa: F401  (telemetry switches before chromadb/onnxruntime load)
from advisor import wiring
from advisor.answering import Advisor
from advisor.config import Settings
from advisor.indexing import update_index
from tests.openai_stub import ModelStub, serve_stub

if TYPE_CHECKING:
    import gradio as gr

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


@pytest.fixture
def stub_server() -> Iterator[tuple[str, ModelStub]]:
    """A scripted OpenAI-compatible server on loopback (tests/openai_stub.py): URL, controls."""
    with serve_stub() as served:
        yield served


def free_port() -> int:
    """A loopback port nothing listens on (a server to start there, or a closed one)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_app(
    make_app: "Callable[[], gr.Blocks]", queue: dict[str, Any] | None = None, **start: Any
) -> "tuple[gr.Blocks, str]":
    """Build and serve a Gradio app on loopback without blocking; returns it and its URL."""
    from ui.app import start as start_app

    async def boot() -> "tuple[gr.Blocks, str]":
        # In a running loop: gradio otherwise makes (and never closes) a new event loop per
        # app it creates, and the suite turns the ResourceWarnings into errors.
        app = make_app()
        app.queue(**(queue or {}))
        return app, start_app(app, "127.0.0.1", free_port(), block=False, **start)

    # A thread of its own: playwright's sync API already runs a loop in the test's thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, boot()).result(timeout=120)


@pytest.fixture
def use_index(monkeypatch: pytest.MonkeyPatch, guide_settings: Settings) -> None:
    """The CLI, run in-process, reads the guide's session index."""
    monkeypatch.setenv("ADVISOR_INDEX_DIR", str(guide_settings.index_dir))
    monkeypatch.setenv("ADVISOR_CORPUS_DIR", str(CORPUS))


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `advisor ARGV...` run in-process."""
    import gc

    from advisor.cli import main

    # Sockets left by earlier tests' servers are reported on stderr when collected
    # ("Exception ignored in: <socket ...>"); collect them now, before the run is captured.
    gc.collect()
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
