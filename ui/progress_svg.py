"""Progress over time as a small SVG chart: per level, one bar per check-in showing the share
of the level's items demonstrated, labelled with the count and the date.

Drawn by hand like the ladder picture: a few rectangles need no plotting library, and the page
stays free of scripts and fetched assets.
"""

import html
from collections.abc import Sequence

from advisor.assessment import ProgressPoint

BAR_W, GAP, ROW_H, LABEL_W, TOP = 46, 14, 118, 190, 8
MAX_BARS = 8  # the latest check-ins; older ones are in the CLI's history


def progress_svg(points: Sequence[ProgressPoint]) -> str:
    """Rows of bars, one row per level (entry level first), one bar per check-in."""
    if not points:
        return ""
    rows: dict[int, list[ProgressPoint]] = {}
    for point in sorted(points, key=lambda p: p.created_at):
        rows.setdefault(point.level, []).append(point)
    width = LABEL_W + MAX_BARS * (BAR_W + GAP)
    height = TOP + len(rows) * ROW_H
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="Items demonstrated per level over time" '
        f'class="progress-chart" font-family="system-ui, sans-serif" font-size="12">'
    ]
    for n, (_, row) in enumerate(sorted(rows.items())):
        parts += _row(row[-MAX_BARS:], TOP + n * ROW_H)
    parts.append("</svg>")
    return "".join(parts)


def _row(points: Sequence[ProgressPoint], y: int) -> list[str]:
    base, tall = y + 78, 64
    role = html.escape(points[-1].role)
    out = [
        f'<text x="0" y="{y + 40}" font-weight="600">{role}</text>',
        f'<line x1="{LABEL_W - 6}" y1="{base}" x2="{LABEL_W + MAX_BARS * (BAR_W + GAP)}" '
        f'y2="{base}" stroke="#94a3b8"/>',
    ]
    for n, point in enumerate(points):
        x = LABEL_W + n * (BAR_W + GAP)
        share = point.demonstrated / point.total if point.total else 0.0
        h = max(2, round(tall * share))
        label = f"{point.demonstrated}/{point.total}"
        out += [
            f'<rect x="{x}" y="{base - tall}" width="{BAR_W}" height="{tall}" fill="#e0e7ff"/>',
            f'<rect x="{x}" y="{base - h}" width="{BAR_W}" height="{h}" fill="#4f46e5">'
            f"<title>{role}, {point.created_at:%Y-%m-%d %H:%M}: {label} demonstrated</title>"
            "</rect>",
            f'<text x="{x + BAR_W / 2}" y="{base - tall - 4}" text-anchor="middle">{label}</text>',
            f'<text x="{x + BAR_W / 2}" y="{base + 16}" text-anchor="middle" fill="#475569">'
            f"{point.created_at:%d %b}</text>",
        ]
    return out
