from pathlib import Path

import pytest

from advisor.corpus import SourceDocument
from advisor.errors import UnknownRoleError
from advisor.ladder import CareerLadder, load_extra_aliases
from advisor.parsing import parse_document
from tests.conftest import CORPUS
from tests.test_parsing import guide_passages

FICTIONAL = Path(__file__).parent / "data" / "lighthouse-keeper-ladder.md"


@pytest.fixture(scope="module")
def guide() -> CareerLadder:
    return CareerLadder.from_passages(
        guide_passages(), load_extra_aliases(CORPUS)["pm-career-path.txt"]
    )


@pytest.fixture(scope="module")
def fictional() -> CareerLadder:
    doc = SourceDocument(FICTIONAL.name, FICTIONAL.read_text(encoding="utf-8"))
    return CareerLadder.from_passages(parse_document(doc))


def test_guide_ladder_has_five_levels_in_order(guide: CareerLadder) -> None:
    assert [r.level for r in guide.roles] == [1, 2, 3, 4, 5]
    assert [r.name for r in guide.roles][:3] == [
        "Associate Product Manager",
        "Product Manager",
        "Senior Product Manager",
    ]
    for role in guide.roles:
        assert len(role.responsibilities) == 3 and len(role.skills) == 3
        assert all(p.section == role.section for p in role.responsibilities + role.skills)


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("APM", 1),
        ("associate", 1),
        ("Entry-Level", 1),
        ("associate product manager", 1),
        ("PM", 2),
        ("mid-level", 2),
        ("Product Manager", 2),
        ("SPM", 3),
        ("senior", 3),
        ("Senior PM", 3),
        ("lead", 4),
        ("Principal", 4),
        ("principal pm", 4),
        ("VP", 5),
        ("cpo", 5),
        ("Head of Product", 5),
        ("VP of Product", 5),
    ],
)
def test_aliases_resolve(guide: CareerLadder, name: str, level: int) -> None:
    assert guide.resolve(name).level == level


def test_unknown_role_lists_known_roles(guide: CareerLadder) -> None:
    with pytest.raises(UnknownRoleError) as err:
        guide.resolve("astronaut")
    assert "Senior Product Manager" in err.value.hint and "APM" in err.value.hint


def test_fictional_ladder_parses_the_same_way(fictional: CareerLadder) -> None:
    assert [r.name for r in fictional.roles] == ["Apprentice Keeper", "Keeper", "Master Keeper"]
    assert [p.title for p in fictional.roles[0].responsibilities] == [
        "Polishing the lens",
        "Logging the weather",
    ]
    assert [p.title for p in fictional.roles[1].skills] == ["Signalling"]
    assert fictional.resolve("AK").level == 1 and fictional.resolve("mk").level == 3
    assert fictional.resolve("master").level == 3


def test_mentions_prefer_the_longest_name(guide: CareerLadder) -> None:
    found = [(m.role.level, m.alias) for m in guide.mentions("How do senior PMs differ from PMs?")]
    assert found == [(3, "senior pm"), (2, "pm")]
    assert guide.mentions("How do I lead a team?") == []


def test_seniority_words_name_the_first_senior_and_top_levels(
    guide: CareerLadder, fictional: CareerLadder
) -> None:
    # Any ladder: the words come from advisor/data/seniority.toml, the levels from the ladder.
    assert [m.role.level for m in fictional.mentions("what does a rookie keeper do")] == [1]
    assert [m.role.level for m in fictional.mentions("a top keeper's week")] == [3]
    assert [m.role.level for m in guide.mentions("how do seasoned PMs work")] == [3]
    assert [m.role.level for m in guide.mentions("is a novice product manager paid")] == [1]
    # The derived names find roles but are not the ladder's own names.
    assert not any("rookie" in a for r in guide.roles for a in r.aliases)


def test_a_seniority_phrase_the_ladder_itself_uses_is_not_a_level() -> None:
    text = (
        "# Ladder\n\n## 1. Associate Engineer\n\nYou learn the codebase.\n\n"
        "## 2. Engineer\n\nYou own features.\n\n"
        "## 3. Senior Engineer\n\nYou guide a team of junior engineers.\n\n"
        "## 4. Principal Engineer\n\nYou set direction.\n"
    )
    ladder = CareerLadder.from_passages(parse_document(SourceDocument("eng.md", text)))
    assert [m.role.level for m in ladder.mentions("who mentors junior engineers?")] == [2]
    assert [m.role.level for m in ladder.mentions("what does a rookie engineer do")] == [1]


def test_seniority_words_are_a_class_of_rank_words() -> None:
    from advisor.ladder import _seniority

    data = _seniority()
    assert set(data) == {"first", "senior", "top"}
    words = {w for table in data.values() for w in table.get("words", [])}
    # Rank words only: no job family, no level name of any one guide, each in one class.
    assert not words & {"product", "manager", "pm", "engineer", "keeper", "associate"}
    assert sum(len(t.get("words", [])) for t in data.values()) == len(words)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("what does the second rung involve?", 2),
        ("the first level from the top", 3),
        ("tell me about the one in the middle", 2),
        ("where are you two promotions after an apprentice keeper?", 3),
        ("what sits one level below the top?", 2),
    ],
)
def test_a_level_named_by_its_place_is_found(
    fictional: CareerLadder, text: str, level: int
) -> None:
    from advisor.understand.position import placed_level

    placed = placed_level(text, fictional, None)
    assert placed is not None and placed.role.level == level
    # The words naming the place are what a name replaces.
    assert text[placed.start : placed.end].split()[0] in {"the", "two", "one"}


def test_no_place_no_level(fictional: CareerLadder) -> None:
    from advisor.understand.position import placed_level

    assert placed_level("what does a keeper do first?", fictional, None) is None
    # Counting past either end names nothing.
    assert placed_level("three levels above a keeper", fictional, None) is None


def test_the_job_family_before_a_word_for_the_field_is_not_a_level(guide: CareerLadder) -> None:
    assert guide.mentions("the third rung of the PM ladder") == []
    assert [m.role.level for m in guide.mentions("moving into a PM role")] == [2]


def test_has_words_agrees_with_the_word_boundary_pattern() -> None:
    import random
    import re

    from advisor.ladder import _has_words

    rng = random.Random(7)
    alphabet = "ab 9-"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        phrase = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4)))
        expected = bool(re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", text))
        assert _has_words(text, phrase) == expected, (text, phrase)
    assert _has_words("emergency call taker", "call taker")
    assert not _has_words("emergency call takers", "call taker")
