"""The conversation as the caller passes it: OpenAI-style messages, validated.

Nothing is stored between calls: the history is the only state. Follow-ups are resolved against
it by advisor/understand/read.py, which replays the user's turns.
"""

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Message:
    role: Literal["user", "assistant"]
    content: str


def parse_history(raw: object) -> list[Message]:
    """Validate OpenAI-style messages ([{"role", "content"}]); content may be a list of parts."""
    if not isinstance(raw, list):
        raise ValueError("history must be a JSON list of {role, content} messages")
    out = []
    for item in raw:
        if not isinstance(item, dict) or item.get("role") not in ("user", "assistant"):
            continue  # system/tool messages and junk carry no conversation state for us
        content = message_text(item)
        if content.strip():
            out.append(Message(item["role"], content))
    return out


def message_text(message: object) -> str:
    """An OpenAI-style message's text, whether its content is a string or a list of parts."""
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return content if isinstance(content, str) else ""
