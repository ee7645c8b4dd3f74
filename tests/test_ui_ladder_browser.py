"""Adding a ladder in the browser: upload, preview, ask, plan, remove; bad files change nothing."""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from advisor import wiring
from advisor.config import Settings
from advisor.uploads import uploaded
from tests.conftest import CORPUS, ROOT, make_settings, serve_app
from tests.test_ui_browser import Session, browser  # noqa: F401  (fixture)
from ui.app import build_app

pytestmark = pytest.mark.browser
LONG = 60_000
BEEKEEPING = ROOT / "tests" / "data" / "ladders_unseen" / "urban-beekeeping.md"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("uploads")
    corpus = tmp / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "pm-career-path.txt", corpus)
    shutil.copy(CORPUS / "aliases.toml", corpus)
    settings = make_settings(tmp, corpus)
    wiring.reindex(settings)
    return settings


@pytest.fixture(scope="module")
def served(settings: Settings) -> Iterator[str]:
    advisor = wiring.build_advisor(settings)
    app, url = serve_app(lambda: build_app(advisor, uploads=settings))
    yield url
    app.close()


def _upload(session: Session, path: Path) -> None:
    session.page.get_by_role("tab", name="Your ladder").click()
    session.page.locator("#upload-file input[type=file]").set_input_files(str(path))


def test_upload_preview_ask_plan_remove(
    browser: Any,  # noqa: F811
    served: str,
    settings: Settings,
) -> None:
    from playwright.sync_api import expect

    session = Session(browser, served)
    page = session.page
    _upload(session, BEEKEEPING)
    preview = page.locator("#upload-preview")
    expect(preview).to_contain_text("Urban Beekeeping Career Ladder")
    expect(preview).to_contain_text("Apprentice Beekeeper")
    expect(preview).to_contain_text("Master Apiarist")
    assert uploaded(settings) == []  # previewed, not added yet
    page.locator("#upload-add").click()
    # Indexing the new ladder and reloading the answering scopes takes a few seconds.
    expect(page.locator("#upload-status")).to_contain_text("Added Urban Beekeeping", timeout=LONG)
    assert uploaded(settings) == ["urban-beekeeping.md"]
    session.screenshot("upload.png")

    page.get_by_role("tab", name="Ask the guide").click()
    session.ask("What does an Apprentice Beekeeper do?")
    session.open_last_sources()
    expect(session.chat).to_contain_text("Equipment care")
    expect(session.chat).to_contain_text("Level 1: Apprentice Beekeeper")
    session.ask("Plan my move from apprentice beekeeper to journeyman beekeeper")
    expect(session.chat).to_contain_text("Apprentice Beekeeper → Journeyman Beekeeper")
    # The guide's own ladder is still answered from the guide.
    session.ask("What does a Senior PM do?")
    expect(session.chat).to_contain_text("Driving the product roadmap")

    page.get_by_role("tab", name="Your ladder").click()
    page.locator("#upload-remove").click()
    expect(page.locator("#upload-status")).to_contain_text("Removed urban", timeout=LONG)
    assert uploaded(settings) == []
    page.get_by_role("tab", name="Ask the guide").click()
    session.ask("What does an Apprentice Beekeeper do?")
    # Removed: the same question is now declined, from the index and the ladders alike.
    expect(session.chat.get_by_text("Not covered by the career guide")).to_have_count(1)
    assert session.outside_requests() == []
    session.close()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("binary.pdf", b"\x00\x01\x02 not a pdf", "not a valid .pdf file"),
        ("empty.md", b"", "empty"),
        ("notes.md", b"# Garden notes\n\nWater the tomatoes at dawn.\n", "No levels found"),
        ("huge.md", b"# Big\n\n" + b"word " * 1_100_000, "over the"),
        ("ladder.exe", b"MZ", "Invalid file type: ladder.exe. Only .md, .txt, .csv, .docx, .pdf"),
    ],
)
def test_broken_files_show_a_clear_message_and_change_nothing(
    browser: Any,  # noqa: F811
    served: str,
    settings: Settings,
    tmp_path: Path,
    name: str,
    content: bytes,
    message: str,
) -> None:
    from playwright.sync_api import expect

    before = sorted(s.passage.id for s in wiring.passage_store(settings).stored())
    path = tmp_path / name
    path.write_bytes(content)
    session = Session(browser, served)
    _upload(session, path)
    # A type the upload box does not accept is refused by the page itself, in a toast.
    shown = "#upload-status" if not name.endswith(".exe") else ".toast-body"
    expect(session.page.locator(shown)).to_contain_text(message)
    expect(session.page.locator("#upload-add")).to_be_hidden()
    assert uploaded(settings) == []
    assert sorted(s.passage.id for s in wiring.passage_store(settings).stored()) == before
    session.close()
