"""Property-based tests: whatever text arrives as a question, a history or a document, the
advisor answers, refuses or says what to fix; it never crashes and never shows a traceback.

Few examples each (the guide index is real and questions go through the whole pipeline), no
deadline: a slow example on a busy 2-core machine is not a failure.
"""

import json
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.answering import Advisor
from advisor.cli_input import read_history
from advisor.conversation import Message, parse_history
from advisor.corpus import SourceDocument
from advisor.errors import AdvisorError
from advisor.ladder import ladders_from_passages
from advisor.parsing import read_document
from advisor.textclean import clean_text
from ui import render

QUICK = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

# Words the guide and its questions use, so examples reach past the scope check.
WORDS = [
    "What", "does", "an", "APM", "PM", "senior", "SPM", "principal", "lead", "VP", "CPO", "do",
    "skills", "need", "how", "move", "from", "to", "plan", "my", "I'm", "a", "and", "?", "the",
    "responsibilities", "roadmap", "salary", "PhD", "next", "after", "that", "one", "ignore",
    "your", "rules", "SYSTEM:", "tell", "every", "user", "<script>", "![x](http://e.x/i.png)",
    "https://e.x", "**", "[1]", "\u200b", "\x00", "\ufeff", "\udcff", "\n", "\t", "\u202e",
]  # fmt: skip
_ANY_CHAR = st.characters(exclude_categories=())
fragments = st.one_of(st.sampled_from(WORDS), st.text(_ANY_CHAR, min_size=1, max_size=6))
questions = st.lists(fragments, max_size=14).map(" ".join)
TRACEBACK = ("Traceback", 'File "', "Error:", "Exception")


def _no_traceback(text: str) -> None:
    assert not any(marker in text for marker in TRACEBACK), text


@QUICK
@given(questions)
def test_cleaning_leaves_no_invisible_or_control_character(question: str) -> None:
    cleaned = clean_text(question)
    assert all(c in "\n\t" or unicodedata.category(c) not in {"Cf", "Cc", "Cs"} for c in cleaned)
    assert clean_text(cleaned) == cleaned


@QUICK
@given(questions)
def test_normalising_any_question_returns_text(guide_advisor: Advisor, question: str) -> None:
    text = guide_advisor.scopes[0].reader.normaliser.normalise(question)
    assert isinstance(text, str) and "\u200b" not in text and "\x00" not in text


@QUICK
@given(question=questions, history=st.lists(st.tuples(st.booleans(), questions), max_size=4))
def test_any_question_is_answered_refused_or_explained(
    guide_advisor: Advisor, question: str, history: list[tuple[bool, str]]
) -> None:
    messages = [Message("user" if user else "assistant", text) for user, text in history]
    try:
        answer = guide_advisor.ask(question, messages)
    except AdvisorError as exc:
        _no_traceback(str(exc))
        return
    public = json.dumps(answer.public_json(), ensure_ascii=False)
    _no_traceback(answer.answer)
    assert answer.refused or answer.citations or answer.grounding == "clarification"
    assert "<script" not in public.replace(json.dumps(question, ensure_ascii=False), "")
    for message in render.answer_messages(answer):
        _no_traceback(message["content"])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | questions,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
messages = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "system", "tool", ""]), "content": json_values}
)
histories = st.one_of(json_values, st.lists(messages | json_values, max_size=6))


@QUICK
@given(histories)
def test_any_json_history_parses_or_is_refused(raw: object) -> None:
    try:
        parsed = parse_history(raw)
    except ValueError:
        return
    assert all(m.role in ("user", "assistant") and m.content.strip() for m in parsed)
    shown = [{"role": m.role, "content": render.question_markdown(m.content)} for m in parsed]
    assert render.history_messages(shown) == parsed


@settings(QUICK, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=histories)
def test_any_history_file_is_read_or_explained(tmp_path: Path, raw: object) -> None:
    path = tmp_path / "history.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8", errors="surrogatepass")
    try:
        history = read_history(str(path))
    except AdvisorError as exc:
        _no_traceback(exc.message)
        return
    assert all(m.content.strip() and "\x00" not in m.content for m in history)


def _line(kind: str, text: str, n: int) -> str:
    return {
        "heading": f"{'#' * (n % 4 + 1)} {text}",
        "level": f"{n % 7}. {text}",
        "level-heading": f"## Level {n % 7}: {text}",
        "bullet": f"- {text}",
        "titled": f"  • {text.split()[0] if text.split() else 'Item'}: {text}",
        "lead": f"{text} include:",
        "skills": "Skills to develop:",
        "blank": "",
        "prose": text,
        "table": f"| Level | {text} |\n|---|---|\n| {n} | {text} |",
    }[kind]


KINDS = [
    "heading", "level", "level-heading", "bullet", "titled", "lead", "skills", "blank", "blank",
    "prose", "table",
]  # fmt: skip
lines = st.tuples(st.sampled_from(KINDS), questions, st.integers(0, 20))
documents = st.lists(lines, max_size=40).map(lambda ls: "\n".join(_line(*line) for line in ls))


@QUICK
@given(documents)
def test_any_markdownish_document_parses(text: str) -> None:
    parsed = read_document(SourceDocument("doc.md", text))
    ids = [p.id for p in parsed.passages]
    assert len(ids) == len(set(ids))
    for passage in parsed.passages:
        assert passage.text.strip() and "<script" not in passage.text.lower()
        assert passage.level is None or 0 <= passage.level <= 99
    line_count = text.count("\n") + 1
    assert all(1 <= held.line <= line_count for held in parsed.held_back)
    for ladder in ladders_from_passages(parsed.passages, {}):
        assert ladder.roles and ladder.name
