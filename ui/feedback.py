"""Thumbs up or down on a chat answer, with an optional reason, stored with the question, the
answer, its citations and the backend, so `advisor feedback export` can turn failures into
eval cases."""

import html
import re
from typing import Any

import gradio as gr

from advisor.conversation import message_text
from advisor.records import Records
from ui import render

_SOURCE = re.compile(r"\*\*\[(\d+)\] (.+?)\*\*")
_FOOTER = re.compile(r"\n*\*Backend: [^\n]*\*\s*$")
_ESCAPED = re.compile(r"\\([\[\]()!])")


def _plain(markdown: str) -> str:
    """The answer as the advisor wrote it: without the page's footer and Markdown escapes."""
    return html.unescape(_ESCAPED.sub(r"\1", _FOOTER.sub("", markdown))).strip()


def _is_sources(message: Any) -> bool:
    return isinstance(message, dict) and bool(message.get("metadata"))


def exchange(history: list[Any], index: int) -> tuple[str, list[dict[str, str]], str, list[Any]]:
    """For the assistant message at `index`: the question it answers, the conversation before
    that question, the answer's text and its citations (number and section)."""
    asked = max(
        (n for n in range(min(index, len(history))) if _role(history[n]) == "user"), default=-1
    )
    if asked < 0:
        return "", [], "", []
    earlier = [
        {"role": _role(m), "content": message_text(m)}
        for m in history[:asked]
        if not _is_sources(m) and message_text(m)
    ]
    replies = []
    for message in history[asked + 1 :]:
        if _role(message) == "user":
            break
        replies.append(message)
    answer = "\n\n".join(_plain(message_text(m)) for m in replies if not _is_sources(m))
    citations = [
        {"id": int(n), "section": html.unescape(section)}
        for m in replies
        if _is_sources(m)
        for n, section in _SOURCE.findall(message_text(m))
    ]
    return message_text(history[asked]), earlier, answer.strip(), citations


def _role(message: Any) -> str:
    return str(message.get("role", "")) if isinstance(message, dict) else ""


class FeedbackPanel:
    """Stores each thumbs up/down; after a thumbs-down, offers a box for the reason."""

    def __init__(self, records: Records, backend: str) -> None:
        self.records = records
        self.backend = backend

    def build(self) -> tuple[gr.Group, gr.Textbox, gr.Button, gr.Markdown, gr.State]:
        with gr.Group(visible=False) as box:
            reason = gr.Textbox(
                label="What was wrong with this answer? (optional)",
                max_lines=3,
                max_length=500,
                elem_id="feedback-reason",
            )
            send = gr.Button("Send", size="sm", elem_id="feedback-send")
        status = gr.Markdown("", elem_id="feedback-status")
        return box, reason, send, status, gr.State(None)

    def rate(self, owner: str, history: list[Any], data: gr.LikeData) -> tuple[Any, ...]:
        index = data.index if isinstance(data.index, int) else data.index[0]
        question, earlier, answer, citations = exchange(history, index)
        if not question or data.liked not in (True, False):
            return gr.Group(visible=False), None, ""
        saved = self.records.save_feedback(
            owner, question, earlier, answer, citations, self.backend, helpful=bool(data.liked)
        )
        if data.liked:
            return gr.Group(visible=False), saved, "*Thanks: marked as helpful.*"
        return (
            gr.Group(visible=True),
            saved,
            "*Thanks: marked as not helpful. Tell us what was wrong, if you like.*",
        )

    def explain(self, owner: str, feedback_id: int | None, reason: str) -> tuple[Any, ...]:
        if feedback_id is None or not reason.strip():
            return gr.Group(visible=False), "", "*Nothing to add: feedback kept as it was.*"
        self.records.set_reason(feedback_id, owner, " ".join(reason.split())[:500])
        return gr.Group(visible=False), "", f"*Reason saved: “{render.safe(reason.strip())}”*"
