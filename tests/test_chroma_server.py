"""The same index and answers through a real `chroma run` server on loopback."""

import gc
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor import wiring
from advisor.config import Settings
from advisor.errors import ConfigError
from advisor.indexing import update_index
from tests.conftest import CORPUS, free_port

CHROMA = Path(sys.executable).with_name("chroma")

# chromadb's HTTP client keeps pooled loopback sockets until garbage collection even after
# close(); the fixture collects them here, where that warning is expected, not in a later test.
pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


class ChromaProcess:
    """A real `chroma run` on loopback that the test can stop and start again."""

    def __init__(self, path: Path) -> None:
        self.path, self.port = path, free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> None:
        if not CHROMA.exists() and not shutil.which("chroma"):
            pytest.fail("the chroma CLI (from the chromadb package) is missing")
        cmd = [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1"]
        self.proc = subprocess.Popen(
            [*cmd, "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        pytest.fail("chroma run did not start listening within 60 s")

    def down(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
            self.proc = None


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    server = ChromaProcess(tmp_path / "server")
    server.up()
    try:
        yield server.url
    finally:
        gc.collect()
        server.down()


def test_index_and_answer_through_a_chroma_server(chroma_server: str, tmp_path: Path) -> None:
    settings = Settings(
        corpus_dir=CORPUS, index_dir=tmp_path / "unused", chroma_url=chroma_server, llm="extractive"
    )
    for expected_added in (37, 0):
        store = wiring.passage_store(settings)
        report = update_index(settings.corpus_dir, store, wiring.embedder())
        store.close()
        assert report.added == expected_added and report.added + report.unchanged == 37
    advisor = wiring.build_advisor(settings)
    answer = advisor.ask("What does a Senior PM do?")
    advisor.retriever.store.close()
    assert answer.citations and answer.citations[0].section.startswith("3.")
    assert not (tmp_path / "unused").exists()


def test_bad_chroma_url_is_a_configuration_error(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path, chroma_url="localhost:8000", llm="extractive")
    with pytest.raises(ConfigError, match="not an http"):
        wiring.passage_store(settings)
