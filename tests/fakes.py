"""Test doubles, named as such: a scripted chat model that records the prompts it was sent."""

from collections.abc import Iterator

from advisor.llm import BackendFailure, ChatTurn


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
