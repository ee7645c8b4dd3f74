"""Chat messages built from answers: escaped text, sources block, notices, plans, history."""

from advisor.answering import Advisor
from advisor.models import Answer, Citation
from ui import render

PAYLOAD = '<img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script>'


def _answer(**fields: object) -> Answer:
    base: dict[str, object] = {
        "question": "q",
        "answer": "- Senior PMs drive the roadmap. [1]\n**Skills**\n- Vision. [2]",
        "refused": False,
        "backend": "extractive",
        "latency_s": 0.25,
        "citations": [
            Citation(
                id=1, section="3. Senior Product Manager", text="Driving the roadmap.", score=1
            ),
            Citation(id=2, section="3. Senior Product Manager", text="Vision.", score=1),
        ],
    }
    return Answer.model_validate({**base, **fields})


def test_safe_escapes_html_and_disarms_links_and_images_but_keeps_markdown() -> None:
    text = render.safe(f"**Bold** {PAYLOAD} [1] ![t](http://x.example/a.png) [a](http://x.example)")
    assert "<" not in text and "&lt;img src=x" in text and "&lt;script&gt;" in text
    assert "**Bold**" in text and "[1]" in text
    assert "![" not in text and "](" not in text


def test_answer_then_sources_block_with_section_and_passage() -> None:
    body, sources = render.answer_messages(_answer())
    assert body["role"] == sources["role"] == "assistant"
    assert "Senior PMs drive the roadmap. [1]" in body["content"]
    assert "*Backend: extractive · quoted from the guide · 0.25 s*" in body["content"]
    assert sources["metadata"] == {"title": "Sources", "status": "done"}
    assert "**[1] 3. Senior Product Manager**  \nDriving the roadmap." in sources["content"]


def test_a_heading_line_after_a_list_starts_a_new_block() -> None:
    body = render.answer_markdown(_answer())
    assert "roadmap. [1]\n\n**Skills**\n- Vision. [2]" in body


def test_model_and_passage_html_is_escaped_everywhere() -> None:
    answer = _answer(
        answer=f"- {PAYLOAD} [1]",
        notice=PAYLOAD,
        grounding="extractive-fallback",
        citations=[Citation(id=1, section=PAYLOAD, text=PAYLOAD, score=1)],
    )
    for message in render.answer_messages(answer):
        assert "<img" not in message["content"] and "<script" not in message["content"]
    assert "<" not in render.streaming_message(PAYLOAD)["content"]
    assert "<script" not in render.error_messages(PAYLOAD, PAYLOAD)[0]["content"]


def test_refusal_is_flagged_and_has_no_sources() -> None:
    messages = render.answer_messages(
        _answer(
            answer="The career guide does not cover that.",
            refused=True,
            citations=[],
            grounding="refused",
        )
    )
    assert len(messages) == 1
    assert messages[0]["content"].startswith("> **Not covered by the career guide.**")
    assert "not covered by the guide" in messages[0]["content"]


def test_fallback_notice_and_model_backend_are_visible() -> None:
    body = render.answer_markdown(
        _answer(grounding="extractive-fallback", backend="local", notice="the model timed out")
    )
    assert body.startswith("> **Note:** the model timed out")
    assert "Backend: local" in body


def test_plan_answer_renders_stages_items_and_citations(guide_advisor: Advisor) -> None:
    answer = guide_advisor.ask("Plan my move from APM to Senior PM")
    body, sources = render.answer_messages(answer)
    content = body["content"]
    assert "**Your plan: Associate Product Manager → Senior Product Manager.**" in content
    assert "### Stage 1: Associate Product Manager → Product Manager" in content
    assert "### Stage 2: Product Manager → Senior Product Manager" in content
    for title in ("What changes in the role", "Skills to build", "Actions", "How to know"):
        assert title in content
    assert "- **Ownership of product features**:" in content
    assert "2. Mid-Level Product Manager" in sources["content"]


def test_plan_panel_markdown_has_heading_and_sources(guide_advisor: Advisor) -> None:
    plan = guide_advisor.plan("APM", "PM")
    text = render.plan_markdown(plan) + render.plan_sources_markdown(plan)
    assert text.startswith("## Associate Product Manager → Product Manager\n\n1 step up")
    assert "#### Sources" in text and "[1] 2. Mid-Level Product Manager" in text


def test_history_drops_sources_blocks_and_reads_content_parts() -> None:
    history = [
        {"role": "user", "content": [{"type": "text", "text": "What does a Senior PM do?"}]},
        {"role": "assistant", "content": "They drive the roadmap. [1]", "metadata": None},
        {"role": "assistant", "content": "**[1] 3. Senior PM**", "metadata": {"title": "Sources"}},
    ]
    messages = render.history_messages(history)
    assert [(m.role, m.content) for m in messages] == [
        ("user", "What does a Senior PM do?"),
        ("assistant", "They drive the roadmap. [1]"),
    ]
