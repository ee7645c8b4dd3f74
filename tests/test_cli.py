import json
import shutil
from pathlib import Path

import pytest

from advisor.config import Settings
from advisor.store import PassageStore, chroma_client
from tests.conftest import CORPUS
from tests.conftest import run_cli as _run

ANSWER_KEYS = {"question", "answer", "refused", "backend", "latency_s", "citations"}
CITATION_KEYS = {"id", "section", "text", "score"}


def test_ask_json_follows_the_contract(use_index: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "ask", "What does an Associate Product Manager do?", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= ANSWER_KEYS
    assert data["refused"] is False and data["backend"] == "extractive"
    assert isinstance(data["latency_s"], float)
    assert data["citations"] and all(set(c) == CITATION_KEYS for c in data["citations"])
    assert data["citations"][0]["section"] == (
        "1. Entry-Level Product Manager (Associate Product Manager)"
    )
    assert [c["id"] for c in data["citations"]] == list(range(1, len(data["citations"]) + 1))


def test_salary_is_refused_without_a_number(
    use_index: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "ask", "What is the average salary of a PM?", "--json")
    data = json.loads(out)
    assert code == 0 and data["refused"] is True and data["citations"] == []
    assert not any(ch.isdigit() for ch in data["answer"])


def test_plain_answer_lists_sources(use_index: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "ask", "What skills does a senior PM need?")
    assert code == 0 and "Sources:" in out and "[1] 3. Senior Product Manager" in out


@pytest.mark.parametrize("question", ["", "   ", "y" * 5000])
def test_bad_question_exits_2_with_a_message(
    use_index: None, capsys: pytest.CaptureFixture[str], question: str
) -> None:
    code, out, err = _run(capsys, "ask", question)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "hint: " in err and "Traceback" not in err


def test_missing_and_empty_corpus_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADVISOR_INDEX_DIR", str(tmp_path / "index"))
    code, _, err = _run(capsys, "index", "--corpus", str(tmp_path / "missing"))
    assert code == 2 and "does not exist" in err
    (tmp_path / "empty").mkdir()
    code, _, err = _run(capsys, "index", "--corpus", str(tmp_path / "empty"))
    assert code == 2 and "no readable" in err


def test_unreadable_file_exits_2_after_indexing_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "broken.txt").write_bytes(b"\xff\xfe\xfa not text")
    monkeypatch.setenv("ADVISOR_INDEX_DIR", str(tmp_path / "index"))
    code, out, err = _run(capsys, "index", "--corpus", str(corpus))
    assert code == 2 and "broken.txt" in err and "37 passage(s) embedded" in out
    monkeypatch.setenv("ADVISOR_CORPUS_DIR", str(corpus))
    code, out, _ = _run(capsys, "ask", "What does a VP of Product do?", "--json")
    assert code == 0 and json.loads(out)["citations"]


def test_index_from_other_model_asks_for_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(index_dir=tmp_path / "index")
    PassageStore(chroma_client(settings), settings.collection, "other-model", "parser-1").create()
    monkeypatch.setenv("ADVISOR_INDEX_DIR", str(settings.index_dir))
    code, _, err = _run(capsys, "ask", "What does a PM do?")
    assert code == 2 and "advisor index --rebuild" in err
    code, _, err = _run(capsys, "index")
    assert code == 2 and "advisor index --rebuild" in err
    code, out, _ = _run(capsys, "index", "--rebuild")
    assert code == 0 and "37 passage(s) embedded" in out


def test_ask_before_index_says_how_to_build_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADVISOR_INDEX_DIR", str(tmp_path / "none"))
    code, _, err = _run(capsys, "ask", "What does a PM do?")
    assert code == 2 and "advisor index" in err


def test_invalid_setting_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADVISOR_TOP_K", "many")
    code, _, err = _run(capsys, "ask", "What does a PM do?")
    assert code == 2 and "top_k" in err


def test_history_file_makes_follow_ups_work(
    use_index: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = tmp_path / "history.json"
    history.write_text(
        json.dumps(
            [
                {"role": "user", "content": "What does an APM do?"},
                {"role": "assistant", "content": "An APM assists with product development."},
            ]
        ),
        encoding="utf-8",
    )
    code, out, _ = _run(
        capsys, "ask", "what skills does it need?", "--history", str(history), "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["citations"][0]["section"].startswith("1.")
    assert "Associate Product Manager" in data["standalone_question"]


def test_bad_history_file_exits_2(
    use_index: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "history.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = _run(capsys, "ask", "What does a PM do?", "--history", str(bad))
    assert code == 2 and "history" in err and "hint:" in err
    code, _, err = _run(capsys, "ask", "What does a PM do?", "--history", str(tmp_path / "none"))
    assert code == 2


def test_openai_backend_without_key_exits_2(
    use_index: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "ask", "What does a PM do?", "--backend", "openai")
    assert code == 2 and "OPENAI_API_KEY" in err
