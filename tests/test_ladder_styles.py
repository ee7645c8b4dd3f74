"""Ladders as companies write them: bold labels over lists, sub-items under items, titles in
capitals in plain text, bullet characters that mean duty or skill, a summary table before the
level sections, level codes before titles ("B2 — Baker II")."""

from pathlib import Path

import numpy as np

from advisor.corpus import load_corpus
from advisor.direct import Answerer
from advisor.ladder import CareerLadder, ladders_from_passages
from advisor.models import PassageKind
from advisor.parsing import parse_document
from advisor.understand.tagging import negates_main_clause
from tests.test_level_shape import _advisor, _ladder

BOLD_LABELS = """# Harbour Pilots

## Pilot Cadet

Cadets learn the harbour under a licensed pilot.

**Duties:**
- Plots every passage on the harbour chart
- Keeps the boarding log

**What we look for:**
- Steady radio discipline

## Junior Pilot

Junior pilots take small ships alone.

**Duties:**
- Brings coasters to the inner berths

**What we look for:**
- Judgement in crosswinds

## Senior Pilot

Senior pilots take the deep-draught ships.

**Duties:**
- Brings tankers through the dredged channel

**What we look for:**
- Calm command of a bridge team
"""


def test_a_bold_label_over_a_list_is_its_lead_in(tmp_path: Path) -> None:
    cadet = _ladder(tmp_path, "pilots.md", BOLD_LABELS).roles[0]
    assert [p.text for p in cadet.responsibilities] == [
        "Plots every passage on the harbour chart",
        "Keeps the boarding log",
    ]
    assert [p.text for p in cadet.skills] == ["Steady radio discipline"]
    # The label says what the list is; it is no passage of its own, and no "**" is quoted.
    assert not any("*" in p.text or p.text == "Duties:" for p in cadet.passages)


NESTED = """# Bakery Grades

## 1. Baker I

Bakers I work the morning shift.

Responsibilities:

- Shapes the bread dough
  - for example baguettes and rolls
  - by hand, not by machine
- Cleans the ovens. Every evening.
  - with the approved degreaser
- Weighs flour for the
  next morning's bake
- Skills:
  - Reading a recipe card
  - Scaling a recipe

## 2. Baker II

Bakers II run the ovens.

Responsibilities:

- Sets the oven schedule
"""


def test_a_sub_item_details_the_item_above_it(tmp_path: Path) -> None:
    baker = _ladder(tmp_path, "bakery.md", NESTED).roles[0]
    duties = [p.text for p in baker.responsibilities]
    assert duties[0] == (
        "Shapes the bread dough (for example baguettes and rolls; by hand, not by machine)"
    )
    assert duties[1] == "Cleans the ovens. Every evening. With the approved degreaser"
    # A wrapped line is the item's own text.
    assert duties[-1] == "Weighs flour for the next morning's bake"
    # An item that introduces sub-items ("Skills:") is their lead-in.
    assert [p.text for p in baker.skills] == ["Reading a recipe card", "Scaling a recipe"]


PLAIN_CAPS = """GREENHOUSE CREW CAREER PATH

Key: lines that begin with "- " are duties, the work of the role. Lines that begin with "+ " are
skills we look for before a move up.

GROWER (GR)
Growers keep the benches watered and the stock healthy.
- Water the benches on the morning round
- Pot on seedlings
+ Knowing the plants by name

SENIOR GROWER (SG)
Senior growers run a glasshouse.
- Set the watering schedule for a glasshouse
+ Spotting pests early

HEAD GROWER (HG)
The head grower runs the whole nursery.
- Plan the year's sowing
+ Budgeting a season

CLOSING NOTE

Ask your head grower about the next step.
"""


def test_plain_text_titles_in_capitals_are_levels_with_readable_names(tmp_path: Path) -> None:
    (tmp_path / "greenhouse.txt").write_text(PLAIN_CAPS, encoding="utf-8")
    passages = parse_document(load_corpus(tmp_path).documents[0])
    (ladder,) = ladders_from_passages(passages, {})
    assert [r.name for r in ladder.roles] == ["Grower", "Senior Grower", "Head Grower"]
    assert ladder.name == "Greenhouse Crew Career Path"
    assert "sg" in ladder.roles[1].aliases
    # The closing note is general text, not a fourth level.
    assert len(ladder.roles) == 3


def test_a_key_says_which_bullet_is_a_duty_and_which_a_skill(tmp_path: Path) -> None:
    grower = _ladder(tmp_path, "greenhouse.txt", PLAIN_CAPS).roles[0]
    assert [p.text for p in grower.responsibilities] == [
        "Water the benches on the morning round",
        "Pot on seedlings",
    ]
    assert [p.text for p in grower.skills] == ["Knowing the plants by name"]


def test_without_a_key_the_first_bullet_is_the_work_and_the_second_the_growth(
    tmp_path: Path,
) -> None:
    text = PLAIN_CAPS.replace(PLAIN_CAPS.split("\n\n")[1], "Each role, then its lists.")
    grower = _ladder(tmp_path, "greenhouse.txt", text).roles[0]
    assert [p.text for p in grower.skills] == ["Knowing the plants by name"]
    assert len(grower.responsibilities) == 2


SUMMARY_TABLE = """# Lab Technician Ladder

## At a glance

| Level | Title | Scope | Skills |
|---|---|---|---|
| 1 | Lab Assistant (LA) | One bench | Pipetting, labelling |
| 2 | Lab Technician (LT) | One lab | Calibration, method writing |
| 3 | Lab Supervisor (LS) | A floor of labs | Scheduling, audits |

## Lab Assistant (LA)

Lab assistants prepare samples.

- Prepares the day's samples

## Lab Technician (LT)

Lab technicians run the assays.

- Runs the assays

## Lab Supervisor (LS)

Lab supervisors run the floor.

- Signs off each audit
"""


def test_a_level_summarised_in_a_table_and_described_in_a_section_is_one_level(
    tmp_path: Path,
) -> None:
    ladder = _ladder(tmp_path, "lab.md", SUMMARY_TABLE)
    assert [r.name for r in ladder.roles] == ["Lab Assistant", "Lab Technician", "Lab Supervisor"]
    supervisor = ladder.roles[2]
    texts = [p.text for p in supervisor.passages]
    assert "Signs off each audit" in texts  # from its section
    assert any("audits" in t for t in texts)  # from its table row


CODED = """# Analytics Levels

### A1 — Analyst I

#### Impact
- Builds the weekly dashboards

#### Technical
- Writes clean SQL

#### Collaboration
- Asks for review early

### A2 — Analyst II

#### Impact
- Owns a reporting domain

#### Technical
- Designs data models

#### Collaboration
- Reviews A1 work

### A3 — Senior Analyst

#### Impact
- Leads analyses across domains

#### Technical
- Chooses the team's tools

#### Collaboration
- Mentors A1 and A2 analysts
"""


def test_a_level_code_before_the_title_is_a_name_and_not_part_of_the_title(
    tmp_path: Path,
) -> None:
    ladder = _ladder(tmp_path, "analytics.md", CODED)
    assert [r.name for r in ladder.roles] == ["Analyst I", "Analyst II", "Senior Analyst"]
    assert [m.role for m in ladder.mentions("what does an A2 do?")] == [ladder.roles[1]]
    # "Analyst I" and "Analyst II" have the same initials: they name neither.
    assert not set(ladder.roles[0].aliases) & set(ladder.roles[1].aliases)
    # "I" of "Analyst I" is the pronoun in a question, never a name of the level.
    assert "i" not in ladder.roles[0].weak_aliases
    assert ladder.mentions("I want to know what I should learn") == []


def test_a_named_area_gives_its_unnamed_siblings_the_other_kind(tmp_path: Path) -> None:
    analyst = _ladder(tmp_path, "analytics.md", CODED).roles[0]
    assert [p.text for p in analyst.skills] == ["Writes clean SQL"]
    assert [p.text for p in analyst.responsibilities] == [
        "Builds the weekly dashboards",
        "Asks for review early",
    ]


def test_an_answer_about_a_plain_text_ladder_quotes_its_duties(tmp_path: Path) -> None:
    advisor = _advisor(tmp_path, "greenhouse.txt", PLAIN_CAPS)
    answer = advisor.ask("what does a senior grower do?")
    assert "Set the watering schedule for a glasshouse" in answer.answer
    assert all(c.section == "SENIOR GROWER (SG)" for c in answer.citations)
    skills = advisor.ask("which skills does an SG need?")
    assert "Spotting pests early" in skills.answer
    assert "watering schedule" not in skills.answer


def test_the_guide_parses_as_before_in_every_style_it_shares(tmp_path: Path) -> None:
    # A ladder with none of these styles reads the same: one bullet, one passage.
    doc = tmp_path / "x.md"
    doc.write_text("# T\n\n## 1. A\n\nResponsibilities:\n\n- One\n- Two\n", encoding="utf-8")
    passages = parse_document(load_corpus(tmp_path).documents[0])
    assert [(p.text, p.kind) for p in passages if p.level] == [
        ("One", PassageKind.RESPONSIBILITY),
        ("Two", PassageKind.RESPONSIBILITY),
    ]
    assert isinstance(CareerLadder.from_passages(passages), CareerLadder)


MATRIX = """# Ferry Deck Crew Matrix

The deck crew ladder, one column per level.

| Competency | Deckhand (DH) | Able Seafarer (AS) | Bosun |
|---|---|---|---|
| Mooring | Handles lines under direction | Leads a mooring party | Plans mooring for each berth |
| Safety drills | Takes part in drills | Runs the muster list | Sets the drill calendar |
| Reports to | The Able Seafarer | The Bosun | The Mate |
"""


def test_a_matrix_level_is_cited_by_its_column_title(tmp_path: Path) -> None:
    ladder = _ladder(tmp_path, "ferry.md", MATRIX)
    assert [r.name for r in ladder.roles] == ["Deckhand", "Able Seafarer", "Bosun"]
    # The section is the column's own title: no level number the document never wrote.
    assert [r.section for r in ladder.roles] == ["Deckhand (DH)", "Able Seafarer (AS)", "Bosun"]
    answer = _advisor(tmp_path, "ferry.md", MATRIX).ask("what does an able seafarer do?")
    assert "Leads a mooring party" in answer.answer
    assert {c.section for c in answer.citations} == {"Able Seafarer (AS)"}


MEMO = """MEMO

This memo sets out the levels of our surveying crew.

Level 1 - Chainman

Chainmen hold the staff and the tape for the party chief.

They clear sight lines and set out pegs.

To move up, a chainman needs to level a run of pegs without help and keep a clean field book.

Level 2 - Instrument Operator

Instrument operators run the total station.

They set up over control points and record every shot.

To move up, an operator needs to plan a day's survey and check closures.

Level 3 - Party Chief

Party chiefs lead the survey party on site.

They agree the survey plan with the engineer and sign off the field data.
"""


def test_a_prose_paragraph_on_what_it_takes_to_move_up_is_a_skill(tmp_path: Path) -> None:
    chainman = _ladder(tmp_path, "survey.txt", MEMO).roles[0]
    assert [p.text[:28] for p in chainman.skills] == ["To move up, a chainman needs"]
    assert [p.text for p in chainman.responsibilities] == [
        "They clear sight lines and set out pegs."
    ]


def test_two_roles_named_in_either_order_are_planned_upwards(tmp_path: Path) -> None:
    advisor = _advisor(tmp_path, "survey.txt", MEMO)
    answer = advisor.ask("make me a plan to become a party chief, from instrument operator")
    assert answer.plan is not None
    stages = answer.plan["stages"]
    assert (stages[0]["from_level"], stages[-1]["to_level"]) == (2, 3)
    reverse = advisor.ask("plan my move from party chief to chainman")
    assert reverse.plan is not None  # a plan up the ladder, never an error
    assert reverse.plan["stages"][0]["from_level"] == 1


WAREHOUSE = """# Warehouse Crew

## 1. Picker

Pickers fill the orders.

Responsibilities:

- Pick each order from the shelves by scanner

## 2. Team Lead

Team leads run a zone of the warehouse.

Responsibilities:

- Lead the shift when no manager is present, assigning associates to zones and breaks
- Train new warehouse associates on the scanner and the safety rules
- Count the stock in the zone each week

## 3. Warehouse Manager

The manager runs the building.

Responsibilities:

- Does not pick orders
- Plans the staffing of every shift
"""


def test_a_negation_in_a_clause_saying_when_does_not_deny_the_duty(tmp_path: Path) -> None:
    advisor = _advisor(tmp_path, "warehouse.md", WAREHOUSE)
    answer = advisor.ask("Do team leads train new associates?")
    # The sentence stating both words of the claim ("train", "associates") is the one it is
    # checked against, not a closer-sounding one sharing a word; and that one's "no" only says
    # when the duty applies, so it denies nothing.
    assert answer.answer.startswith("**Yes.**")
    assert "Train new warehouse associates" in answer.answer
    denied = advisor.ask("do warehouse managers pick orders?")
    assert denied.answer.startswith("**No")


class FakeOrderedEmbedder:
    """A fake for a unit test: the first text is the query, and each later text is as near
    to it as its place in `nearness` says (the embedder's own quirks made explicit)."""

    model_id = "fake-ordered"

    def __init__(self, nearness: dict[str, float]) -> None:
        self.nearness = nearness

    def embed(self, texts: list[str]) -> "np.ndarray":
        out = np.zeros((len(texts), 2), np.float32)
        out[0] = (1.0, 0.0)
        for i, text in enumerate(texts[1:], 1):
            cos = self.nearness.get(text, 0.0)
            out[i] = (cos, (1 - cos * cos) ** 0.5)
        return out


def test_a_claim_is_checked_against_the_sentence_stating_its_words(tmp_path: Path) -> None:
    ladder = _ladder(tmp_path, "warehouse.md", WAREHOUSE)
    lead = ladder.roles[1]
    near = "Lead the shift when no manager is present, assigning associates to zones and breaks"
    stating = "Train new warehouse associates on the scanner and the safety rules"
    # The embedder rates the sentence sharing one word a little nearer, as MiniLM can.
    answerer = Answerer(ladder, FakeOrderedEmbedder({near: 0.48, stating: 0.40}))
    best = answerer._best_sentence("train associates", lead.passages)
    assert best is not None and best[1] == stating and best[3] == 1.0


def test_only_a_negation_of_what_a_sentence_states_makes_it_negative() -> None:
    assert not negates_main_clause("Lead the shift when no manager is present, assigning staff")
    assert not negates_main_clause("Good judgement when nobody senior is there to ask")
    assert negates_main_clause("Though you don't need to be a developer, knowing code is key")
    assert negates_main_clause("Levels cannot be skipped.")
    assert negates_main_clause("A foreman does not pick orders.")


def test_a_roles_own_duties_asked_with_a_subject_quote_no_other_level(tmp_path: Path) -> None:
    advisor = _advisor(tmp_path, "warehouse.md", WAREHOUSE)
    answer = advisor.ask("what does a team lead actually do on a shift?")
    assert answer.citations and all(c.section == "2. Team Lead" for c in answer.citations)
    assert "Warehouse Manager:" not in answer.answer and "Picker:" not in answer.answer
    # Asking which level does something still shows whose line it is.
    which = advisor.ask("at what level do people plan the staffing of every shift?")
    assert "Warehouse Manager" in which.answer
