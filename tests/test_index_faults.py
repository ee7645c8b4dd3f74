"""The embedded index folder deleted or overwritten while the advisor is serving.

What chromadb 1.5.9's embedded client does (found by trying it):

- Folder deleted: the open SQLite handles keep the unlinked file readable and the vectors are
  in memory, so the running advisor keeps answering from what it has loaded; /healthz still
  counts the passages. A restart on the missing folder says "index not built" (exit 2).
- chroma.sqlite3 overwritten with garbage: every read fails with chromadb's InternalError
  ("file is not a database"); the store turns it into IndexUnavailableError, the chat shows it
  as a message and /healthz answers 503 with the index unavailable.

Either way the user sees an answer or a readable message, never an exception or a traceback.
"""

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from advisor import wiring
from advisor.answering import Advisor
from advisor.errors import AdvisorError
from advisor.indexing import update_index
from advisor.models import Answer
from tests.conftest import make_settings
from ui.app import chat_replies
from ui.health import health

pytestmark = [
    # A store left broken on purpose releases its handles to the garbage collector.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

GARBAGE = b"\x00not a database\xff" * 4096


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[Advisor, Path]]:
    """An advisor on its own freshly built index that has answered once, as a served one has."""
    settings = make_settings(tmp_path)
    update_index(settings.corpus_dir, wiring.passage_store(settings), wiring.embedder())
    advisor = wiring.build_advisor(settings)
    answer = advisor.ask("What does a Senior PM do?")
    assert not answer.refused and {c.section[:2] for c in answer.citations} == {"3."}
    assert health(advisor, None)[0] == 200
    yield advisor, settings.index_dir
    # A damaged store may refuse to close; the test is over either way.
    with contextlib.suppress(Exception):
        advisor.retriever.store.close()


def _ask(advisor: Advisor, question: str) -> Answer | AdvisorError:
    """The answer, or the AdvisorError a user would be shown; anything else fails the test."""
    try:
        return advisor.ask(question)
    except AdvisorError as exc:
        return exc


def _chat_text(advisor: Advisor, question: str) -> str:
    *_, (messages, _) = chat_replies(advisor, question, [])
    return "\n".join(str(m["content"]) for m in messages)


def _health(advisor: Advisor) -> tuple[int, dict[str, Any]]:
    status, body = health(advisor, None)
    print(f"healthz: {status} {body['index']}")
    return status, body


def test_index_folder_deleted_while_serving(serving: tuple[Advisor, Path]) -> None:
    advisor, index_dir = serving
    shutil.rmtree(index_dir)

    outcome = _ask(advisor, "What does an APM do?")
    if isinstance(outcome, Answer):
        # Still answering from the open (unlinked) files and the vectors in memory.
        assert not outcome.refused and {c.section[:2] for c in outcome.citations} == {"1."}
    else:
        assert outcome.message and "Traceback" not in str(outcome)

    shown = _chat_text(advisor, "What does a VP of Product do?")
    assert "Something went wrong" not in shown and "Traceback" not in shown
    assert "5. VP of Product" in shown or "Can't answer that" in shown

    status, body = _health(advisor)
    # Healthy exactly while it can answer; never a probe that says ok for a dead index.
    assert (status, body["index"]["status"]) in {(200, "ok"), (503, "unavailable")}
    if status == 503:
        assert "Can't answer that" in _chat_text(advisor, "What does a PM do?")


def test_index_overwritten_with_garbage_while_serving(serving: tuple[Advisor, Path]) -> None:
    advisor, index_dir = serving
    (index_dir / "chroma.sqlite3").write_bytes(GARBAGE)

    outcome = _ask(advisor, "What does an APM do?")
    if isinstance(outcome, Answer):  # tolerated: served from what is still cached
        assert not outcome.refused and outcome.citations
    else:
        assert "cannot be reached" in outcome.message
        assert "delete it and run `advisor index`" in outcome.hint
        assert "Traceback" not in str(outcome)

    shown = _chat_text(advisor, "What does a PM do?")
    assert "Something went wrong" not in shown and "Traceback" not in shown
    assert "2. Mid-Level Product Manager" in shown or "Can't answer that" in shown

    status, body = _health(advisor)
    if isinstance(outcome, AdvisorError):
        assert status == 503 and body["index"] == {
            "status": "unavailable",
            "error": "InternalError",
        }
        assert str(index_dir) not in str(body)


def test_restart_on_a_garbage_index_is_a_clear_error(tmp_path: Path) -> None:
    built = make_settings(tmp_path)
    update_index(built.corpus_dir, wiring.passage_store(built), wiring.embedder())
    # A fresh path is a fresh chromadb system, as after a restart (systems are cached by path).
    settings = built.model_copy(update={"index_dir": tmp_path / "damaged"})
    shutil.copytree(built.index_dir, settings.index_dir)
    (settings.index_dir / "chroma.sqlite3").write_bytes(GARBAGE)
    with pytest.raises(AdvisorError, match="damaged") as caught:
        wiring.build_advisor(settings)
    assert "Delete the index folder" in caught.value.hint  # a message and a hint: exit 2
