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
from tests.conftest import CORPUS

CHROMA = Path(sys.executable).with_name("chroma")

# chromadb's HTTP client keeps pooled loopback sockets until garbage collection even after
# close(); the fixture collects them here, where that warning is expected, not in a later test.
pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    if not CHROMA.exists() and not shutil.which("chroma"):
        pytest.fail("the chroma CLI (from the chromadb package) is missing")
    port = _free_port()
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("chroma run did not start listening within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        gc.collect()
        proc.terminate()
        proc.wait(timeout=30)


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
