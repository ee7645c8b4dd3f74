"""The "Where am I?" tab and answer feedback in headless Chromium, on a real SQLite file."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from advisor.answering import Advisor
from advisor.cli import main
from advisor.config import Settings
from advisor.evaluation.dataset import EvalCase
from advisor.records import Records
from tests.conftest import serve_app
from tests.test_ui_browser import Session, browser  # noqa: F401  (fixture)
from ui.app import build_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def served(guide_advisor: Advisor, data_dir: Path) -> Iterator[str]:
    records = Records.from_settings(Settings(data_dir=data_dir))
    app, url = serve_app(
        lambda: build_app(guide_advisor, records=records, secret="a-fixed-test-secret")
    )
    yield url
    app.close()
    records.close()


def _open_tab(session: Session) -> Any:
    session.page.get_by_role("tab", name="Where am I?").click()
    items = session.page.locator(".checkin-item")
    items.first.wait_for()
    return items


def _rate(items: Any, n: int, label: str) -> None:
    items.nth(n).locator(".checkin-rating").get_by_label(label, exact=True).check()


def test_rate_save_reload_second_check_in_progress_and_download(
    browser: Any,  # noqa: F811
    served: str,
) -> None:
    from playwright.sync_api import expect

    session = Session(browser, served)
    page = session.page
    items = _open_tab(session)
    expect(items).to_have_count(12)  # six items of each of the two levels
    _rate(items, 0, "demonstrated")
    _rate(items, 1, "working on it")
    items.nth(0).locator(".checkin-note textarea").fill("led the Q3 pricing launch")
    page.locator("#checkin-save").click()
    status, result = page.locator("#checkin-status"), page.locator("#checkin-result")
    expect(status).to_contain_text("Saved")
    expect(result).to_contain_text("Demonstrated: 1 of 12 items")
    expect(result).to_contain_text("led the Q3 pricing launch")
    expect(result).to_contain_text("First: what Associate Product Manager still asks of you")

    # A reload shows the saved check-in: this browser's profile is kept in its storage.
    page.reload()
    items = _open_tab(session)
    expect(status).to_contain_text("Your last check-in")
    first = items.nth(0)
    expect(
        first.locator(".checkin-rating").get_by_label("demonstrated", exact=True)
    ).to_be_checked()
    expect(first.locator(".checkin-note textarea")).to_have_value("led the Q3 pricing launch")
    expect(result).to_contain_text("Demonstrated: 1 of 12 items")

    # A second check-in: what moved, and a progress chart with a bar per check-in and level.
    _rate(items, 1, "demonstrated")
    _rate(items, 7, "demonstrated")
    page.locator("#checkin-save").click()
    expect(status).to_contain_text("2 check-in(s) on this ladder")
    expect(result).to_contain_text("What moved since")
    expect(result).to_contain_text("Demonstrated: 3 of 12 items")
    chart = page.locator("#checkin-progress svg")
    expect(chart.locator("rect title")).to_have_count(4)
    expect(chart).to_contain_text("2/6")
    expect(chart).to_contain_text("1/6")
    session.screenshot("checkin.png")

    with page.expect_download() as download:
        page.locator("#checkin-download").click()
    document = Path(download.value.path()).read_text(encoding="utf-8")
    assert document.startswith("# Check-in: Associate Product Manager → Product Manager")
    assert "## What moved since" in document and "### Sources" in document
    assert "| Assisting with product development | demonstrated | led the Q3 pricing launch |" in (
        document
    )

    # Another browser has a profile of its own, with no check-in yet.
    other = Session(browser, served)
    _open_tab(other)
    expect(other.page.locator("#checkin-status")).to_contain_text("No check-in saved yet")
    other.close()
    assert session.outside_requests() == []
    session.close()


def test_thumbs_down_with_a_reason_becomes_an_eval_case(
    browser: Any,  # noqa: F811
    served: str,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from playwright.sync_api import expect

    session = Session(browser, served)
    session.ask("What does a Senior PM do?")
    session.chat.locator('button[aria-label="Dislike"]').first.click()
    said = session.page.locator("#feedback-status")
    expect(said).to_contain_text("not helpful")
    session.page.locator("#feedback-reason textarea").fill("wanted the short version")
    session.page.locator("#feedback-send").click()
    expect(said).to_contain_text("Reason saved")
    session.close()

    monkeypatch.setenv("ADVISOR_DATA_DIR", str(data_dir))
    capsys.readouterr()
    assert main(["feedback", "export"]) == 0
    cases = [EvalCase.model_validate_json(line) for line in capsys.readouterr().out.splitlines()]
    (case,) = [c for c in cases if c.question == "What does a Senior PM do?"]
    raw = case.model_dump()
    assert case.category == "feedback" and case.facts == [] and case.sections == []
    exported = Records.from_settings(Settings(data_dir=data_dir)).feedback(helpful=False)
    (stored,) = [f for f in exported if f.question == case.question]
    assert stored.reason == "wanted the short version" and stored.backend == "extractive"
    assert "Driving the product roadmap" in stored.answer and "\\[" not in stored.answer
    assert stored.citations and stored.citations[0]["section"].startswith("3. Senior Product")
    assert raw["id"] == f"feedback-{stored.id}"
