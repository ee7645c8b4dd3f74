"""Levels read from a document's shape: title-only headings, prose sections around numbered
levels, sub-headings whose words say neither work nor growth, abbreviated titles."""

from pathlib import Path

from advisor import wiring
from advisor.answering import Advisor
from advisor.config import Settings
from advisor.corpus import load_corpus
from advisor.indexing import update_index
from advisor.ladder import CareerLadder, _display_name
from advisor.models import PassageKind
from advisor.parsing import parse_document


def _ladder(tmp_path: Path, name: str, text: str) -> CareerLadder:
    (tmp_path / name).write_text(text, encoding="utf-8")
    doc = load_corpus(tmp_path).documents[0]
    return CareerLadder.from_passages(parse_document(doc))


def _advisor(tmp_path: Path, name: str, text: str) -> Advisor:
    """The extractive advisor over a real index of this one document."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus, show_progress=False)
    update_index(corpus, wiring.passage_store(settings), wiring.embedder())
    return wiring.build_advisor(settings, backend="extractive")


def _graded(title: str, levels: list[tuple[str, str]]) -> str:
    """A Markdown ladder with a numbered heading and one duty per level."""
    return (
        f"# {title}\n\n"
        + "\n\n".join(
            f"## {n}. {name}\n\n{name}s keep the desk running.\n\n- Work: {duty}"
            for n, (name, duty) in enumerate(levels, 1)
        )
        + "\n"
    )


TITLES_ONLY = """# Harbour Pilots: how we grow

Pilots at the harbour move through four grades, each one boarding bigger ships.

## Cadet Pilot

A cadet rides along on every boarding.

### Your week

- Shadowing: Ride along with a licensed pilot on at least ten boardings a month.
- Passage notes: Write up each passage plan for review.

### Learning

- Chartwork: Plot the approach channels from memory.

## Junior Pilot

Junior pilots take ships up to 150 metres alone.

### What you handle

- Boarding: Board and con vessels up to 150 metres in daylight.

### To get better

- Night work: Build up twenty supervised night passages.

## Senior Pilot

Senior pilots take any ship the port accepts.

### Remit

- Deep-draught ships: Con tankers and bulk carriers at any tide.

### Expectations

- Coaching: Coach junior pilots through their first night boardings.

## Chief Pilot

The chief pilot runs the station.

### Remit

- Rostering: Set the boarding roster for the whole station.

### Expectations

- Standards: Keep the station's safety record public.

## Joining us

Apply through the port authority's careers page.
"""


def test_title_only_headings_with_a_shared_family_word_are_levels(tmp_path: Path) -> None:
    ladder = _ladder(tmp_path, "pilots.md", TITLES_ONLY)
    assert [r.name for r in ladder.roles] == [
        "Cadet Pilot",
        "Junior Pilot",
        "Senior Pilot",
        "Chief Pilot",
    ]
    assert [r.level for r in ladder.roles] == [1, 2, 3, 4]


def test_sub_headings_whose_words_say_neither_take_the_kind_their_sibling_lacks(
    tmp_path: Path,
) -> None:
    ladder = _ladder(tmp_path, "pilots.md", TITLES_ONLY)
    cadet, _, senior, chief = ladder.roles
    # "Learning" reads as growth, so "Your week" beside it is the work.
    assert [p.title for p in cadet.responsibilities] == ["Shadowing", "Passage notes"]
    assert [p.title for p in cadet.skills] == ["Chartwork"]
    # "Remit" and "Expectations" say neither: work first, growth second.
    assert [p.title for p in senior.responsibilities] == ["Deep-draught ships"]
    assert [p.title for p in chief.skills] == ["Standards"]


def test_same_sub_headed_shape_without_a_family_word_is_a_ladder(tmp_path: Path) -> None:
    text = "\n\n".join(
        f"## {title}\n\n{title}s do the work of this grade.\n\n### Duties\n\n- Work: {duty}\n\n"
        f"### Growth\n\n- Craft: {growth}"
        for title, duty, growth in [
            ("Apprentice", "Sweep the shop floor.", "Learn the lathe."),
            ("Journeyman", "Turn chair legs.", "Learn veneering."),
            ("Master", "Design commissions.", "Teach apprentices."),
        ]
    )
    ladder = _ladder(tmp_path, "workshop.md", f"# Workshop grades\n\n{text}\n")
    assert [r.name for r in ladder.roles] == ["Apprentice", "Journeyman", "Master"]


def test_notes_with_bulleted_sections_stay_reference_text(tmp_path: Path) -> None:
    text = """# Office handbook

## Holidays

- Booking: Book leave in the HR tool two weeks ahead.

## Expenses

- Receipts: Upload receipts within a month.

## Equipment

- Laptops: Return your laptop when you leave.
"""
    (tmp_path / "handbook.md").write_text(text, encoding="utf-8")
    doc = load_corpus(tmp_path).documents[0]
    assert all(p.level is None for p in parse_document(doc))


def test_numbered_sections_around_the_levels_are_not_levels(tmp_path: Path) -> None:
    sections = [
        ("About This Document", "This document sets out the grades of our survey team."),
        ("Survey Assistant (SA)", "The Survey Assistant holds the staff and keeps the field book."),
        ("Land Surveyor", "A Land Surveyor runs a total station and signs off boundary plans."),
        ("Senior Land Surveyor", "The Senior Land Surveyor checks the plans of the whole team."),
        ("Survey Manager", "The Survey Manager prices jobs and hires new Survey Assistants."),
        ("Moving Between Grades", "Grades change at the yearly review, one at a time."),
    ]
    text = "Survey team grades\n\n" + "\n\n".join(
        f"{n}. {title}\n\n{body}" for n, (title, body) in enumerate(sections, 1)
    )
    ladder = _ladder(tmp_path, "survey.txt", text + "\n")
    assert [r.name for r in ladder.roles] == [
        "Survey Assistant",
        "Land Surveyor",
        "Senior Land Surveyor",
        "Survey Manager",
    ]
    assert [r.level for r in ladder.roles] == [1, 2, 3, 4]
    first = ladder.roles[0]
    assert all(p.kind is PassageKind.OVERVIEW or p.level == 1 for p in first.passages)


def test_a_parenthesis_that_abbreviates_the_title_is_not_the_name() -> None:
    assert _display_name("4. Communications Supervisor (Comms Sup)") == "Communications Supervisor"
    assert _display_name("2. Staff Nurse (Registered Nurse)") == "Registered Nurse"
    assert _display_name("2. Mid-Level Product Manager (Product Manager)") == "Product Manager"


PROSE = """Survey team grades

1. Survey Assistant

The Survey Assistant holds the staff and keeps the field book on every job.

Assistants set up the tripod, clear sight lines and log each reading as it is called.

2. Land Surveyor

A Land Surveyor runs a total station and signs off boundary plans for clients.

When a job grows beyond one site, the Land Surveyor splits it into daily set-outs.

The skills we look for here are careful checking, clear sketches and plain talk with owners.

3. Senior Land Surveyor

The Senior Land Surveyor checks the plans of the whole team before they go out.

They price new jobs and agree the programme with the client.
"""


def test_a_prose_paragraph_that_opens_on_skills_is_a_skill(tmp_path: Path) -> None:
    ladder = _ladder(tmp_path, "survey.txt", PROSE)
    surveyor = ladder.roles[1]
    assert [p.text.split()[1] for p in surveyor.skills] == ["skills"]
    # "grows" tells of the work, not of skills.
    assert [p.text.split()[0] for p in surveyor.responsibilities] == ["When"]


def test_a_plan_shows_an_untitled_item_once_and_no_empty_heading(tmp_path: Path) -> None:
    from advisor.planning import plan_transition

    ladder = _ladder(tmp_path, "survey.txt", PROSE)
    plan = plan_transition(ladder, "Survey Assistant", "Land Surveyor")
    text = plan.to_markdown()
    # The item, its action, its readiness sign and its source: the sentence once in each.
    assert text.count("When a job grows beyond one site") == 4
    item = next(line for line in text.splitlines() if "When a job grows" in line)
    assert item.startswith("- **When a job grows") and "**:" not in item
    assert "Take on this part of the next role while still a Survey Assistant" in text
    assert "Take on when a job" not in text


def test_a_plan_to_a_level_without_skills_has_no_empty_skills_heading(tmp_path: Path) -> None:
    from advisor.planning import plan_transition

    ladder = _ladder(tmp_path, "survey.txt", PROSE)
    text = plan_transition(ladder, "Land Surveyor", "Senior Land Surveyor").to_markdown()
    assert "### What changes in the role" in text and "### Skills to build" not in text


def _matrix(rows: int) -> str:
    levels = ["Trainee Rigger", "Rigger", "Senior Rigger"]
    lines = ["Competency," + ",".join(levels)]
    for i in range(rows):
        lines.append(f"Task {i} area," + ",".join(f"{lv} does task {i} well." for lv in levels))
    lines.append(
        "Knot tying,"
        + ",".join(f"{lv} ties the bowline number {n}." for n, lv in enumerate(levels))
    )
    return "\n".join(lines) + "\n"


def test_a_long_matrix_is_answered_in_part_and_says_so(tmp_path: Path) -> None:
    from advisor.direct import LISTED_ITEMS, summary

    ladder = _ladder(tmp_path, "rigging.csv", _matrix(30))
    rigger = ladder.roles[1]
    line = summary(rigger, PassageKind.RESPONSIBILITY)
    assert line is not None
    assert f"({LISTED_ITEMS} of the 31 the guide lists)" in line.text
    assert len(line.passages) == LISTED_ITEMS


def test_a_comparison_on_a_subject_shows_each_levels_own_line(tmp_path: Path) -> None:
    advisor = _advisor(tmp_path, "rigging.csv", _matrix(30))
    answer = advisor.ask("How is knot tying different for a Rigger vs a Senior Rigger?")
    assert "bowline number 1" in answer.answer and "bowline number 2" in answer.answer
    # Only the subject's lines, not every row of both levels.
    assert "task 7" not in answer.answer, answer.answer


def test_a_title_the_ladder_only_mentions_is_not_described(tmp_path: Path) -> None:
    text = TITLES_ONLY.replace(
        "- Rostering: Set the boarding roster for the whole station.",
        "- Rostering: Set the boarding roster and send it to the Port Operations Director.",
    )
    advisor = _advisor(tmp_path, "pilots.md", text)
    assert advisor.ask("What does the Port Operations Director do?").refused
    chief = advisor.ask("What does the Chief Pilot do?")
    assert not chief.refused and "Port Operations Director" in chief.answer


def test_a_title_without_its_first_words_names_its_level_when_no_other_does(
    tmp_path: Path,
) -> None:
    text = _graded(
        "Hotel desk grades",
        [
            ("Night Desk Clerk", "Check guests in after midnight."),
            ("Senior Desk Clerk", "Handle complaints."),
            ("Regional Desk Manager", "Set the rota for every hotel."),
        ],
    )
    ladder = _ladder(tmp_path, "hotel.md", text)
    night, senior, regional = ladder.roles
    assert "desk manager" in regional.aliases
    # "desk clerk" is in two titles: it names neither.
    assert "desk clerk" not in night.aliases and "desk clerk" not in senior.aliases
    assert [m.role for m in ladder.mentions("what does a desk manager do?")] == [regional]
    assert ladder.mentions("what does a manager do?") == []


def test_a_prose_levels_duties_open_with_what_the_level_is(tmp_path: Path) -> None:
    advisor = _advisor(tmp_path, "survey.txt", PROSE)
    answer = advisor.ask("What does a Land Surveyor do?")
    assert answer.answer.startswith("A Land Surveyor runs a total station"), answer.answer
    assert "splits it into daily set-outs" in answer.answer


def test_a_rare_last_word_of_a_title_names_its_level_and_a_common_one_does_not(
    tmp_path: Path,
) -> None:
    text = _graded(
        "Desk grades",
        [
            ("Night Desk Receptionist", "Check guests in after midnight."),
            ("Public Safety Dispatcher", "Send units out."),
            ("Regional Desk Manager", "Set the rota for every hotel."),
        ],
    )
    ladder = _ladder(tmp_path, "desk.md", text)
    _, dispatcher, regional = ladder.roles
    assert [m.role for m in ladder.mentions("what does a dispatcher do?")] == [dispatcher]
    assert "manager" not in regional.aliases  # "my manager" is seldom this level
