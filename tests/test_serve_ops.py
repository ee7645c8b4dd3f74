"""Running as a service: /healthz, a bounded queue, and a Chroma server going away and back."""

import gc
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client

from advisor import wiring
from advisor.answering import Advisor
from advisor.config import Settings
from advisor.errors import IndexUnavailableError
from advisor.indexing import update_index
from advisor.llm import ChatTurn
from advisor.records import Records
from tests.conftest import CORPUS, free_port, serve_app
from tests.test_chroma_server import ChromaProcess
from ui.app import build_app, chat_replies
from ui.health import health

pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[ChromaProcess]:
    server = ChromaProcess(tmp_path / "server")
    server.up()
    try:
        yield server
    finally:
        gc.collect()
        server.down()


def test_chroma_going_away_mid_conversation_is_a_message_and_recovers(
    chroma: ChromaProcess, tmp_path: Path
) -> None:
    settings = Settings(
        corpus_dir=CORPUS,
        index_dir=tmp_path / "unused",
        chroma_url=chroma.url,
        data_dir=tmp_path / "data",
        llm="extractive",
    )
    update_index(settings.corpus_dir, wiring.passage_store(settings), wiring.embedder())
    advisor = wiring.build_advisor(settings)
    records = Records.from_settings(settings)
    assert not advisor.ask("What does a Senior PM do?").refused
    assert health(advisor, records)[0] == 200

    chroma.down()
    with pytest.raises(IndexUnavailableError, match="cannot be reached"):
        advisor.ask("What does an APM do?")
    # The browser chat shows it as a message in the conversation, not an exception page.
    *_, (messages, _) = chat_replies(advisor, "And a PM?", [])
    assert "cannot be reached right now" in messages[-1]["content"]
    status, body = health(advisor, records)
    assert status == 503 and body["index"]["status"] == "unavailable"

    chroma.up()  # the same server back: the same advisor answers again, no restart
    answer = advisor.ask("What does an APM do?")
    assert not answer.refused and answer.citations[0].section.startswith("1.")
    assert health(advisor, records)[0] == 200
    advisor.retriever.store.close()


def test_healthz_is_open_to_probes_and_names_no_secret(
    guide_advisor: Advisor, tmp_path: Path
) -> None:
    records = Records(f"sqlite:///{tmp_path / 'advisor.db'}")
    app, url = serve_app(
        lambda: build_app(guide_advisor, records=records),
        auth=("ana", "s3cret-pass"),
        health_check=lambda: health(guide_advisor, records),
    )
    try:
        got = httpx.get(f"{url.rstrip('/')}/healthz", timeout=30)
        assert got.status_code == 200
        body = got.json()
        assert body["status"] == "ok" and body["index"]["passages"] == 37
        assert body["database"] == {"status": "ok"} and body["model"]["backend"] == "extractive"
        assert "s3cret" not in got.text and str(tmp_path) not in got.text
        # Everything else still needs the login.
        assert httpx.get(f"{url.rstrip('/')}/config", timeout=30).status_code == 401
    finally:
        app.close()
        records.close()


class SlowChatModel:
    """A fake model that takes a second before it answers: requests pile up in the queue."""

    name = "fake"

    def stream(self, turns: list[ChatTurn]) -> Iterator[str]:
        time.sleep(1.0)
        yield "Senior PMs must communicate with executives and stakeholders [2]."


def test_a_full_queue_answers_busy_instead_of_growing(guide_settings: Settings) -> None:
    advisor = wiring.build_advisor(guide_settings, chat_model=SlowChatModel())
    app, url = serve_app(
        lambda: build_app(advisor, concurrency_limit=1),
        queue={"default_concurrency_limit": 1, "max_size": 1},
    )
    try:
        client = Client(url, verbose=False)
        jobs = [
            client.submit("What does a Senior PM do?", [], None, api_name="/ask") for _ in range(5)
        ]
        outcomes: list[str] = []
        for job in jobs:
            try:
                outcomes.append("answered" if job.result(timeout=120)["citations"] else "empty")
            except Exception as exc:  # gradio_client raises the queue's refusal
                outcomes.append(str(exc))
        assert "answered" in outcomes
        refused = [o for o in outcomes if o != "answered"]
        assert refused and all("queue is full" in o.lower() for o in refused), outcomes
        client.close()
    finally:
        app.close()


def test_a_token_protected_chroma_gets_the_token_and_errors_name_no_secret(
    tmp_path: Path,
) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    from advisor.errors import ConfigError

    seen: list[str | None] = []

    class Guard(BaseHTTPRequestHandler):
        """A server that wants a token it is never given: every request is refused."""

        def do_GET(self) -> None:
            seen.append(self.headers.get("Authorization"))
            body = b'{"error": "Unauthorized"}'
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Guard)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        settings = Settings(
            index_dir=tmp_path,
            chroma_url=f"http://admin:hunter2-password@127.0.0.1:{port}",
            chroma_auth_token="tok-0123456789abcdef",
            chroma_tenant="team-a",
            llm="extractive",
        )
        with pytest.raises(ConfigError) as caught:
            wiring.passage_store(settings).collection  # noqa: B018  (opening is the test)
        assert seen and seen[0] == "Bearer tok-0123456789abcdef"
        shown = str(caught.value)
        assert "tok-0123456789abcdef" not in shown and "hunter2" not in shown
        assert "ADVISOR_CHROMA_AUTH_TOKEN" in shown
    finally:
        server.shutdown()
        gc.collect()  # chromadb's pooled sockets: closed here, where the warning is expected


def test_warm_up_builds_what_the_first_questions_would_wait_for(tmp_path: Path) -> None:
    from tests.conftest import ROOT, make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "keepers.md").write_text(
        (ROOT / "tests" / "data" / "lighthouse-keeper-ladder.md").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    settings = make_settings(tmp_path, corpus)
    update_index(settings.corpus_dir, wiring.passage_store(settings), wiring.embedder())
    advisor = wiring.build_advisor(settings)
    normaliser = advisor.scope.reader.normaliser
    assert normaliser._speller is None  # built on the first misspelling, unless warmed
    advisor.warm_up()
    assert normaliser._speller is not None
    assert not advisor.ask("wht dose a keeper do?").refused


@pytest.mark.parametrize(("host", "warned"), [("0.0.0.0", True), ("127.0.0.1", False)])
def test_serving_beyond_loopback_without_a_login_warns_and_turns_uploads_off(
    guide_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    host: str,
    warned: bool,
) -> None:
    import ui.app
    from advisor.cli import main

    launched: dict[str, Any] = {}
    monkeypatch.setattr(ui.app, "launch", lambda advisor, **kw: launched.update(kw))
    monkeypatch.setenv("ADVISOR_INDEX_DIR", str(guide_settings.index_dir))
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ADVISOR_SERVE_AUTH", raising=False)
    assert main(["serve", "--host", host, "--port", "7999"]) == 0
    err = capsys.readouterr().err
    assert ("without a login" in err) is warned
    assert (launched["uploads"] is None) is warned and launched["auth"] is None


def test_the_page_never_shows_credentials_from_the_model_url(guide_settings: Settings) -> None:
    closed = free_port()  # nothing listens there: the model is "not reachable"
    settings = guide_settings.model_copy(
        update={
            "llm": "openai-compatible",
            "openai_base_url": f"http://ana:pa55-secret-word@127.0.0.1:{closed}/v1?token=tok123456789",
            "openai_api_key": "sk-test-0123456789abcdef",
            "llm_timeout_s": 5.0,
        }
    )
    advisor = wiring.build_advisor(settings)
    *_, (messages, _) = chat_replies(advisor, "What does a Senior PM do?", [])
    shown = " ".join(str(m["content"]) for m in messages)
    assert "not reachable" in shown  # the notice is there, with the URL masked
    for secret in ("pa55-secret-word", "tok123456789", "sk-test-0123456789abcdef"):
        assert secret not in shown


def test_warm_up_builds_only_the_first_few_ladders(tmp_path: Path) -> None:
    from advisor.answering import WARM_LADDERS
    from tests.conftest import ROOT, make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (ROOT / "tests" / "data" / "lighthouse-keeper-ladder.md").read_text(encoding="utf-8")
    for n in range(WARM_LADDERS + 2):
        # Distinct ladders: each document's levels renamed, so none shares a role name.
        (corpus / f"keepers-{n}.md").write_text(
            text.replace("Keeper", f"Keeper{chr(65 + n)}"), encoding="utf-8"
        )
    settings = make_settings(tmp_path, corpus)
    update_index(settings.corpus_dir, wiring.passage_store(settings), wiring.embedder())
    advisor = wiring.build_advisor(settings, backend="extractive")
    assert len(advisor.scopes) == WARM_LADDERS + 2
    advisor.warm_up()
    assert [s.built for s in advisor.scopes].count(True) == WARM_LADDERS
