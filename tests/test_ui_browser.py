"""The page in headless Chromium: answers, sources, plans, escaped HTML, no outside requests."""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from advisor import wiring
from advisor.answering import Advisor
from advisor.indexing import update_index
from tests.conftest import ROOT, make_settings, serve_app
from tests.fakes import ScriptedChatModel
from ui.app import build_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "reports" / "screenshots"
TIMEOUT_MS = 60_000
XSS_CORPUS = """\
# The Lighthouse Keeper Ladder

## 1. Apprentice Keeper (AK)

An Apprentice Keeper (AK) learns the lamp room under a senior keeper. Duties include:

- Polishing the lens: You clean the great lens <img src=x onerror="window.__pwned=1"> every dawn.
- Logging the weather: You record wind and fog <script>window.__pwned=2</script> in the logbook.

Skills to develop:

- Patience: Long nights demand calm attention.

## 2. Keeper

A Keeper runs one lighthouse alone. Your responsibilities include:

- Lighting the lamp: You light the lamp at dusk and keep it burning.

Skills to develop:

- Signalling: Send clear light signals to ships at sea.
"""
MODEL_REPLY = (
    'An Apprentice Keeper cleans the lens <img src=x onerror="window.__pwned=3"> every dawn. '
    "<script>window.__pwned=4</script>"
)


def _require_browser() -> Any:
    """playwright's sync API; skipped locally when Chromium or playwright is missing, not in CI."""
    missing = [] if CHROMIUM.exists() else [f"{CHROMIUM} (apt-get install -y chromium)"]
    try:
        from playwright import sync_api
    except ImportError:
        sync_api = None
        missing.append("the playwright package (pip install playwright)")
    if missing:
        reason = "browser test needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI must run it")
        pytest.skip(reason)
    return sync_api


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = _require_browser()
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def guide_url(guide_advisor: Advisor) -> Iterator[str]:
    app, url = serve_app(lambda: build_app(guide_advisor))
    yield url
    app.close()


class Session:
    """One browser context (its own cookies and chat), recording every request it makes."""

    def __init__(self, browser: Any, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.context.on("websocket", lambda ws: self.requests.append(ws.url))
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.goto(url, wait_until="load")
        self.page.locator("#advisor-input textarea").wait_for()
        self.chat = self.page.locator("#advisor-chat")
        self.answers = 0

    def ask(self, question: str) -> None:
        from playwright.sync_api import expect

        box = self.page.locator("#advisor-input textarea")
        box.fill(question)
        box.press("Enter")
        self.answers += 1
        # Every verified answer ends with its backend line; provisional text never has one.
        expect(self.chat.get_by_text("Backend:")).to_have_count(self.answers, timeout=TIMEOUT_MS)

    def open_last_sources(self) -> None:
        from playwright.sync_api import expect

        title = self.chat.locator('.thought-group [role="button"]', has_text="Sources").last
        # A click landing while the message is still being re-rendered can be lost: retry.
        for _ in range(5):
            if "expanded" in (title.get_attribute("class") or "").split():
                break
            title.click()
            self.page.wait_for_timeout(300)
        expect(title).to_have_class(re.compile(r"\bexpanded\b"))

    def outside_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlsplit(u).scheme in ("http", "https", "ws", "wss")
            and urlsplit(u).hostname != "127.0.0.1"
        ]

    def screenshot(self, name: str, *, full_page: bool = True) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)

    def close(self) -> None:
        self.context.close()


def test_chat_answers_with_sources_and_renders_a_plan(browser: Any, guide_url: str) -> None:
    from playwright.sync_api import expect

    session = Session(browser, guide_url)
    session.ask("What does a Senior PM do?")
    session.open_last_sources()
    expect(session.chat).to_contain_text("Driving the product roadmap")
    expect(session.chat).to_contain_text(
        "[1] 3. Senior Product Manager (Senior Product Manager)", use_inner_text=True
    )
    expect(session.chat).to_contain_text("Backend: extractive")
    session.screenshot("chat-answer.png")

    session.ask("Plan my move from APM to PM")
    expect(session.chat).to_contain_text("Your plan: Associate Product Manager → Product Manager")
    expect(session.chat).to_contain_text("Stage 1: Associate Product Manager → Product Manager")
    expect(session.chat).to_contain_text("How to know you are ready")
    ladder = session.page.locator(".ladder-panel svg").first
    expect(ladder.locator('[data-level="1"]')).to_have_attribute("data-state", "current")
    expect(ladder.locator('[data-level="2"]')).to_have_attribute("data-state", "target")
    # The chat scrolls to the end of the plan; show its beginning next to the ladder instead
    # (a full-page shot resizes the page, and the chat scrolls back down).
    session.chat.get_by_text("Your plan:").evaluate("e => e.scrollIntoView({block: 'center'})")
    session.screenshot("chat-plan.png", full_page=False)

    # Another browser session starts empty: conversations live in each page, not the server.
    other = Session(browser, guide_url)
    expect(other.chat).to_contain_text("Ask about any level of the ladder")
    expect(other.chat.get_by_text("Backend:")).to_have_count(0)
    other.close()

    assert session.outside_requests() == []
    assert any(urlsplit(u).path.startswith("/gradio_api/") for u in session.requests)
    session.close()


def test_plan_panel_builds_a_plan_and_downloads_it(browser: Any, guide_url: str) -> None:
    from playwright.sync_api import expect

    session = Session(browser, guide_url)
    page = session.page
    page.get_by_role("tab", name="Plan a move").click()
    page.get_by_label("The role you want").click()
    page.get_by_role("option", name="Senior Product Manager").click()
    page.get_by_role("button", name="Build my plan").click()
    view = page.locator("#plan-view")
    expect(view).to_contain_text("Stage 2: Product Manager → Senior Product Manager")
    expect(view).to_contain_text("[1] 2. Mid-Level Product Manager (Product Manager)")
    ladder = page.locator(".ladder-panel svg").last
    expect(ladder.locator('[data-level="2"]')).to_have_attribute("data-state", "on-path")
    expect(ladder.locator('[data-level="3"]')).to_have_attribute("data-state", "target")
    session.screenshot("plan-panel.png")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download plan (Markdown)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# Career plan: Associate Product Manager → Senior Product Manager\n")
    assert "## Sources" in text
    assert session.outside_requests() == []
    session.close()


def test_html_from_passages_and_the_model_is_shown_as_text_and_never_runs(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from playwright.sync_api import expect

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "corpus").mkdir()
    (folder / "corpus" / "keepers.md").write_text(XSS_CORPUS, encoding="utf-8")
    settings = make_settings(folder, folder / "corpus")
    update_index(settings.corpus_dir, wiring.passage_store(settings), wiring.embedder())
    model = ScriptedChatModel(MODEL_REPLY, MODEL_REPLY)
    app, url = serve_app(lambda: build_app(wiring.build_advisor(settings, chat_model=model)))
    try:
        session = Session(browser, url)
        # An image typed in the question is shown as text, never fetched.
        session.ask("What does an Apprentice Keeper do? ![x](http://example.invalid/x.png)")
        session.open_last_sources()
        expect(session.chat).to_contain_text("![x](http://example.invalid/x.png)")
        # Tags in the corpus are removed when it is parsed: the passage reads as prose.
        expect(session.chat).to_contain_text("You clean the great lens every dawn.")
        expect(session.chat).to_contain_text("You record wind and fog in the logbook.")
        expect(session.chat).to_contain_text("Backend: fake")
        assert model.prompts, "the scripted model was never asked, so its reply was not shown"
        assert session.page.evaluate("typeof window.__pwned") == "undefined"
        assert session.chat.locator('img[src="x"], img[src*="example"], script').count() == 0
        session.screenshot("escaped-html.png")
        assert session.outside_requests() == []
        session.close()
    finally:
        app.close()
