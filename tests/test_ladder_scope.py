"""Which ladder a message names, among many: the lookups find what a scan of every ladder does."""

from collections import Counter

import pytest

from advisor.ladder import CareerLadder, Role
from advisor.ladder_scope import (
    LadderScope,
    ScopeParts,
    UnknownLadderError,
    find_ladder,
    find_scope,
    named_scopes,
    worded_scopes,
)
from advisor.understand.normalise import Normaliser

TRADES = ["keeper", "warden", "pilot", "ranger"]
TEXTS = [
    "what does a night keeper 8 do?",
    "how is a senior warden 13 different from a night pilot 2",
    "night keeper 4 and senior keeper 16, what differs",
    "what does a senior do?",
    "who runs the lighthouse 5",
    "is a k above a keeper?",
    "senior pilot 6's and head ranger's duties",
    "who works at the harbour or the lighthouse? is a z above a k?",
    "Write a poem about cats.",
]


def _unbuilt() -> ScopeParts:
    raise AssertionError("choosing by name reads no ladder")


def _scopes(count: int) -> list[LadderScope]:
    """Invented ladders sharing some role names ("senior", "keeper") and not others."""
    normaliser = Normaliser([], [])
    out = []
    for n in range(count):
        trade = TRADES[n % len(TRADES)]
        roles = [
            Role(1, f"1. Night {trade} {n}", f"Night {trade} {n}", [f"night {trade} {n}", "k"]),
            Role(2, f"2. Senior {trade} {n}", f"Senior {trade} {n}", [f"senior {trade} {n}"]),
            Role(3, f"3. Head {trade}", f"Head {trade}", [f"head {trade}"], ["senior"]),
        ]
        if n % 5 == 0:
            roles[0].aliases.append(f"lighthouse {n}")
        if n == 9:
            roles[1].aliases.append("z")  # a one-letter name of its own
        # A word of its own in the ladder's name (9), or one two ladders share (10, 11).
        place = {9: "lighthouse", 10: "harbour", 11: "harbour"}.get(n, "")
        ladder = CareerLadder(roles, f"{trade} ladder {place} {n}", f"{trade}-{n}.md")
        out.append(LadderScope(ladder, frozenset({ladder.source}), _unbuilt, normaliser))
    return out


def _named_by_scan(scopes: list[LadderScope], text: str) -> list[LadderScope]:
    counts = Counter(
        a for s in scopes for a in {a for r in s.ladder.roles for a in r.aliases + r.weak_aliases}
    )
    found = []
    for scope in scopes:
        spans = [
            len(m.alias)
            for m in scope.ladder.mentions(text)
            if m.alias not in m.role.weak_aliases and counts[m.alias] == 1
        ]
        if spans:
            found.append((max(spans), scope))
    found.sort(key=lambda t: -t[0])
    return [s for _, s in found]


def _worded_by_scan(scopes: list[LadderScope], text: str) -> list[LadderScope]:
    import re

    counts = Counter(w for s in scopes for w in s.name_words)
    said = set(re.findall(r"[a-z]+", text.lower()))
    return [s for s in scopes if any(counts[w] == 1 for w in s.name_words & said)]


def test_the_ladders_a_message_names_are_those_a_scan_of_every_ladder_finds() -> None:
    scopes = _scopes(40)
    for text in TEXTS:
        assert named_scopes(scopes, text) == _named_by_scan(scopes, text), text
        assert worded_scopes(scopes, text) == _worded_by_scan(scopes, text), text
    # Sanity: the texts do name some ladders, alone and together, and some name none.
    assert [s.ladder.source for s in named_scopes(scopes, TEXTS[0])] == ["keeper-8.md"]
    assert len(named_scopes(scopes, TEXTS[1])) == 2
    assert named_scopes(scopes, TEXTS[3]) == [] and named_scopes(scopes, TEXTS[-1]) == []
    assert [s.ladder.source for s in worded_scopes(scopes, TEXTS[-2])] == ["warden-9.md"]


def test_a_ladder_picked_by_name_or_file_is_the_one_a_scan_finds() -> None:
    scopes = _scopes(40)
    ladders = [s.ladder for s in scopes]
    # Names several ladders share ("keeper ladder  0" and the like) pick the first, as a scan.
    typed = [n for s in scopes for n in (s.ladder.name, s.ladder.source.upper())]
    for name in [*typed, "warden-13", "lighthouse 9"]:
        assert find_scope(scopes, name).ladder is find_ladder(ladders, name), name
    with pytest.raises(UnknownLadderError):
        find_scope(scopes, "keeper")  # in several ladders' names, none of them exactly
