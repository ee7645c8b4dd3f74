"""Answers, sources and plans as safe Markdown chat messages (text from the model is escaped)."""

import html
import re
from collections.abc import Sequence
from typing import Any

from advisor.conversation import Message, parse_history
from advisor.models import Answer, Citation
from advisor.planning import PlanItem, PlanStep, TransitionPlan

SOURCES_TITLE = "Sources"
_GROUNDING = {
    "extractive": "quoted from the guide",
    "generated": "written by the model, every sentence checked against the guide",
    "generated+trimmed": "written by the model; sentences the guide does not support were removed",
    "extractive-fallback": "quoted from the guide instead of the model's reply",
    "refused": "not covered by the guide",
}
# Link and image syntax would let a passage make the browser fetch any URL; the [n] markers
# the advisor writes are never followed by "(" or ":" so they survive.
_LINK = re.compile(r"\]([(:\[])")
_IMAGE = re.compile(r"!\[")
# What the chat's Markdown (GFM) turns into a link by itself: a URL with a scheme or "www.",
# and an e-mail address. Shown in a code span instead: literal, whole, not clickable.
_AUTOLINK = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>`]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE
)
_TRAILING = ".,;:!?)]}'\""
_ESCAPED = re.compile(r"\\([\[\]():`!])")


def safe(text: str) -> str:
    """Text from the guide, a model or a user as Markdown that can hold no HTML, link or
    image: tags are escaped, link and image syntax disarmed, bare URLs put in code spans."""
    out, last = [], 0
    for match in _AUTOLINK.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        out += [_escape(text[last : match.start()]), f"`{url}`"]
        last = match.start() + len(url)
    out.append(_escape(text[last:]))
    return "".join(out)


def _escape(text: str) -> str:
    # Backticks too: a code span of the text's own could swallow one of ours and leave its
    # URL bare.
    escaped = html.escape(text, quote=False).replace("`", "\\`")
    escaped = _IMAGE.sub(r"!\\[", escaped)
    return _LINK.sub(lambda m: "]\\" + m.group(1), escaped)


def question_markdown(question: str) -> str:
    """The user's own question for the chat, as safe as any passage: a Markdown image typed
    in it is shown, never fetched."""
    return safe(question)


def question_text(markdown: str) -> str:
    """The question back from `question_markdown` (the chat returns what it showed)."""
    # Code spans hold a URL as typed; the text around them was escaped.
    parts = re.split(r"(?<!\\)`([^`]*)`", markdown)
    return "".join(
        part if i % 2 else html.unescape(_ESCAPED.sub(r"\1", part)) for i, part in enumerate(parts)
    )


def history_messages(history: Sequence[dict[str, Any]]) -> list[Message]:
    """The conversation from the Chatbot's history, without the Sources blocks the UI added."""
    turns = [m for m in history if not (isinstance(m, dict) and (m.get("metadata") or {}))]
    return [
        Message(m.role, question_text(m.content)) if m.role == "user" else m
        for m in parse_history(turns)
    ]


def streaming_message(text: str) -> dict[str, Any]:
    """The provisional reply while the model writes; the verified answer replaces it."""
    body = safe(text).strip() or "Searching the guide…"
    return {"role": "assistant", "content": f"{body}\n\n*Checking against the guide…*"}


def answer_messages(answer: Answer) -> list[dict[str, Any]]:
    """The verified answer, then its sources as a collapsible block (none for a refusal)."""
    messages: list[dict[str, Any]] = [{"role": "assistant", "content": answer_markdown(answer)}]
    if answer.citations:
        messages.append(
            {
                "role": "assistant",
                "content": sources_markdown(answer.citations),
                "metadata": {"title": SOURCES_TITLE, "status": "done"},
            }
        )
    return messages


def error_messages(message: str, hint: str = "") -> list[dict[str, Any]]:
    """A problem the user can fix (empty or over-long question), said plainly."""
    text = f"> **Can't answer that.** {safe(message)}"
    if hint:
        text += f"\n>\n> {safe(hint)}"
    return [{"role": "assistant", "content": text}]


def answer_markdown(answer: Answer) -> str:
    """The answer body with its notice above and the backend and grounding below."""
    parts = []
    if answer.refused:
        parts.append("> **Not covered by the career guide.** The advisor only answers from it.")
    elif answer.notice:
        label = "Note" if answer.grounding == "extractive-fallback" else "Assumption"
        parts.append(f"> **{label}:** {safe(answer.notice)}")
    if answer.plan is not None:
        parts.append(plan_markdown(TransitionPlan.model_validate(answer.plan), heading=False))
    else:
        parts.append(_end_lists(safe(answer.answer)))
    parts.append(footer(answer))
    return "\n\n".join(parts)


def footer(answer: Answer) -> str:
    """Which backend answered and how the text is grounded."""
    grounding = _GROUNDING.get(answer.grounding, answer.grounding)
    if answer.grounding == "generated+trimmed" and answer.dropped_sentences:
        grounding += f" ({answer.dropped_sentences})"
    return f"*Backend: {safe(answer.backend)} · {grounding} · {answer.latency_s:.2f} s*"


def sources_markdown(citations: Sequence[Citation]) -> str:
    """Each cited passage under its section heading, numbered as in the answer."""
    # Two trailing spaces: a hard line break in every Markdown renderer, chat or not.
    return "\n\n".join(f"**[{c.id}] {safe(c.section)}**  \n{safe(c.text)}" for c in citations)


def plan_markdown(plan: TransitionPlan, *, heading: bool = True) -> str:
    """A transition plan: each stage's summary, changes, skills, actions and readiness signs."""
    route = f"{safe(plan.from_role)} → {safe(plan.to_role)}"
    steps = len(plan.stages)
    intro = (
        f"{steps} step{'s' if steps != 1 else ''} up the ladder. Every item comes from the "
        "career guide; the numbers point to the sources."
    )
    out = [f"## {route}", intro] if heading else [f"**Your plan: {route}.** {intro}"]
    for n, stage in enumerate(plan.stages, 1):
        out.append(f"### Stage {n}: {safe(stage.from_role)} → {safe(stage.to_role)}")
        if stage.summary:
            out.append(f"{safe(stage.summary)} [{stage.summary_citation}]")
        out += _items("What changes in the role", stage.responsibilities)
        out += _items("Skills to build", stage.skills)
        out += _steps("Actions", stage.actions)
        out += _steps("How to know you are ready", stage.readiness)
    return "\n\n".join(out)


def plan_sources_markdown(plan: TransitionPlan) -> str:
    """The plan's numbered sources, for the plan panel."""
    return "#### Sources\n\n" + sources_markdown(plan.citations)


def _end_lists(markdown: str) -> str:
    """A blank line after each list, so a heading line after it is not read as its item."""
    out: list[str] = []
    in_list = False
    for line in markdown.split("\n"):
        item = line.lstrip().startswith(("- ", "* ", "+ "))
        if in_list and not item and line.strip():
            out.append("")
        out.append(line)
        in_list = item
    return "\n".join(out)


def _items(title: str, items: Sequence[PlanItem]) -> list[str]:
    if not items:
        return []
    lines = [f"- **{safe(i.title)}**: {safe(i.text)} [{i.citation}]" for i in items]
    return [f"**{title}**", "\n".join(lines)]


def _steps(title: str, steps: Sequence[PlanStep]) -> list[str]:
    if not steps:
        return []
    return [f"**{title}**", "\n".join(f"- {safe(s.text)} [{s.citation}]" for s in steps)]
