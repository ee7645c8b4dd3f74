import json
import re
from pathlib import Path

import pytest

from advisor.answering import Advisor
from advisor.cli import main
from advisor.config import Settings
from advisor.errors import UnknownRoleError
from advisor.ladder import CareerLadder
from advisor.plan_intent import recognise_plan_request
from advisor.planning import PlanRequestError, plan_transition
from tests.conftest import CORPUS
from tests.test_ladder import fictional, guide  # noqa: F401  (fixtures)

PAIRS = [(a, b) for a in range(1, 6) for b in range(a + 1, 6)]


@pytest.mark.parametrize(("low", "high"), PAIRS)
def test_every_upward_pair_has_one_stage_per_step(
    guide: CareerLadder,  # noqa: F811
    low: int,
    high: int,
) -> None:
    plan = plan_transition(guide, str(low), str(high))
    assert len(plan.stages) == high - low
    ids = {c.id for c in plan.citations}
    for offset, stage in enumerate(plan.stages):
        target = guide.by_level(low + offset + 1)
        assert target is not None and stage.to_section == target.section
        items = stage.responsibilities + stage.skills
        assert items and stage.actions and stage.readiness
        for cited in [*items, *stage.actions, *stage.readiness]:
            assert cited.citation in ids
            assert plan.citations[cited.citation - 1].section == target.section


def test_apm_to_pm_names_the_guide_items_citing_section_2(guide: CareerLadder) -> None:  # noqa: F811
    plan = plan_transition(guide, "APM", "PM")
    [stage] = plan.stages
    assert [i.title for i in stage.responsibilities] == [
        "Ownership of product features",
        "Leading cross-functional teams",
        "Prioritization",
    ]
    assert [i.title for i in stage.skills] == [
        "Strategic thinking",
        "Leadership",
        "Problem-solving",
    ]
    for item in stage.responsibilities + stage.skills:
        assert plan.citations[item.citation - 1].section.startswith("2. Mid-Level")


@pytest.mark.parametrize(
    ("start", "goal", "error"),
    [
        ("PM", "pm", PlanRequestError),
        ("Senior PM", "APM", PlanRequestError),
        ("astronaut", "PM", UnknownRoleError),
    ],
)
def test_bad_pairs_explain_and_list_roles(
    guide: CareerLadder,  # noqa: F811
    start: str,
    goal: str,
    error: type[Exception],
) -> None:
    with pytest.raises(error) as err:
        plan_transition(guide, start, goal)
    assert "Known roles" in str(err.value)


def test_fictional_ladder_plans(fictional: CareerLadder) -> None:  # noqa: F811
    plan = plan_transition(fictional, "apprentice keeper", "master")
    assert [s.to_role for s in plan.stages] == ["Keeper", "Master Keeper"]
    assert plan.stages[1].responsibilities[0].title == "Training apprentices"


def test_markdown_is_complete_and_every_marker_has_a_source(guide: CareerLadder) -> None:  # noqa: F811
    markdown = plan_transition(guide, "APM", "senior pm").to_markdown()
    assert markdown.startswith("# Career plan: Associate Product Manager → Senior Product Manager")
    assert markdown.count("## Stage ") == 2 and "## Sources" in markdown
    body, sources = markdown.split("## Sources")
    listed = {int(n) for n in re.findall(r"^\[(\d+)\]", sources, re.M)}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", body)} == listed


PLAN_REQUESTS = [
    ("Give me a step-by-step plan to get from associate PM to product manager", 1, 2),
    ("I'm a PM, plan my path to senior", 2, 3),
    ("plan my move from APM to PM", 1, 2),
    ("Plan my move from APM to PM", 1, 2),
    ("How do I get from senior PM to principal PM?", 3, 4),
    ("how can i go from pm to spm", 2, 3),
    ("I am an APM. How do I get promoted?", 1, 2),
    ("help me get promoted to senior product manager", 2, 3),
    ("Make me a plan to become VP of Product, I'm a lead PM", 4, 5),
    ("what should I do to become a senior PM? I'm currently a PM", 2, 3),
    ("My path to CPO from principal?", 4, 5),
    ("create a career plan from associate to senior", 1, 3),
    ("roadmap for me: APM to senior PM", 1, 3),
    ("How do I move up to product manager from associate product manager", 1, 2),
    ("step by step: entry-level PM to mid-level PM", 1, 2),
    ("As a senior PM, how do I advance?", 3, 4),
]
NOT_PLANS = [
    "What does a PM do?",
    "What changes when I go from APM to PM?",
    "How do PMs plan features?",
    "What is the product roadmap?",
    "What comes after senior PM?",
    "What skills does a VP need?",
    "How is a principal PM different from a lead PM?",
    "What is the average salary of a PM?",
    "Who mentors junior PMs?",
    "Do APMs plan product launches?",
    "What does a CPO do with the board?",
]


@pytest.mark.parametrize(("text", "start", "goal"), PLAN_REQUESTS)
def test_plan_requests_are_recognised(
    guide: CareerLadder,  # noqa: F811
    text: str,
    start: int,
    goal: int,
) -> None:
    request = recognise_plan_request(text, guide)
    assert request is not None, text
    assert (request.from_role.level, request.to_role.level) == (start, goal)


@pytest.mark.parametrize("text", NOT_PLANS)
def test_other_questions_are_not_plans(guide: CareerLadder, text: str) -> None:  # noqa: F811
    assert recognise_plan_request(text, guide) is None


def test_chat_answers_a_plan_request_with_the_plan(guide_advisor: Advisor) -> None:
    answer = guide_advisor.ask(
        "Give me a step-by-step plan to get from associate PM to product manager"
    )
    assert answer.plan is not None and len(answer.plan["stages"]) == 1
    assert "## Stage 1: Associate Product Manager → Product Manager" in answer.answer
    assert {c.section[:2] for c in answer.citations} == {"2."}


def test_cli_plan_json_and_two_stages(
    guide_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("ADVISOR_INDEX_DIR", str(guide_settings.index_dir))
    monkeypatch.setenv("ADVISOR_CORPUS_DIR", str(CORPUS))
    assert main(["plan", "--from", "APM", "--to", "PM", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    stage = data["stages"][0]
    texts = " ".join(i["title"] for i in stage["responsibilities"] + stage["skills"]).lower()
    for phrase in (
        "ownership of product features",
        "leading cross-functional teams",
        "prioritization",
        "strategic thinking",
        "leadership",
        "problem-solving",
    ):
        assert phrase in texts
    out_file = tmp_path / "plan.md"
    assert main(["plan", "--from", "APM", "--to", "senior pm", "--out", str(out_file)]) == 0
    assert capsys.readouterr().out.count("## Stage ") == 2
    assert out_file.read_text(encoding="utf-8").count("## Stage ") == 2
    assert main(["plan", "--from", "PM", "--to", "APM"]) == 2
    assert "Known roles" in capsys.readouterr().err
