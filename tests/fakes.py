"""Test doubles, named as such: a scripted chat model that records the prompts it was sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from advisor.llm import BackendFailure, ChatTurn
from advisor.models import Answer, Citation

if TYPE_CHECKING:
    from advisor.evaluation.answerers import PipelineAnswerer
    from advisor.evaluation.dataset import EvalCase


class ScriptedChatModel:
    """Replies from a queue (a string, or an exception to raise); records every prompt."""

    name = "fake"

    def __init__(self, *replies: str | Exception) -> None:
        self.replies = list(replies)
        self.prompts: list[list[ChatTurn]] = []

    def stream(self, turns: list[ChatTurn]) -> Iterator[str]:
        self.prompts.append(turns)
        reply = self.replies.pop(0) if self.replies else BackendFailure("no scripted reply left")
        if isinstance(reply, Exception):
            raise reply
        for word in reply.split(" "):
            yield word + " "


class InventingAnswerer:
    """An answerer gone wrong: it answers everything and adds a made-up salary to each answer.

    Wraps the real pipeline so that everything else about the answers stays realistic; the eval
    must catch it (faithfulness, refusals, forbidden numbers).
    """

    name = "inventing-fake"

    def __init__(self, inner: PipelineAnswerer) -> None:
        self.inner = inner

    def answer(self, case: EvalCase) -> tuple[Answer, list[str]]:
        answer, retrieved = self.inner.answer(case)
        invented = "The average salary of a PM is $100,000 [1]."
        citations = answer.citations or [
            Citation(
                id=1,
                section="2. Mid-Level Product Manager (Product Manager)",
                text="Prioritization: At this stage, PMs make critical decisions.",
                score=0.5,
            )
        ]
        body = "" if answer.refused else answer.answer + "\n"
        faked = answer.model_copy(
            update={"answer": body + invented, "refused": False, "citations": citations}
        )
        return faked, retrieved
