"""The career ladder as an inline SVG staircase, drawn from the parsed roles."""

from collections.abc import Sequence
from html import escape
from typing import Protocol

WIDTH = 400
PAD = 10
STAGGER = 20
ROW = 58
GAP = 8
LEGEND = 30
LINE_CHARS = 32
NAME_LINES = 2

# (fill, stroke, text) per state of a step.
_PLAIN = ("#f1f5f9", "#cbd5e1", "#1e293b")
_ON_PATH = ("#e0e7ff", "#818cf8", "#312e81")
_CURRENT = ("#fef3c7", "#d97706", "#78350f")
_TARGET = ("#4f46e5", "#3730a3", "#ffffff")


class LadderRole(Protocol):
    """What the drawing needs of a role (advisor.ladder.Role has it)."""

    level: int
    name: str


def ladder_svg(
    roles: Sequence[LadderRole], current: int | None = None, target: int | None = None
) -> str:
    """One step per role, entry level at the bottom; the current and target levels highlighted."""
    ordered = sorted(roles, key=lambda r: r.level)
    if not ordered:
        return '<p class="ladder-empty">The guide defines no numbered levels.</p>'
    count = len(ordered)
    height = PAD * 2 + count * ROW + (count - 1) * GAP + LEGEND
    step_width = WIDTH - 2 * PAD - (count - 1) * STAGGER
    planned = current is not None and target is not None
    label = _title(ordered, current, target)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(label)}" class="ladder-svg" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif">',
        f"<title>{escape(label)}</title>",
    ]
    for i, role in enumerate(ordered):
        colours, marker, key = _state(role.level, current, target)
        fill, stroke, ink = colours
        x = PAD + i * STAGGER
        y = PAD + (count - 1 - i) * (ROW + GAP)
        strong = marker != ""
        lines = [(line, 14 if strong else 13, 600 if strong else 500) for line in _wrap(role.name)]
        if marker:
            lines.append((marker.upper(), 10, 700))
        first = y + ROW / 2 - (len(lines) - 1) * 8 + 5
        badge_fill, badge_ink = (stroke, "#ffffff") if strong else ("#ffffff", ink)
        parts.append(
            f'<g class="ladder-step" data-level="{role.level}" data-state="{key}">'
            f'<rect x="{x}" y="{y}" width="{step_width}" height="{ROW}" rx="10" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{2 if strong else 1}"/>'
            f'<circle cx="{x + 26}" cy="{y + ROW / 2}" r="15" fill="{badge_fill}" '
            f'stroke="{stroke}"/>'
            f'<text x="{x + 26}" y="{y + ROW / 2 + 5}" font-size="14" font-weight="700" '
            f'text-anchor="middle" fill="{badge_ink}">{role.level}</text>'
        )
        for n, (line, size, weight) in enumerate(lines):
            opacity = ' opacity="0.85" letter-spacing="0.06em"' if size == 10 else ""
            parts.append(
                f'<text x="{x + 52}" y="{first + n * 16}" font-size="{size}" '
                f'font-weight="{weight}" fill="{ink}"{opacity}>{escape(line)}</text>'
            )
        parts.append("</g>")
    parts.append(_legend(height - PAD - 6, planned))
    parts.append("</svg>")
    return "".join(parts)


def _state(
    level: int, current: int | None, target: int | None
) -> tuple[tuple[str, str, str], str, str]:
    """Colours, marker text and state name of a step."""
    if level == target:
        return _TARGET, "Target", "target"
    if level == current:
        return _CURRENT, "You are here", "current"
    if current is not None and target is not None and current < level < target:
        return _ON_PATH, "", "on-path"
    return _PLAIN, "", "plain"


def _title(roles: Sequence[LadderRole], current: int | None, target: int | None) -> str:
    names = {r.level: r.name for r in roles}
    text = "Career ladder, entry level first: " + " → ".join(r.name for r in roles)
    if current in names and target in names:
        text += f". Plan from {names[current]} to {names[target]}."
    return text


def _legend(y: float, planned: bool) -> str:
    if not planned:
        return (
            f'<text x="{PAD}" y="{y}" font-size="12" fill="#64748b">Entry level at the bottom. '
            "Ask for a plan to see your move.</text>"
        )
    out = []
    x = PAD
    for text, (fill, stroke, _) in (
        ("You are here", _CURRENT),
        ("On the way", _ON_PATH),
        ("Target", _TARGET),
    ):
        out.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" rx="3" fill="{fill}" '
            f'stroke="{stroke}"/><text x="{x + 18}" y="{y}" font-size="12" '
            f'fill="#64748b">{text}</text>'
        )
        x += 18 + len(text) * 7 + 16
    return "".join(out)


def _wrap(name: str) -> list[str]:
    """The name in lines short enough for a step, broken after a slash."""
    lines: list[str] = []
    line = ""
    for word in name.split():
        if word == "/" and line:
            lines.append(f"{line} /")  # "Lead Keeper / Principal Keeper": one name per line
            line = ""
        elif not line:
            line = word
        elif len(line) + 1 + len(word) <= LINE_CHARS:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > NAME_LINES:
        lines = [*lines[: NAME_LINES - 1], lines[NAME_LINES - 1][: LINE_CHARS - 1] + "…"]
    return lines
