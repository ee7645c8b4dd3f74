import re

import pytest

from advisor.answering import Advisor
from advisor.errors import InvalidQuestionError


def _sections(answer) -> set[str]:  # type: ignore[no-untyped-def]
    return {c.section.split(".")[0] for c in answer.citations}


def test_apm_answer_cites_section_1_and_names_its_duties(guide_advisor: Advisor) -> None:
    answer = guide_advisor.ask("What does an Associate Product Manager do?")
    assert not answer.refused
    assert _sections(answer) == {"1"}
    text = answer.answer.lower()
    for fact in ("define features", "customer feedback", "launches"):
        assert fact in text


def test_every_sentence_carries_a_citation_that_exists(guide_advisor: Advisor) -> None:
    answer = guide_advisor.ask("What changes when I go from APM to PM?")
    ids = {c.id for c in answer.citations}
    for line in answer.answer.splitlines():
        if line.startswith("**"):
            continue
        markers = [int(n) for n in re.findall(r"\[(\d+)\]", line)]
        assert markers and set(markers) <= ids, line
    assert _sections(answer) == {"1", "2"}


@pytest.mark.parametrize(
    ("question", "section", "must_contain"),
    [
        ("What skills does a senior PM need?", "3", "influence and negotiation"),
        ("What comes after Senior PM?", "4", "principal product manager"),
        ("What comes before the PM role?", "1", "associate product manager"),
        ("What does a CPO do?", "5", "board of directors"),
    ],
)
def test_answers_are_organised_by_what_was_asked(
    guide_advisor: Advisor, question: str, section: str, must_contain: str
) -> None:
    answer = guide_advisor.ask(question)
    assert section in _sections(answer)
    assert must_contain in answer.answer.lower()


def test_top_of_the_ladder_has_no_next_role(guide_advisor: Advisor) -> None:
    answer = guide_advisor.ask("What comes after VP of Product?")
    assert "top of this ladder" in answer.answer
    assert _sections(answer) == {"5"}


@pytest.mark.parametrize("bad", ["", "   \n\t ", "x" * 1001])
def test_bad_questions_are_rejected_with_a_hint(guide_advisor: Advisor, bad: str) -> None:
    with pytest.raises(InvalidQuestionError) as err:
        guide_advisor.ask(bad)
    assert err.value.hint


def test_a_huge_history_is_bounded(guide_advisor: Advisor) -> None:
    from advisor.answering import MAX_HISTORY_CHARS, MAX_HISTORY_MESSAGES, bounded
    from advisor.conversation import Message

    history = [Message("user", "what does a senior PM do? " * 20_000)] * 500
    kept = bounded(history)
    assert len(kept) == MAX_HISTORY_MESSAGES
    assert all(len(m.content) <= MAX_HISTORY_CHARS for m in kept)
    answer = guide_advisor.ask("and what skills does it need?", history)
    assert not answer.refused and all(c.section.startswith("3.") for c in answer.citations)
