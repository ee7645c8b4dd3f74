"""The app's API through gradio_client: answers with citations, plans, and errors as messages."""

from collections.abc import Iterator

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from advisor import wiring
from advisor.answering import Advisor
from advisor.config import Settings
from tests.conftest import serve_app
from tests.fakes import ScriptedChatModel
from ui.app import build_app, chat_replies


@pytest.fixture(scope="module")
def client(guide_advisor: Advisor) -> Iterator[Client]:
    app, url = serve_app(lambda: build_app(guide_advisor))
    try:
        yield Client(url, verbose=False)
    finally:
        app.close()


def test_ask_answers_with_citations(client: Client) -> None:
    result = client.predict("What does a Senior PM do?", None, api_name="/ask")
    assert result["refused"] is False
    assert result["backend"] == "extractive"
    assert "[1]" in result["answer"]
    sections = {c["section"] for c in result["citations"]}
    assert "3. Senior Product Manager (Senior Product Manager)" in sections
    assert all(c["text"] for c in result["citations"])


def test_ask_follow_up_uses_the_history_passed_in(client: Client) -> None:
    history = [
        {"role": "user", "content": "What does a Senior PM do?"},
        {"role": "assistant", "content": "They drive the roadmap. [1]"},
    ]
    result = client.predict("What skills does it need?", history, api_name="/ask")
    assert result["standalone_question"] is not None
    assert "Senior Product Manager" in result["standalone_question"]


def test_ask_refuses_what_the_guide_does_not_cover(client: Client) -> None:
    result = client.predict("What is the average salary of a PM?", None, api_name="/ask")
    assert result["refused"] is True and result["citations"] == []


def test_plan_endpoint_returns_stages_and_markdown(client: Client) -> None:
    result = client.predict("APM", "Senior PM", api_name="/plan")
    assert [s["to_role"] for s in result["stages"]] == ["Product Manager", "Senior Product Manager"]
    assert result["markdown"].startswith("# Career plan: Associate Product Manager →")


def test_errors_come_back_as_messages_not_tracebacks(client: Client) -> None:
    with pytest.raises(AppError, match="below") as raised:
        client.predict("Senior PM", "APM", api_name="/plan")
    assert "Traceback" not in str(raised.value)
    with pytest.raises(AppError, match="'Astronaut' is not a role in the career guide"):
        client.predict("Astronaut", "PM", api_name="/plan")
    with pytest.raises(AppError, match="empty"):
        client.predict("   ", None, api_name="/ask")


def test_chat_streams_provisional_text_then_the_verified_answer_replaces_it(
    guide_settings: Settings,
) -> None:
    reply = "A Senior Product Manager takes on larger, more complex products. <b>bold</b>"
    advisor = wiring.build_advisor(guide_settings, chat_model=ScriptedChatModel(reply))
    updates = list(chat_replies(advisor, "What does a Senior PM do?", []))
    provisional = [messages for messages, _ in updates[:-1]]
    assert all(len(m) == 1 and "Checking against the guide" in m[0]["content"] for m in provisional)
    assert "A Senior Product Manager takes on" in provisional[-1][0]["content"]
    assert "&lt;b&gt;bold&lt;/b&gt;" in provisional[-1][0]["content"]
    final, plan = updates[-1]
    assert plan is None
    assert "Checking against the guide" not in final[0]["content"]
    assert "Backend: fake" in final[0]["content"]
    assert final[1]["metadata"] == {"title": "Sources", "status": "done"}
    assert "3. Senior Product Manager" in final[1]["content"]


def test_chat_plan_request_returns_the_plan_for_the_ladder_picture(
    guide_advisor: Advisor,
) -> None:
    messages, plan = list(chat_replies(guide_advisor, "Plan my move from APM to PM", []))[-1]
    assert plan is not None and (plan.from_role, plan.to_role) == (
        "Associate Product Manager",
        "Product Manager",
    )
    assert "### Stage 1: Associate Product Manager → Product Manager" in messages[0]["content"]


def test_chat_follow_up_reads_the_sessions_history(guide_advisor: Advisor) -> None:
    first = list(chat_replies(guide_advisor, "What does a Senior PM do?", []))[-1][0]
    history = [{"role": "user", "content": "What does a Senior PM do?"}, *first]
    follow_up = list(chat_replies(guide_advisor, "What skills does it need?", history))[-1][0]
    assert "Vision and foresight" in follow_up[0]["content"]


def test_chat_shows_a_bad_question_as_a_message(guide_advisor: Advisor) -> None:
    _, (last, _) = list(chat_replies(guide_advisor, "x" * 5000, []))
    assert "Can't answer that" in last[0]["content"] and "limit" in last[0]["content"]
