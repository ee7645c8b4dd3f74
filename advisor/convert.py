"""Turning a corpus file into text the parser reads: .md/.txt as they are, .docx and .pdf
through markitdown (a maintained converter: no torch, no download; Word headings become
Markdown headings and list paragraphs become bullets)."""

from pathlib import Path

from advisor.tables import csv_to_rows, rewrite_tables, rows_to_ladder

TEXT_SUFFIXES = (".md", ".txt")
CONVERTED_SUFFIXES = (".docx", ".pdf")
TABLE_SUFFIXES = (".csv",)
# What each converted format starts with: a .docx is a zip archive, a .pdf says so. Checked
# first, because the converter falls back to reading any file as plain text.
_MAGIC = {".docx": b"PK\x03\x04", ".pdf": b"%PDF"}
SUFFIXES = TEXT_SUFFIXES + CONVERTED_SUFFIXES + TABLE_SUFFIXES


class ConversionError(Exception):
    """The file could not be turned into text (corrupt, encrypted, not what its name says)."""


def to_text(path: Path) -> str:
    """The file's text (Markdown for converted formats); OSError/UnicodeDecodeError pass up."""
    if path.suffix.lower() in TEXT_SUFFIXES:
        return rewrite_tables(path.read_text(encoding="utf-8"))
    if path.suffix.lower() in TABLE_SUFFIXES:
        ladder = rows_to_ladder(csv_to_rows(path.read_text(encoding="utf-8")))
        if ladder is None:
            raise ConversionError("the table has no levels (a row of level names and 2+ rows)")
        return ladder
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head.startswith(_MAGIC[suffix]):
        raise ConversionError(f"not a valid {suffix} file")
    # Imported on first use: markitdown loads its converters at import (about 0.7 s).
    from markitdown import MarkItDown

    try:
        result = MarkItDown(enable_plugins=False).convert(str(path))
    except Exception as exc:  # markitdown wraps each format's own errors in several types
        raise ConversionError(f"could not convert {path.suffix} ({type(exc).__name__})") from exc
    return rewrite_tables(result.text_content or "")
