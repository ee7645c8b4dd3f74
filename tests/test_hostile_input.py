"""Hostile and broken input at the edges: undecodable, invisible and control characters in
questions, history files nested to exhaust the parser, --out paths that cannot or must not be
written, a malformed aliases.toml, corpus files over the size limit. Each ends in a clear
message and exit 2, never an internal error."""

import json
import shutil
from pathlib import Path

import pytest

from advisor.answering import Advisor
from advisor.config import Settings
from advisor.corpus import load_corpus
from advisor.errors import ConfigError
from advisor.ladder import load_extra_aliases
from advisor.textclean import clean_text
from tests.conftest import CORPUS
from tests.conftest import run_cli as _run


def _usage_error(code: int, err: str) -> None:
    assert code == 2
    assert err.startswith("error: ") and "\nhint: " in err, err
    assert "internal error" not in err and "Traceback" not in err


# --- questions --------------------------------------------------------------------------


def test_clean_text_drops_invisible_and_control_characters_keeps_newlines_and_tabs() -> None:
    assert clean_text("AP\u200bM\u200d do\x00es\ufeff\u00ad\u2060") == "APM does"
    assert clean_text("a\r\nb\tc\x07\x1b[31m") == "a\nb\tc[31m"
    assert clean_text("byte\udcff here") == "byte here"
    assert clean_text("\u200b\u200c\u200d\ufeff") == ""
    assert clean_text("Café — naïve 中文 ok") == "Café — naïve 中文 ok"


def test_undecodable_bytes_in_the_question_are_named(
    use_index: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # What Python makes of `advisor ask $'What does an APM do\xff?'` (PEP 383).
    code, _, err = _run(capsys, "ask", "What does an APM do\udcff?")
    _usage_error(code, err)
    assert "not valid UTF-8" in err and "0xff" in err


def test_undecodable_bytes_in_a_role_name_are_named(
    use_index: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "plan", "--from", "AP\udce9M", "--to", "PM")
    _usage_error(code, err)
    assert "--from role is not valid UTF-8" in err


@pytest.mark.parametrize("question", ["What does an AP\u200bM do?", "What does an A\u2060PM do?"])
def test_a_zero_width_character_inside_a_role_name_is_ignored(
    use_index: None, capsys: pytest.CaptureFixture[str], question: str
) -> None:
    code, out, _ = _run(capsys, "ask", question, "--json")
    data = json.loads(out)
    assert code == 0 and not data["refused"]
    assert data["citations"][0]["section"].startswith("1. Entry-Level Product Manager")


def test_a_question_of_only_invisible_characters_is_an_empty_question(
    use_index: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, empty = _run(capsys, "ask", "")
    assert code == 2
    code, out, err = _run(capsys, "ask", "\u200b\u200c \ufeff\u2060")
    assert code == 2 and out == "" and err == empty
    assert "The question is empty." in err


def test_the_advisor_recognises_a_role_name_split_by_invisible_characters(
    guide_advisor: Advisor,
) -> None:
    # The browser and /ask reach the advisor without the CLI: the normaliser cleans too.
    answer = guide_advisor.ask("What does an AP\u200bM\x00 do?")
    assert not answer.refused
    assert answer.citations[0].section.startswith("1. Entry-Level Product Manager")


# --- history files ----------------------------------------------------------------------


def test_a_history_nested_deeper_than_the_parser_allows_is_refused(
    use_index: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    code, _, err = _run(capsys, "ask", "What does an APM do?", "--history", str(deep))
    _usage_error(code, err)
    assert "nested too deeply" in err and str(deep) in err


def test_a_history_with_invisible_and_undecodable_text_is_cleaned(
    use_index: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    history = tmp_path / "history.json"
    turns = [
        {"role": "user", "content": "What does an AP\u200bM do?\udcff"},
        {"role": "assistant", "content": "\u200b\u200b"},
        {"role": "user", "content": [{"type": "text", "text": "\x00\x01"}]},
    ]
    history.write_text(json.dumps(turns), encoding="utf-8")
    code, out, _ = _run(capsys, "ask", "And what skills?", "--history", str(history), "--json")
    assert code == 0
    data = json.loads(out)
    assert not data["refused"]


# --- plan --out -------------------------------------------------------------------------


def test_plan_out_to_a_missing_folder(
    use_index: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "nowhere" / "plan.md"
    code, _, err = _run(capsys, "plan", "--from", "APM", "--to", "PM", "--out", str(target))
    _usage_error(code, err)
    assert "does not exist" in err and not target.parent.exists()


def test_plan_out_under_a_file(
    use_index: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    code, _, err = _run(
        capsys, "plan", "--from", "APM", "--to", "PM", "--out", str(tmp_path / "file" / "p.md")
    )
    _usage_error(code, err)
    assert "is not a folder" in err


def test_plan_out_to_a_folder(
    use_index: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = _run(capsys, "plan", "--from", "APM", "--to", "PM", "--out", str(tmp_path))
    _usage_error(code, err)
    assert "is a folder" in err and "plan.md" in err


def test_plan_out_never_overwrites_without_force(
    use_index: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "plan.md"
    target.write_text("my notes", encoding="utf-8")
    argv = ["plan", "--from", "APM", "--to", "PM", "--out", str(target)]
    code, out, err = _run(capsys, *argv)
    _usage_error(code, err)
    assert "already exists" in err and "--force" in err and out == ""
    assert target.read_text(encoding="utf-8") == "my notes"
    code, out, _ = _run(capsys, *argv, "--force")
    assert code == 0 and target.read_text(encoding="utf-8").strip() == out.strip()


def test_plan_out_to_an_unwritable_file(
    use_index: None,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Tests may run as root, which chmod does not stop: the refusal is simulated.
    real_open = Path.open

    def refuse(self: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        if self.name == "locked.md":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refuse)
    target = tmp_path / "locked.md"
    code, _, err = _run(capsys, "plan", "--from", "APM", "--to", "PM", "--out", str(target))
    _usage_error(code, err)
    assert f"Cannot write {target}: permission denied." in err


# --- aliases.toml -----------------------------------------------------------------------


def _corpus_with_aliases(tmp_path: Path, aliases: str) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "pm-career-path.txt", corpus)
    (corpus / "aliases.toml").write_text(aliases, encoding="utf-8")
    return corpus


def test_a_malformed_aliases_file_is_named_with_its_line(
    guide_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    corpus = _corpus_with_aliases(
        tmp_path, '[aliases."pm-career-path.txt"]\n1 = ["junior pm"]\n3 = sr pm\n5 = ["vp"]\n'
    )
    monkeypatch.setenv("ADVISOR_INDEX_DIR", str(guide_settings.index_dir))
    monkeypatch.setenv("ADVISOR_CORPUS_DIR", str(corpus))
    code, _, err = _run(capsys, "ask", "What does an APM do?")
    _usage_error(code, err)
    assert str(corpus / "aliases.toml") in err and "line 3" in err


@pytest.mark.parametrize(
    ("aliases", "problem"),
    [
        ('[aliases."g.md"]\nsenior = ["sr"]\n', "'senior' is not a level number"),
        ('[aliases."g.md"]\n2 = [1, 2]\n', "is not a list of names"),
        ("aliases = 3\n", "[aliases] must be a table"),
    ],
)
def test_aliases_of_the_wrong_shape_are_explained(
    tmp_path: Path, aliases: str, problem: str
) -> None:
    corpus = _corpus_with_aliases(tmp_path, aliases)
    with pytest.raises(ConfigError, match="not usable") as info:
        load_extra_aliases(corpus)
    assert problem in info.value.message


def test_a_single_alias_may_be_written_as_a_string(tmp_path: Path) -> None:
    corpus = _corpus_with_aliases(tmp_path, '[aliases."g.md"]\n2 = "mid pm"\n')
    assert load_extra_aliases(corpus) == {"g.md": {2: ["mid pm"]}}


def test_invalid_utf8_in_the_aliases_file_is_named(tmp_path: Path) -> None:
    corpus = _corpus_with_aliases(tmp_path, "")
    (corpus / "aliases.toml").write_bytes(b'[aliases]\n1 = ["\xff"]\n')
    with pytest.raises(ConfigError, match="Cannot read the role aliases"):
        load_extra_aliases(corpus)


# --- corpus file size -------------------------------------------------------------------


def test_a_corpus_file_over_the_size_limit_is_skipped_unread(tmp_path: Path) -> None:
    (tmp_path / "small.md").write_text("A short note about keepers.\n", encoding="utf-8")
    (tmp_path / "huge.md").write_text("word " * 50_000, encoding="utf-8")  # 250 kB
    loaded = load_corpus(tmp_path, max_file_mb=0.1)
    assert [d.name for d in loaded.documents] == ["small.md"]
    [(name, reason)] = loaded.skipped
    assert name == "huge.md"
    assert "0.2 MB, over the 0.1 MB limit" in reason and "ADVISOR_MAX_FILE_MB" in reason


def test_the_size_limit_is_a_setting_and_the_index_report_names_the_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.md").write_text("# Notes\n\nKeepers trim wicks.\n", encoding="utf-8")
    (corpus / "dump.txt").write_text("x" * 30_000, encoding="utf-8")
    monkeypatch.setenv("ADVISOR_MAX_FILE_MB", "0.01")
    monkeypatch.setenv("ADVISOR_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ADVISOR_SHOW_PROGRESS", "false")
    code, out, err = _run(capsys, "index", "--corpus", str(corpus))
    assert code == 2 and "internal error" not in err
    assert "Skipped dump.txt: 0.0 MB, over the 0.01 MB limit" in out
    assert "- notes.md: no ladder" in out
    assert "could not read dump.txt" in err


def test_a_question_of_only_invisible_characters_is_empty_everywhere(
    guide_advisor: Advisor,
) -> None:
    from advisor.errors import InvalidQuestionError

    # The browser and /ask reach Advisor.ask directly, not through the CLI's cleaning.
    with pytest.raises(InvalidQuestionError, match="empty"):
        guide_advisor.ask("\u200b\u200d\ufeff\u2060")
    assert not guide_advisor.ask("What does an AP\u200bM do?").refused
