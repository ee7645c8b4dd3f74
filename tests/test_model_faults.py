"""Model faults against a real OpenAI-compatible server on loopback (tests/openai_stub.py, the
`stub_server` fixture), and credentials never shown."""

import gc
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from advisor import wiring
from advisor.answering import Advisor, Final, Token
from advisor.config import Settings
from advisor.errors import ConfigError
from advisor.llm import build_chat_model, reply_limit
from advisor.redact import redact_url, scrub_text, settings_secrets
from tests.conftest import free_port
from tests.openai_stub import FAITHFUL, ModelStub

DEADLINE_S = 2.0
SLACK_S = 5.0  # what the deadline may be overrun by: retrieval, the checks, a loaded CPU
QUESTION = "What does a Senior PM do?"


Compatible = Callable[..., Advisor]


@pytest.fixture
def compatible(guide_settings: Settings) -> Iterator[Compatible]:
    """Advisors on the openai-compatible backend at a URL; their connection pools are closed
    at the end (an idle keep-alive socket left to the collector is a ResourceWarning)."""
    built: list[Advisor] = []

    def build(url: str, deadline: float = DEADLINE_S) -> Advisor:
        settings = guide_settings.model_copy(
            update={"llm": "openai-compatible", "openai_base_url": url, "llm_timeout_s": deadline}
        )
        built.append(wiring.build_advisor(settings))
        return built[-1]

    yield build
    for advisor in built:
        getattr(advisor.chat_model, "close", lambda: None)()


def _reply_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "model-reply"]


def _settled(check: Callable[[], bool], within: float) -> bool:
    """Poll `check` until it holds or `within` seconds pass (threads end asynchronously)."""
    end = time.monotonic() + within
    while not check():
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


# --- one fault at a time: answered from the guide, with a notice, within the deadline ----------


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("keep-alive", "timed out"),
        ("trickle", "timed out"),
        ("hang", "timed out"),
        ("stall", "timed out"),
        ("huge", "longer than"),
        ("flood", "longer than"),
        ("ended", "cut off"),
        ("no-finish", "cut off"),
        ("dropped", "cut off"),
        ("500", "HTTP 500"),
        ("malformed", "malformed"),
    ],
)
def test_a_model_fault_is_answered_from_the_guide_within_the_deadline(
    compatible: Compatible, stub_server: tuple[str, ModelStub], mode: str, words: str
) -> None:
    url, stub = stub_server
    stub.mode = mode
    advisor = compatible(url)
    started = time.monotonic()
    answer = advisor.ask(QUESTION)
    elapsed = time.monotonic() - started
    assert elapsed < DEADLINE_S + SLACK_S, f"{mode}: answered after {elapsed:.1f} s"
    assert answer.grounding == "extractive-fallback" and answer.citations
    assert answer.notice and words in answer.notice, answer.notice
    assert answer.notice.startswith("Answered from the guide's text because")


def test_a_complete_reply_is_used(
    compatible: Compatible, stub_server: tuple[str, ModelStub]
) -> None:
    url, _ = stub_server
    answer = compatible(url).ask(QUESTION)
    assert answer.grounding.startswith("generated") and answer.notice is None
    assert answer.raw_generated == FAITHFUL


def test_a_cut_reply_is_never_shown_as_complete(
    compatible: Compatible, stub_server: tuple[str, ModelStub]
) -> None:
    """The streamed tokens were provisional: the final answer is the guide's, not the model's."""
    url, stub = stub_server
    stub.mode = "no-finish"
    events = list(compatible(url).stream(QUESTION))
    assert any(isinstance(e, Token) for e in events)
    final = events[-1]
    assert isinstance(final, Final)
    assert final.answer.grounding == "extractive-fallback"
    assert FAITHFUL not in final.answer.answer


def test_reply_limit_follows_max_tokens(guide_settings: Settings) -> None:
    assert reply_limit(guide_settings) >= 2000
    bigger = guide_settings.model_copy(update={"llm_max_tokens": 1000})
    assert reply_limit(bigger) > reply_limit(guide_settings)


# --- many faults in a row: the process stays healthy ------------------------------------------


FAULTS_IN_A_ROW = ["repeat", "keep-alive", "dropped", "hang", "no-finish", "huge"] * 5


def test_the_process_stays_healthy_across_many_faults(
    compatible: Compatible, stub_server: tuple[str, ModelStub]
) -> None:
    """Thirty faulty answers through one advisor (one connection pool), then a normal one: it
    completes, and no reader thread or connection is left behind."""
    url, stub = stub_server
    deadline = 1.0
    advisor = compatible(url, deadline)
    threads_before = threading.active_count()
    for mode in FAULTS_IN_A_ROW:
        stub.mode = mode
        started = time.monotonic()
        answer = advisor.ask(QUESTION)
        assert time.monotonic() - started < deadline + SLACK_S, mode
        assert answer.grounding == "extractive-fallback" and answer.notice, mode
        assert len(_reply_threads()) <= 3, f"reader threads pile up after {mode}"
    stub.mode = "ok"
    started = time.monotonic()
    answer = advisor.ask(QUESTION)
    assert time.monotonic() - started < deadline + SLACK_S
    assert answer.grounding.startswith("generated"), answer.notice
    assert _settled(lambda: not _reply_threads(), within=deadline + 3)
    assert _settled(lambda: threading.active_count() <= threads_before + 4, within=10)


@pytest.mark.parametrize("mode", ["repeat", "keep-alive"])
def test_an_abandoned_reply_is_closed_without_the_garbage_collector(
    compatible: Compatible, stub_server: tuple[str, ModelStub], mode: str
) -> None:
    """Stopped by the repetition cut-off or the deadline, the reply's connection is closed by
    the code that stopped it: with the collector off, the server still sees the hang-up."""
    url, stub = stub_server
    stub.mode = mode
    advisor = compatible(url, deadline=1.0)
    gc.disable()
    try:
        assert advisor.ask(QUESTION).grounding == "extractive-fallback"
        assert _settled(lambda: stub.open_streams == 0, within=2)
    finally:
        gc.enable()


def test_a_consumer_that_leaves_mid_stream_ends_the_reply(
    compatible: Compatible, stub_server: tuple[str, ModelStub]
) -> None:
    """Closing the answer's stream (a browser tab closed) closes the model's reply at once."""
    url, stub = stub_server
    stub.mode = "trickle"
    advisor = compatible(url, deadline=30)
    events = advisor.stream(QUESTION)
    assert isinstance(next(events), Token)
    events.close()
    assert _settled(lambda: not _reply_threads() and stub.open_streams == 0, within=2)
    stub.mode = "ok"
    assert advisor.ask(QUESTION).grounding.startswith("generated")


# --- credentials in the base URL and the key are never shown ---------------------------------


def test_credentials_never_reach_the_cli_output(guide_settings: Settings) -> None:
    url = f"http://user:secret@127.0.0.1:{free_port()}/v1?token=querytoken123"
    env = {
        **os.environ,
        "ADVISOR_LLM": "openai-compatible",
        "OPENAI_BASE_URL": url,
        "OPENAI_API_KEY": "sk-test-SECRET",
        "ADVISOR_LLM_TIMEOUT_S": str(DEADLINE_S),
        "ADVISOR_CORPUS_DIR": str(guide_settings.corpus_dir),
        "ADVISOR_INDEX_DIR": str(guide_settings.index_dir),
    }
    done = subprocess.run(
        [sys.executable, "-m", "advisor", "ask", "--json", "What does a PM do?"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    shown = done.stdout + done.stderr
    assert done.returncode == 0, shown
    notice = json.loads(done.stdout)["notice"]
    assert "not reachable" in notice and "127.0.0.1" in notice
    for secret in ("secret", "SECRET", "querytoken123", "user:"):
        assert secret not in shown


def test_credentials_never_reach_configuration_errors(
    guide_settings: Settings, compatible: Compatible, stub_server: tuple[str, ModelStub]
) -> None:
    url, stub = stub_server
    malformed = guide_settings.model_copy(
        update={"llm": "openai-compatible", "openai_base_url": "user:secret@localhost:11434"}
    )
    with pytest.raises(ConfigError) as err:
        build_chat_model(malformed, "openai-compatible")
    assert "secret" not in str(err.value)
    stub.mode = "500"
    with_password = url.replace("http://", "http://user:secret@")
    answer = compatible(with_password).ask(QUESTION)
    assert answer.notice and "secret" not in answer.notice


def test_credentials_never_reach_the_logs(
    compatible: Compatible, stub_server: tuple[str, ModelStub], caplog: pytest.LogCaptureFixture
) -> None:
    url, _ = stub_server
    caplog.set_level(logging.DEBUG)
    answer = compatible(url.replace("http://", "http://user:secret@")).ask(QUESTION)
    assert answer.grounding.startswith("generated")
    assert "HTTP Request: POST" in caplog.text  # httpx did log the request
    assert "secret" not in caplog.text


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:secret@host:8000/v1", "http://***@host:8000/v1"),
        ("https://host/v1?api_key=abc&x=1#frag", "https://host/v1?api_key=***&x=***"),
        ("user:secret@localhost:11434", "***@localhost:11434"),
        ("http://u:secret@[bad/v1?t=secret", "http://***@[bad/v1?***"),
        ("http://127.0.0.1:11434/v1", "http://127.0.0.1:11434/v1"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_scrub_text_masks_keys_headers_and_url_credentials() -> None:
    text = (
        "request to http://bob:hunter22@h/v1?token=abcdefgh failed; "
        "Authorization: Bearer sk-proj-abcdef123456; api_key='k-live-12345'; key mykey9"
    )
    scrubbed = scrub_text(text, ["mykey9"])
    for secret in ("hunter22", "abcdefgh", "sk-proj-abcdef123456", "k-live-12345", "mykey9"):
        assert secret not in scrubbed
    assert "http://***@h/v1" in scrubbed and "Bearer ***" in scrubbed


def test_settings_secrets_lists_keys_and_url_passwords(guide_settings: Settings) -> None:
    settings = guide_settings.model_copy(
        update={
            "openai_api_key": "sk-test-SECRET",
            "openai_base_url": "http://user:pw-secret@h/v1?token=querytoken123",
        }
    )
    secrets = settings_secrets(settings)
    assert {"sk-test-SECRET", "pw-secret", "querytoken123"} <= set(secrets)
    assert "user" not in secrets  # a user name is no secret, and masking it garbles text
