"""A check-in and its plan as one document to bring to a 1:1: Markdown, or a print-ready page.

The document cites like the plan does: every rated item carries the number of its passage in
one Sources list (the plan's own citations, extended with the items the plan does not quote, such
as the current level's demonstrated ones), so each line can be checked against the ladder.
"""

import html
from collections.abc import Sequence

from advisor.assessment import Change, CheckIn, gap
from advisor.models import Citation
from advisor.planning import Escape, TransitionPlan, render_markdown


def _cited(checkin: CheckIn, plan: TransitionPlan) -> tuple[TransitionPlan, dict[str, int]]:
    """The plan with a citation for every rated item, and each item's citation number."""
    numbers = {
        item.item_id: item.citation
        for stage in plan.stages
        for item in [*stage.responsibilities, *stage.skills]
    } | {item.item_id: item.citation for item in plan.current_gaps}
    citations = list(plan.citations)
    for item in checkin.items:
        if item.id not in numbers:
            numbers[item.id] = len(citations) + 1
            citations.append(
                Citation(id=numbers[item.id], section=item.section, text=item.quote, score=1.0)
            )
    return plan.model_copy(update={"citations": citations}), numbers


def checkin_markdown(
    checkin: CheckIn,
    plan: TransitionPlan,
    previous: CheckIn | None = None,
    moved: Sequence[Change] = (),
    escape: Escape = str,
) -> str:
    """The check-in (ratings, notes, what moved, the gap) followed by the gap-ordered plan;
    `escape` is applied to every text from the ladder or the user (a page escapes, a file
    keeps it verbatim)."""
    esc = escape
    plan, numbers = _cited(checkin, plan)
    remaining = gap(checkin)
    now, goal = esc(checkin.current_role), esc(checkin.target_role)
    out = [
        f"# Check-in: {now} → {goal}",
        "",
        f"Ladder: {esc(checkin.ladder)} ({esc(checkin.source)}). "
        f"Date: {checkin.created_at:%Y-%m-%d %H:%M} UTC.",
        "",
        f"Demonstrated: {remaining.demonstrated} of {remaining.total} items. "
        f"Left to demonstrate: {len(remaining.current)} at {now}, "
        f"{len(remaining.target)} at {goal}.",
    ]
    if previous is not None:
        out += ["", f"## What moved since {previous.created_at:%Y-%m-%d %H:%M}", ""]
        out += [
            f"- **{esc(c.item.title)}** ({esc(c.item.role)}): "
            f"{c.before.label if c.before else 'new item'} → {c.item.rating.label} "
            f"[{numbers[c.item.id]}]"
            for c in moved
        ] or ["- No rating changed."]
    for level, role in ((checkin.current_level, now), (checkin.target_level, goal)):
        out += ["", f"## {role}: your ratings", "", "| Item | Rating | Evidence | Source |"]
        out += ["|---|---|---|---|"]
        out += [
            f"| {esc(_cell(i.title))} | {i.rating.label} | {esc(_cell(i.note)) or '–'} "
            f"| [{numbers[i.id]}] |"
            for i in checkin.at_level(level)
        ]
    out += ["", "## The gap, in the order to work on it", ""]
    out += [
        f"{n}. **{esc(i.title)}** ({esc(i.role)}, {i.rating.label}) [{numbers[i.id]}]"
        for n, i in enumerate(remaining.items, 1)
    ] or ["Nothing left: every item of both levels is rated demonstrated."]
    # The plan becomes a part of this document: each of its headings one level down.
    plan_lines = [
        "#" + line if line.startswith("#") else line
        for line in render_markdown(plan, esc).splitlines()
    ]
    return "\n".join([*out, "", *plan_lines]) + "\n"


def _cell(text: str) -> str:
    # A table cell ends at a pipe or a line break.
    return " ".join(text.replace("|", "/").split())


def checkin_html(markdown_text: str, title: str) -> str:
    """A print-ready page of the exported document: its text as is, in a readable layout."""
    body = html.escape(markdown_text)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>"
        "body{font:14px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}"
        "pre{white-space:pre-wrap;font:inherit}@media print{body{margin:0}}"
        f"</style></head><body><pre>{body}</pre></body></html>\n"
    )
