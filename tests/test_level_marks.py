"""Level headings as companies mark them: a word and a number ("Grade 2:"), a code ("L3 ·",
"[T1]", "E4 —"), a Roman numeral ("II."), a numbered title line ("1) ..."), rules around a
plain-text title ("=== ... ==="); labelled paragraphs ("What you do: ...") and an FAQ's
questions saying what each paragraph is. Wording here is invented for the tests."""

from pathlib import Path

import pytest

from advisor import wiring
from advisor.config import Settings
from advisor.indexing import update_index
from advisor.level_shape import designated_level, roman_value, title_names, without_number
from advisor.models import PassageKind
from advisor.planning import plan_transition
from tests.test_level_shape import _advisor, _ladder


@pytest.mark.parametrize(
    ("heading", "level", "title"),
    [
        ("Grade 2: Rigging Hand (RH)", 2, "Rigging Hand (RH)"),
        ("TIER 4 - CREW BOSS", 4, "CREW BOSS"),
        ("Band IV - Chief Rigger", 4, "Chief Rigger"),
        ("L3 · Rope Access Technician", 3, "Rope Access Technician"),
        ("[R2] Rope Access Technician", 2, "Rope Access Technician"),
        ("K5 — Crew Boss", 5, "Crew Boss"),
        ("III. Senior Rigger", 3, "Senior Rigger"),
        ("2) Rigging Hand", 2, "Rigging Hand"),
        # Not a level: a sub-section number, a plain title, a lower-case word.
        ("2.1 Safety duties", None, "2.1 Safety duties"),
        ("Introduction", None, "Introduction"),
        ("ix marks the spot", None, "ix marks the spot"),
    ],
)
def test_a_heading_says_its_level_in_many_ways(heading: str, level: int | None, title: str) -> None:
    assert designated_level(heading) == level
    assert without_number(heading) == title


def test_roman_numerals_and_codes() -> None:
    assert [roman_value(n) for n in ("i", "iv", "VI", "ix", "XII")] == [1, 4, 6, 9, 12]
    assert title_names("[R2] Rope Access Technician") == ["Rope Access Technician", "R2"]


FAQ = """ACME ROPE ACCESS
Questions and answers

=== ABOUT THESE GRADES ===

Q: Can I skip a grade?
A: No. Everyone climbs one grade at a time.

=== GRADE 1: TRAINEE RIGGER (TR) ===

Q: What does a Trainee Rigger do?
A: Trainees carry kit to the anchor points and tend the rescue bag.

Q: What skills does a TR need?
A: Knot craft, a head for heights and tidy rope bags.

Q: Who does a TR answer to?
A: The Crew Boss on the job.

=== GRADE 2: RIGGER (RG) ===

Q: What does a Rigger do?
A: Riggers set anchors and descend to inspect facades.

Q: What does a Rigger need to be good at?
A: Anchor selection and calm radio calls.

Q: How does a Rigger become a Crew Boss?
A: By leading a descent team as acting crew boss without a rework report.

=== GRADE 3: CREW BOSS (CB) ===

Q: What does a Crew Boss do?
A: Crew bosses plan each day's descents and hold the rescue plan.

Q: What skills does a CB need?
A: Rescue leadership and site planning.
"""


def test_an_faq_handbook_reads_as_a_ladder(tmp_path: Path) -> None:
    ladder = _ladder(tmp_path, "rope.txt", FAQ)
    assert [r.name for r in ladder.roles] == ["Trainee Rigger", "Rigger", "Crew Boss"]
    trainee, rigger, _ = ladder.roles
    # The question says what its answer lists; the answer is quoted without "A:".
    assert [p.text for p in trainee.responsibilities] == [
        "Trainees carry kit to the anchor points and tend the rescue bag."
    ]
    assert [p.text for p in trainee.skills] == [
        "Knot craft, a head for heights and tidy rope bags."
    ]
    assert "By leading a descent team as acting crew boss without a rework report." in [
        p.text for p in rigger.skills
    ]
    # An answer that says nothing of its own question keeps the question beside it.
    assert "Who does a TR answer to? The Crew Boss on the job." in [
        p.text for p in trainee.overview
    ]
    assert "tr" in trainee.aliases and "cb" not in trainee.aliases


WIKI = """# Rope Access Levels

## About the levels

Each level below says what you do and what you need.

### L1 · Trainee Rigger (TR)

**What you do:** Carry kit to the anchor points and tend the rescue bag.

**Skills:** Knot craft and a head for heights.

**Reports to:** a Crew Boss (L3).

### L2 · Rigger (RG)

**What you do:** Set anchors and descend to inspect facades.

**Skills:** Anchor selection and calm radio calls.

**Reports to:** a Crew Boss (L3).

### L3 · Crew Boss (CB)

**What you do:** Plan each day's descents and hold the rescue plan.

**Skills:** Rescue leadership.

**Moving up:** L3 is the top of this ladder.
"""


def test_labelled_paragraphs_take_their_kind_from_the_label(tmp_path: Path) -> None:
    ladder = _ladder(tmp_path, "rope.md", WIKI)
    assert [r.level for r in ladder.roles] == [1, 2, 3]
    trainee = ladder.roles[0]
    assert [p.text for p in trainee.responsibilities] == [
        "What you do: Carry kit to the anchor points and tend the rescue bag."
    ]
    assert trainee.responsibilities[0].title == "What you do"
    assert [p.kind for p in trainee.passages if p.text.startswith("Skills:")] == [PassageKind.SKILL]
    assert any(p.text.startswith("Reports to:") for p in trainee.overview)
    # "(L3)" in the trainee's "Reports to" names the crew boss, not the trainee.
    assert "l3" not in trainee.aliases and "tr" in trainee.aliases


CODED = """# Mooring Crew

## K3 — Line Handler

Line handlers take the lines ashore.

- Heaves lines to the quay
- Tends the fenders

## K4 — Mooring Hand

Mooring hands work the winches.

- Runs the capstan

## K5 — Mooring Master

Mooring masters run the berth.

- Plans each berthing
"""

ROMAN = """# Archive Staff Policy

## Purpose

This policy sets out the archive's levels.

## I. Archive Assistant (AA1)

Archive assistants fetch boxes for readers and reshelve them.

## II. Archivist (AR2)

Archivists catalogue new deposits and answer enquiries.

## III. Senior Archivist (SA3)

Senior archivists plan the cataloguing programme and supervise archivists.
"""

LETTER = """Welcome to the mooring crew.

1) Line Handler (LH)

When you join as a line handler you will take the lines ashore; tend the fenders;
and keep the quay clear.

2) Mooring Hand (MH)

As a mooring hand you will run the capstan and train new line handlers.

3) Mooring Master (MM)

As mooring master you plan each berthing and answer for the crew.

A word on moving up: ask your mooring master for a trial shift.
"""

LIST = """# Onboarding steps

Do these in order.

1) read the handbook

2) meet your buddy

3) shadow a shift

That is all for week one.
"""


@pytest.mark.parametrize(
    ("name", "text", "names"),
    [
        # Codes that start above 1 count from 1 at the entry level; the code stays a name.
        ("mooring.md", CODED, ["Line Handler", "Mooring Hand", "Mooring Master"]),
        ("archive.md", ROMAN, ["Archive Assistant", "Archivist", "Senior Archivist"]),
        ("letter.txt", LETTER, ["Line Handler", "Mooring Hand", "Mooring Master"]),
    ],
)
def test_levels_marked_by_codes_numerals_and_numbered_lines(
    tmp_path: Path, name: str, text: str, names: list[str]
) -> None:
    ladder = _ladder(tmp_path, name, text)
    assert [r.name for r in ladder.roles] == names
    assert [r.level for r in ladder.roles] == [1, 2, 3]
    assert all(r.passages for r in ladder.roles)


def test_a_code_names_its_level_and_a_list_of_steps_is_no_ladder(tmp_path: Path) -> None:
    assert "k4" in _ladder(tmp_path, "mooring.md", CODED).roles[1].aliases
    other = tmp_path / "other"
    other.mkdir()
    assert _ladder(other, "steps.md", LIST).roles == []


AMOUNTS = """# Rope Access Levels

## L1 · Trainee Rigger (TR)

**What you do:** Carry kit to the anchor points and tend the rescue bag.

**Starting out:** New trainees spend their first fourteen weeks paired with a crew boss.

## L2 · Rigger (RG)

**What you do:** Set anchors and descend to inspect facades.

## L3 · Crew Boss (CB)

**What you do:** Lead a crew of three to five riggers on each descent.
"""


def test_an_amount_is_answered_only_where_the_guide_gives_one_of_it(tmp_path: Path) -> None:
    advisor = _advisor(tmp_path, "rope.md", AMOUNTS)
    # The guide gives a crew's size, so a crew's size is answered ...
    sized = advisor.ask("how many riggers does a crew boss lead?")
    assert not sized.refused and "three to five riggers" in sized.answer
    # A number written as a word, asked of in the ask's verb ("paired").
    paired = advisor.ask("I'm a new trainee rigger. how long am I paired with someone?")
    assert not paired.refused and "fourteen weeks" in paired.answer
    # ... but not a pay, whatever number the crew boss's text holds.
    for question in ("how much does a crew boss make?", "how much do crew bosses take home"):
        assert advisor.ask(question).refused, question


COMPETENCY_FIRST = """# Harbour Crew Framework

This framework is organised by area: read a level's line in every area.

## Seamanship

**Deckhand (DH):** Handles lines and fenders under the bosun's eye.

**Able Seaman (AB):** Steers in open water and stands lookout alone.

**Bosun (BO):** Plans the deck work and inspects the rigging.

## People

**Deckhand (DH):** Leads no one yet.

**Able Seaman (AB):** Shows new deckhands the ropes.

**Bosun (BO):** Runs the deck crew and writes their reviews.

## Growing

**Deckhand (DH):** Ready for AB after a season without a lost line.

**Able Seaman (AB):** Ready for bosun when the crew follows your calls.

**Bosun (BO):** The top of the deck ladder.
"""

FIELDS_ONLY = """# Notes on the deck crew

## Deckhand

**What you do:** Handle lines and fenders.

**Skills:** Knots.

**Reports to:** the Bosun.

## Able Seaman

**What you do:** Steer in open water.

**Skills:** Lookout.

**Reports to:** the Bosun.

## Bosun

**What you do:** Plan the deck work.

**Skills:** Rigging.

**Reports to:** the Master.
"""


def test_a_competency_first_document_reads_as_a_ladder(tmp_path: Path) -> None:
    ladder = _ladder(tmp_path, "crew.md", COMPETENCY_FIRST)
    assert [r.name for r in ladder.roles] == ["Deckhand", "Able Seaman", "Bosun"]
    bosun = ladder.roles[2]
    # Each item is titled by its area and cited under the level's label, as written.
    assert [p.text for p in bosun.responsibilities] == [
        "Seamanship: Plans the deck work and inspects the rigging.",
        "People: Runs the deck crew and writes their reviews.",
    ]
    assert {p.section for p in bosun.passages} == {"Bosun (BO)"}
    assert [p.text for p in ladder.roles[0].skills] == [
        "Growing: Ready for AB after a season without a lost line."
    ]
    assert "ab" in ladder.roles[1].aliases


def test_labels_naming_fields_are_no_levels(tmp_path: Path) -> None:
    # "What you do", "Skills", "Reports to" repeat under every heading, but name no level:
    # the headings over them, each with the same labels, are the levels.
    ladder = _ladder(tmp_path, "notes.md", FIELDS_ONLY)
    assert [r.name for r in ladder.roles] == ["Deckhand", "Able Seaman", "Bosun"]
    assert [p.text for p in ladder.roles[2].skills] == ["Skills: Rigging."]


NUMBERED_LIST = """# Bell Ringers

1. Learner Ringer (LR)

Learners ring the treble under a tutor. The tower asks three things of them:

1. Handling the rope without the tutor's hand
2. Ringing rounds steadily
3. Arriving before the practice starts

2. Band Ringer (BR)

Band ringers ring any bell in a method.

- Calls simple touches

3. Tower Captain (TC)

The captain runs the practice and keeps the tower's records.

- Chooses the methods for each practice
"""


def test_a_designation_names_its_level_and_a_numbered_list_is_a_list(tmp_path: Path) -> None:
    wiki = _ladder(tmp_path, "rope.md", WIKI)
    assert "l2" in wiki.roles[1].aliases  # "an L2", as people call it
    graded = tmp_path / "graded"
    graded.mkdir()
    faq = _ladder(graded, "rope.txt", FAQ)
    assert "grade 2" in faq.roles[1].aliases
    listed = tmp_path / "listed"
    listed.mkdir()
    bells = _ladder(listed, "bells.md", NUMBERED_LIST)
    assert [r.name for r in bells.roles] == ["Learner Ringer", "Band Ringer", "Tower Captain"]
    # The numbered items under a lead-in are the level's items, one passage each.
    assert [p.text for p in bells.roles[0].passages if p.text.startswith("Ring")] == [
        "Ringing rounds steadily"
    ]


GLANCE = """# Harbour Crew Framework

## Levels at a glance

1. **Deckhand (DH)**: reports to the Bosun.
2. **Able Seaman (AB)**: reports to the Bosun.
3. **Bosun (BO)**: reports to the Harbour Master.

## Seamanship

**Deckhand (DH):** Handles lines and fenders on the quay.

**Able Seaman (AB):** Steers the launch in open water.

**Bosun (BO):** Plans the deck work and inspects the rigging.

## People

**Deckhand (DH):** Leads no one yet.

**Able Seaman (AB):** Shows new deckhands the ropes.

**Bosun (BO):** Runs the deck crew and writes their reviews.

## What this framework leaves out

This framework covers the Deckhand, the Able Seaman and the Bosun; it does not cover the
vessel traffic service (VTS) officers.
"""


def test_the_general_text_about_one_level_answers_for_it(tmp_path: Path) -> None:
    advisor = _advisor(tmp_path, "crew.md", GLANCE)
    # The reporting line is only in the summary list, outside the level's own lines.
    answer = advisor.ask("who does the bosun report to?")
    assert not answer.refused and "Harbour Master" in answer.answer
    # A sentence listing every level speaks for none of them, and an acronym of the words
    # before it ("vessel traffic service (VTS)") is no name of a level.
    assert advisor.ask("what does a VTS officer do?").refused
    assert all("vts" not in r.aliases for r in advisor.ladder.roles)


def test_a_figure_or_a_name_the_guide_never_gives_is_not_covered(tmp_path: Path) -> None:
    advisor = _advisor(tmp_path, "crew.md", GLANCE)
    for question in (
        "is it a 12 on 12 off rotation for deckhands?",  # a figure the guide never states
        "is being a bosun here better than at Blue Funnel Line?",  # a name it never uses
        "what time does the bosun's watch finish?",  # a time of day
    ):
        assert advisor.ask(question).refused, question
    # A name the guide does use is no reason to refuse.
    assert not advisor.ask("who does the bosun report to, the Harbour Master?").refused


def test_what_it_stands_for_is_what_the_guide_must_cover(tmp_path: Path) -> None:
    advisor = _advisor(tmp_path, "crew.md", GLANCE)
    # "it" is the car, said before the ask: nothing of the guide.
    assert advisor.ask("my car keeps stalling at the lights, how do I fix it?").refused
    # "it" is the rigging, which the guide does cover.
    rigging = advisor.ask("The rigging on our launch looks worn. Who inspects it?")
    assert not rigging.refused and "inspects the rigging" in rigging.answer


GARDENS = """# Garden Studio Levels

## Studio Assistant

- Draws planting plans from the designer's sketches
- Measures gardens on site visits

## Garden Designer

- Designs small gardens from brief to planting plan
- Presents concepts to homeowners

## Senior Garden Designer

- Leads large schemes and checks designers' drawings
- Agrees changes of scope with clients

## Studio Lead

- Sets the design direction for a portfolio of projects
- Runs the weekly design review

## Studio Director

- Holds the studio's key client relationships
"""


def test_a_word_of_a_level_name_does_not_carry_what_the_guide_lacks(tmp_path: Path) -> None:
    advisor = _advisor(tmp_path, "gardens.md", GARDENS)
    # "garden" is a word of two levels' names; the degree is what is asked, and the guide has
    # none: the phrase is measured without the name's word, which brings it near their text.
    question = "do I need a garden architecture degree to become a studio lead?"
    assert advisor.ask(question).refused
    coverage = advisor.reader.read(question).asks[0].coverage
    assert "garden" in coverage.topic
    understanding = advisor.reader.understanding
    assert coverage.similarity == understanding.similarity("architecture degree")
    assert coverage.similarity < understanding.similarity("garden architecture degree")
    assert not advisor.ask("what does a garden designer do?").refused


def test_a_word_only_one_ladder_uses_says_which_ladder_a_bare_ask_is_about(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "rope.txt").write_text(FAQ, encoding="utf-8")
    (corpus / "gardens.md").write_text(GARDENS, encoding="utf-8")
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus, show_progress=False)
    update_index(corpus, wiring.passage_store(settings), wiring.embedder())
    advisor = wiring.build_advisor(settings, backend="extractive")
    # Only the rope ladder speaks of grades: no need to ask which ladder is meant.
    answer = advisor.ask("list the grades from bottom to top")
    assert "Trainee Rigger → Rigger → Crew Boss" in answer.answer
    # Both ladders have levels: a bare ask names neither, and is asked back.
    assert answer.grounding != "clarification"
    assert advisor.ask("list the levels from bottom to top").grounding == "clarification"


def test_a_plan_carries_the_current_levels_own_bar_for_the_move(tmp_path: Path) -> None:
    ladder = _ladder(tmp_path, "rope.txt", FAQ)
    move = plan_transition(ladder, "Rigger", "Crew Boss")
    ready = [s.text for s in move.stages[0].readiness]
    # "How does a Rigger become a Crew Boss? By leading ...": the rigger's own line on it.
    assert ready[0] == (
        "The guide's bar for the move: By leading a descent team as acting crew boss without a "
        "rework report."
    )
    # The next level's bar for the move beyond it is no skill to build for this one.
    first = plan_transition(ladder, "Trainee Rigger", "Rigger").stages[0]
    assert [i.text for i in first.skills] == ["Anchor selection and calm radio calls."]
