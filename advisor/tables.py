"""Competency matrices: a table of levels rewritten as the ladder text the parser reads.

Companies often keep a ladder as a table, with levels as columns ("Competency | Deckhand | Able
Seaman | ...", one row per competency) or as rows ("Level | Title | Responsibilities | Skills").
Each table is rewritten as one section per level: "## Title" marked with its level number, the
level's summary as its
overview, and each competency or column as a "Title: text" item under a lead-in that says
whether it is a duty or a skill. The words of the table are kept as written, so answers built
from it still quote the source.
"""

import csv
import io
import re

_SUMMARY = re.compile(r"summary|overview|about|description|purpose|scope", re.IGNORECASE)
_GROWTH = re.compile(r"skill|grow|learn|develop|competenc|focus|improve", re.IGNORECASE)
_LEVEL_HEADER = re.compile(r"^(?:level|grade|band|rank|tier|step|#)$", re.IGNORECASE)
_TITLE_HEADER = re.compile(r"^(?:title|role|name|position|job)$", re.IGNORECASE)
_ITEM_SPLIT = re.compile(r"\s*<br\s*/?>\s*(?:[•·\-*]\s*)?|\s*•\s*")


def csv_to_rows(text: str) -> list[list[str]]:
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text)) if any(row)]


def markdown_tables(text: str) -> tuple[str, list[list[list[str]]]]:
    """(the text outside tables, each table's rows), for `| a | b |` Markdown tables."""
    outside: list[str] = []
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                current.append(cells)
            continue
        if current:
            tables.append(current)
            current = []
        outside.append(line)
    if current:
        tables.append(current)
    return "\n".join(outside), tables


def rows_to_ladder(rows: list[list[str]]) -> str | None:
    """The ladder text of one table, or None when it is not a table of levels."""
    if len(rows) < 3 or len(rows[0]) < 3:
        return None
    header = rows[0]
    if _LEVEL_HEADER.match(header[0]) or _TITLE_HEADER.match(header[0]):
        return _levels_as_rows(rows)
    return _levels_as_columns(rows)


def _levels_as_columns(rows: list[list[str]]) -> str:
    header, body = rows[0], rows[1:]
    out = []
    for col, title in enumerate(header[1:], 1):
        summary = [r[col] for r in body if col < len(r) and _SUMMARY.search(r[0]) and r[col]]
        duties = [
            (r[0], r[col]) for r in body if col < len(r) and r[col] and not _SUMMARY.search(r[0])
        ]
        out.append(_section(col, title, summary, duties))
    return "\n".join(out)


def _levels_as_rows(rows: list[list[str]]) -> str:
    header, body = rows[0], rows[1:]
    title_col = next((i for i, h in enumerate(header) if _TITLE_HEADER.match(h)), 0)
    level_col = 0 if _LEVEL_HEADER.match(header[0]) else None
    out = []
    for n, row in enumerate(body, 1):
        level = row[level_col] if level_col is not None and row[level_col].isdigit() else str(n)
        title = row[title_col] if title_col < len(row) else f"Level {level}"
        summary: list[str] = []
        items: list[tuple[str, str]] = []
        for i, cell in enumerate(row):
            if i in (title_col, level_col) or not cell or i >= len(header):
                continue
            parts = [p.strip() for p in _ITEM_SPLIT.split(cell) if p.strip()]
            if _SUMMARY.search(header[i]):
                summary += parts
                continue
            # A cell that opens with a sentence before its list: that sentence is the summary.
            if len(parts) > 1 and "<br" in cell and not cell.lstrip().startswith(("•", "-")):
                summary.append(parts.pop(0))
            items += [(header[i], p) for p in parts]
        out.append(_section(int(level), title, summary, items, by_column=True))
    return "\n".join(out)


def _section(
    level: int,
    title: str,
    summary: list[str],
    items: list[tuple[str, str]],
    by_column: bool = False,
) -> str:
    # The title as the table writes it, so answers cite what the reader sees; the level is a
    # note the parser reads (advisor/parsing.py), not words of the section.
    lines = [f"## {title} <!-- level {level} -->", ""]
    if summary:
        lines += [" ".join(summary), ""]
    duties = [(k, v) for k, v in items if not _GROWTH.search(k)]
    growth = [(k, v) for k, v in items if _GROWTH.search(k)]
    for lead, group in (("Responsibilities include:", duties), ("Skills to develop:", growth)):
        if not group:
            continue
        lines += [lead, ""]
        # Levels-as-rows tables name the kind in the column; items are the cells' own lines.
        lines += [f"- {v}" if by_column else f"- {k}: {v}" for k, v in group]
        lines.append("")
    return "\n".join(lines)


def rewrite_tables(text: str) -> str:
    """Markdown text with each table of levels replaced by ladder sections."""
    outside, tables = markdown_tables(text)
    ladders = [ladder for t in tables if (ladder := rows_to_ladder(t))]
    if not ladders:
        return text
    return outside.rstrip() + "\n\n" + "\n".join(ladders)
