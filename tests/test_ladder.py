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
