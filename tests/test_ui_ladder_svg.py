"""The ladder picture: one step per parsed role, highlights, and escaped text."""

import xml.etree.ElementTree as ET

from advisor.answering import Advisor
from advisor.ladder import Role
from ui.ladder_svg import ladder_svg

SVG = "{http://www.w3.org/2000/svg}"


def _roles(*names: str) -> list[Role]:
    return [Role(level=n, section=f"{n}. {name}", name=name) for n, name in enumerate(names, 1)]


def _steps(svg: str) -> list[ET.Element]:
    return ET.fromstring(svg).findall(f"{SVG}g")


def _text(step: ET.Element) -> str:
    return " ".join(t.text or "" for t in step.iter(f"{SVG}text"))


def test_one_step_per_role_of_the_parsed_guide_in_ladder_order(guide_advisor: Advisor) -> None:
    roles = guide_advisor.ladder.roles
    steps = _steps(ladder_svg(list(reversed(roles))))
    assert [s.get("data-level") for s in steps] == [str(r.level) for r in roles]
    assert "Senior Product Manager" in _text(steps[2])
    assert {s.get("data-state") for s in steps} == {"plain"}


def test_current_and_target_highlighted_with_the_levels_between() -> None:
    steps = _steps(ladder_svg(_roles("Deckhand", "Mate", "Bosun", "Captain"), 1, 3))
    assert [s.get("data-state") for s in steps] == ["current", "on-path", "target", "plain"]
    assert "YOU ARE HERE" in _text(steps[0])
    assert "TARGET" in _text(steps[2])


def test_text_is_escaped_and_the_svg_stays_well_formed() -> None:
    hostile = '<script>alert(1)</script> & "quoted" <img src=x onerror=alert(2)>'
    svg = ladder_svg(_roles(hostile, "Mate"), 1, 2)
    assert "<script" not in svg and "<img" not in svg
    root = ET.fromstring(svg)  # raises if the escaping broke the markup
    assert not root.findall(f".//{SVG}script")
    assert "&lt;script&gt;" in svg and "&amp;" in svg
    assert "alert(1)" in ET.fromstring(svg).get("aria-label", "")


def test_long_names_wrap_into_at_most_two_lines() -> None:
    svg = ladder_svg(_roles("Lead Product Manager / Principal Product Manager", "X " * 60))
    first, second = _steps(svg)
    lines = [t.text for t in first.iter(f"{SVG}text")][1:]
    assert lines == ["Lead Product Manager /", "Principal Product Manager"]
    assert len(list(second.iter(f"{SVG}text"))) == 3  # level badge + two lines
    assert (list(second.iter(f"{SVG}text"))[-1].text or "").endswith("…")


def test_a_ladder_without_levels_says_so() -> None:
    assert "no numbered levels" in ladder_svg([])
