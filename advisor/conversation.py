"""Follow-up questions made stand-alone before retrieval, from the history passed in.

"And after that?" or "what skills does it need?" name no role; the role is the one the
conversation is about. The rewrite is deterministic (no model call): it finds the role the last
exchange was about and names it in the question, so retrieval, the scope gate and the composer
all see a complete question. Nothing is stored between calls: the history is the only state.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from advisor.intent import Intent, detect_intent
from advisor.ladder import CareerLadder, Role

_FOLLOW_UP = re.compile(
    r"^\s*(?:and|so|then|what about|how about|also|ok|okay)\b|\b(?:it|its|they|them|their|that|"
    r"this|there|that role|this role|that level|this level)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Message:
    role: Literal["user", "assistant"]
    content: str


def standalone_question(question: str, history: Sequence[Message], ladder: CareerLadder) -> str:
    """The question with the conversation's role named, if it is a follow-up; else unchanged."""
    if not history or ladder.mentions(question):
        return question
    role = conversation_role(history, ladder)
    if role is None:
        return question
    if not _FOLLOW_UP.search(question) and len(question.split()) > 6:
        return question  # a full question of its own that just names no role
    return f"{question.rstrip(' ?.!')} (about the {role.name} role)?"


def conversation_role(history: Sequence[Message], ladder: CareerLadder) -> Role | None:
    """The role the latest user turn that names one is about (after 'what comes next': the next)."""
    for message in reversed(history):
        if message.role != "user":
            continue
        question = message.content
        if not ladder.mentions(question):
            continue
        intent = detect_intent(question, ladder)
        role = intent.roles[-1] if intent.intent is Intent.COMPARISON else intent.roles[0]
        if intent.intent is Intent.NEXT_ROLE:
            return ladder.next_role(role) or role
        if intent.intent is Intent.PREVIOUS_ROLE:
            return ladder.previous_role(role) or role
        return role
    return None


def parse_history(raw: object) -> list[Message]:
    """Validate OpenAI-style messages ([{"role", "content"}]); content may be a list of parts."""
    if not isinstance(raw, list):
        raise ValueError("history must be a JSON list of {role, content} messages")
    out = []
    for item in raw:
        if not isinstance(item, dict) or item.get("role") not in ("user", "assistant"):
            continue  # system/tool messages and junk carry no conversation state for us
        content = item.get("content")
        if isinstance(content, list):
            content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
        if isinstance(content, str) and content.strip():
            out.append(Message(item["role"], content))
    return out
