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
        content = item.get("content")
        if isinstance(content, list):
            content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
        if isinstance(content, str) and content.strip():
            out.append(Message(item["role"], content))
    return out
