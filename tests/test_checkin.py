"""Check-ins: the gap, the gap-ordered plan, storage in a real SQLite file, the export, the CLI."""

import json
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from advisor.assessment import (
    CheckIn,
    CheckInError,
    Rating,
    changes,
    checkin_items,
    gap,
    make_checkin,
    progress,
)
from advisor.checkin_cli import owner_of
from advisor.checkin_export import checkin_markdown
from advisor.cli import main
from advisor.config import Settings
from advisor.corpus import SourceDocument
from advisor.evaluation.dataset import EvalCase
from advisor.ladder import CareerLadder, ladders_from_passages
from advisor.parsing import parse_document
from advisor.planning import plan_transition
from advisor.records import (
    MIGRATIONS,
    DatabaseError,
    Records,
    checkins,
    feedback_as_eval_cases,
    migrate,
)
from tests.conftest import CORPUS, ROOT

LIGHTHOUSE = ROOT / "tests" / "data" / "lighthouse-keeper-ladder.md"


def _ladder(path: Path) -> CareerLadder:
    doc = SourceDocument(path.name, path.read_text(encoding="utf-8"))
    (ladder,) = ladders_from_passages(parse_document(doc), {})
    return ladder


@pytest.fixture(scope="module", params=["guide", "lighthouse"])
def ladder(request: pytest.FixtureRequest) -> CareerLadder:
    return _ladder(CORPUS / "pm-career-path.txt" if request.param == "guide" else LIGHTHOUSE)


def _levels(ladder: CareerLadder) -> tuple[str, str]:
    return ladder.roles[0].name, ladder.roles[1].name


def _rated(ladder: CareerLadder, pattern: str) -> CheckIn:
    """A check-in of the first two levels: every item, none, or every other one demonstrated."""
    current, target = _levels(ladder)
    items = checkin_items(ladder, current, target)
    pick = {
        "all": lambda n: Rating.DEMONSTRATED,
        "none": lambda n: Rating.NOT_YET,
        "half": lambda n: Rating.DEMONSTRATED if n % 2 else Rating.WORKING,
    }[pattern]
    return make_checkin(
        ladder, "user:ana", current, target, {i.id: pick(n) for n, i in enumerate(items)}
    )


def test_every_item_of_both_levels_is_rated_with_its_source(ladder: CareerLadder) -> None:
    current, target = _levels(ladder)
    items = checkin_items(ladder, current, target)
    start, goal = ladder.roles[0], ladder.roles[1]
    expected = len(start.responsibilities + start.skills + goal.responsibilities + goal.skills)
    assert len(items) == expected > 0
    assert [i.level for i in items] == sorted(i.level for i in items)  # current level first
    passages = {p.id: p for r in ladder.roles for p in r.responsibilities + r.skills}
    for item in items:
        assert passages[item.id].text == item.quote and item.section == passages[item.id].section


def test_all_demonstrated_leaves_no_gap_and_no_actions(ladder: CareerLadder) -> None:
    checkin = _rated(ladder, "all")
    assert gap(checkin).items == [] and gap(checkin).demonstrated == len(checkin.items)
    plan = plan_transition(ladder, *_levels(ladder), checkin.ratings())
    assert plan.current_gaps == []
    assert all(not s.actions and not s.readiness for s in plan.stages)
    items = [i for s in plan.stages for i in s.responsibilities + s.skills]
    assert items and all(i.status is Rating.DEMONSTRATED for i in items)
    assert "Nothing left here" in plan.to_markdown()


def test_nothing_demonstrated_plans_like_a_newcomer_plus_the_current_level(
    ladder: CareerLadder,
) -> None:
    checkin = _rated(ladder, "none")
    current, target = _levels(ladder)
    remaining = gap(checkin)
    assert len(remaining.items) == len(checkin.items) and remaining.demonstrated == 0
    plain = plan_transition(ladder, current, target)
    rated = plan_transition(ladder, current, target, checkin.ratings())
    # The target stage keeps the ladder's order and every action of the plain plan.
    assert [a.text for a in rated.stages[0].actions] == [a.text for a in plain.stages[0].actions]
    assert len(rated.current_gaps) == len(remaining.current) > 0


def test_half_way_plan_puts_work_under_way_first_and_marks_what_is_done(
    ladder: CareerLadder,
) -> None:
    checkin = _rated(ladder, "half")
    remaining = gap(checkin)
    assert remaining.items and all(i.rating is Rating.WORKING for i in remaining.items)
    assert remaining.current == [i for i in remaining.items if i.level == checkin.current_level]
    newcomer = plan_transition(ladder, *_levels(ladder))
    plan = plan_transition(ladder, *_levels(ladder), checkin.ratings())
    stage = plan.stages[0]
    for items in (stage.responsibilities, stage.skills):
        order = [i.status for i in items]
        assert order == sorted(order, key=lambda r: r is Rating.DEMONSTRATED)
    # Demonstrated items get no action: the half-way plan is shorter than a newcomer's.
    done = {
        i.citation for i in stage.responsibilities + stage.skills if i.status is Rating.DEMONSTRATED
    }
    assert done and not {a.citation for a in stage.actions} & done
    assert len(stage.actions) < len(newcomer.stages[0].actions)
    assert "(demonstrated)" in plan.to_markdown() and "(working on it)" in plan.to_markdown()


def test_target_must_be_above_and_items_must_belong(ladder: CareerLadder) -> None:
    current, target = _levels(ladder)
    with pytest.raises(CheckInError):
        checkin_items(ladder, target, current)
    with pytest.raises(CheckInError):
        make_checkin(ladder, "user:ana", current, target, {"not-an-item": Rating.WORKING})


def test_storage_round_trips_and_survives_a_restart(tmp_path: Path) -> None:
    ladder = _ladder(LIGHTHOUSE)
    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    first = Records(url)
    saved = first.save_checkin(_rated(ladder, "half"))
    first.close()
    again = Records(url)  # a new engine on the same file: what a restarted server opens
    (loaded,) = again.checkins("user:ana")
    assert loaded.id == saved.id and loaded.items == saved.items
    assert loaded.created_at == saved.created_at and loaded.target_role == saved.target_role
    assert again.checkins("user:someone-else") == []
    assert migrate(again.engine) == len(MIGRATIONS)  # reopening applies nothing twice


def test_two_concurrent_saves_both_land(tmp_path: Path) -> None:
    ladder = _ladder(LIGHTHOUSE)
    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    Records(url).close()
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def save(pattern: str) -> None:
        records = Records(url)  # each session its own engine and connection
        try:
            barrier.wait()
            for _ in range(5):
                records.save_checkin(_rated(ladder, pattern))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            records.close()

    threads = [threading.Thread(target=save, args=(p,)) for p in ("all", "none")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    stored = Records(url).checkins("user:ana")
    assert len(stored) == 10
    assert sorted(gap(c).demonstrated for c in stored) == [0] * 5 + [len(stored[0].items)] * 5


def test_a_failed_save_leaves_nothing_half_written(tmp_path: Path) -> None:
    ladder = _ladder(LIGHTHOUSE)
    records = Records(f"sqlite:///{tmp_path / 'advisor.db'}")
    records.save_checkin(_rated(ladder, "all"))

    def crash_on_items(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # The check-in row is already written in this transaction when the items fail.
        if statement.startswith("INSERT INTO checkin_items"):
            raise sqlite3.OperationalError("disk I/O error")

    event.listen(records.engine, "before_cursor_execute", crash_on_items)
    with pytest.raises(DatabaseError, match="nothing was changed"):
        records.save_checkin(_rated(ladder, "half"))
    event.remove(records.engine, "before_cursor_execute", crash_on_items)
    with records.engine.connect() as conn:
        assert len(conn.execute(select(checkins)).all()) == 1
    (kept,) = records.checkins("user:ana")
    assert gap(kept).demonstrated == len(kept.items)


def test_progress_and_what_moved_between_two_check_ins(ladder: CareerLadder) -> None:
    before, after = _rated(ladder, "none"), _rated(ladder, "half")
    moved = changes(before, after)
    assert len(moved) == len(after.items)  # not yet -> working / demonstrated, every item
    points = progress([after, before])
    assert [p.demonstrated for p in points[:2]] == [0, 0]
    assert sum(p.demonstrated for p in points[2:]) == gap(after).demonstrated


def test_export_is_a_complete_document_with_its_sources(ladder: CareerLadder) -> None:
    before, checkin = _rated(ladder, "none"), _rated(ladder, "half")
    plan = plan_transition(ladder, *_levels(ladder), checkin.ratings())
    text = checkin_markdown(checkin, plan, before, changes(before, checkin))
    sources = text.split("### Sources", 1)[1]
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", text.split("### Sources")[0])}
    listed = {int(n) for n in re.findall(r"^\[(\d+)\] ", sources, flags=re.M)}
    assert cited and cited == listed  # every number used is listed, none listed unused
    for item in checkin.items:
        assert item.title in text and item.quote in sources
    assert "What moved since" in text and "The gap, in the order to work on it" in text


def test_feedback_export_is_an_eval_case(tmp_path: Path) -> None:
    records = Records(f"sqlite:///{tmp_path / 'advisor.db'}")
    bad = records.save_feedback(
        "browser:x",
        "wht does a keeper do",
        [],
        "The keeper...",
        [{"id": 1, "section": "2. Keeper"}],
        "extractive",
        helpful=False,
    )
    records.save_feedback("browser:x", "ok?", [], "Yes.", [], "extractive", helpful=True)
    assert records.set_reason(bad, "browser:x", "missed the night log")
    assert not records.set_reason(bad, "browser:other", "not theirs")
    (case,) = feedback_as_eval_cases(records.feedback(helpful=False))
    parsed = EvalCase.model_validate(case)
    assert parsed.question == "wht does a keeper do" and case["reason"] == "missed the night log"
    assert parsed.facts == [] and parsed.sections == []  # left for a person to fill


def test_cli_checkin_from_file_then_history_and_feedback_export(
    guide_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ADVISOR_INDEX_DIR", str(guide_settings.index_dir))
    monkeypatch.setenv("ADVISOR_CORPUS_DIR", str(guide_settings.corpus_dir))
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    spec = tmp_path / "ratings.json"
    spec.write_text(
        json.dumps(
            {
                "from": "apm",
                "to": "pm",
                "ratings": [
                    {"item": "Prioritization", "rating": "demonstrated", "note": "ran Q3 triage"},
                    {"item": "communication", "role": "APM", "rating": "working"},
                ],
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "checkin.md"
    assert main(["checkin", "--user", "ana", "--from-file", str(spec), "--out", str(out)]) == 0
    document = out.read_text(encoding="utf-8")
    assert "| Prioritization | demonstrated | ran Q3 triage |" in document
    assert "| Communication | working on it |" in document
    assert main(["checkin", "--user", "ana", "--from-file", str(spec)]) == 0
    capsys.readouterr()
    assert main(["checkin", "--user", "ana", "--history"]) == 0
    history = capsys.readouterr().out.splitlines()
    assert len(history) == 4 and "1/6 demonstrated" in history[1]
    spec.write_text(json.dumps({"from": "apm", "ratings": [{"item": "Nope", "rating": "x"}]}))
    assert main(["checkin", "--user", "ana", "--from-file", str(spec)]) == 2
    assert "matches no item" in capsys.readouterr().err
    Records.from_settings(Settings()).save_feedback(
        "user:ana", "q?", [], "a.", [], "extractive", helpful=False, reason="wrong level"
    )
    assert main(["feedback", "export"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert EvalCase.model_validate_json(line).question == "q?"


def test_cli_out_is_checked_before_anything_is_saved(
    use_index: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.conftest import run_cli

    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    spec = tmp_path / "ratings.json"
    spec.write_text(json.dumps({"from": "apm", "ratings": []}), encoding="utf-8")
    taken = tmp_path / "taken.md"
    taken.write_text("mine", encoding="utf-8")
    code, _, err = run_cli(capsys, "checkin", "--from-file", str(spec), "--out", str(taken))
    assert code == 2 and "not overwritten" in err and taken.read_text(encoding="utf-8") == "mine"
    assert Records.from_settings(Settings()).checkins(owner_of(None)) == []  # nothing saved
    code, _, _ = run_cli(
        capsys, "checkin", "--from-file", str(spec), "--out", str(taken), "--force"
    )
    assert code == 0 and taken.read_text(encoding="utf-8").startswith("# Check-in:")
    code, _, err = run_cli(capsys, "feedback", "export", "--out", str(tmp_path / "no" / "x.jsonl"))
    assert code == 2 and "does not exist" in err


def test_restoring_a_saved_check_in_reuses_its_download_files() -> None:
    from types import SimpleNamespace
    from typing import Any, cast

    from ui.checkin_tab import CheckInTab

    ladder = _ladder(LIGHTHOUSE)
    tab = CheckInTab(cast(Any, SimpleNamespace(ladders=[ladder])), cast(Any, None), logged_in=False)
    saved = _rated(ladder, "half").model_copy(update={"id": 7})
    for _ in range(3):  # three page loads restoring the same check-in
        tab.show(saved, [saved], "Your last check-in")
    assert len(list(tab.downloads.iterdir())) == 1
    (folder,) = tab.downloads.iterdir()
    assert sorted(p.suffix for p in folder.iterdir()) == [".html", ".md"]
    other = _rated(ladder, "all").model_copy(update={"id": 8, "owner": "browser:someone"})
    tab.show(other, [other], "Your last check-in")
    assert len(list(tab.downloads.iterdir())) == 2  # another check-in, its own folder
