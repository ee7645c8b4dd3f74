"""Ladders written as .docx and .pdf parse to the same levels as their Markdown source.

The documents are made here from the Markdown source (python-docx, fpdf2), never downloaded.
"""

from pathlib import Path

import pytest

from advisor.corpus import SourceDocument, load_corpus
from advisor.ladder import CareerLadder
from advisor.parsing import parse_document

SOURCE = Path(__file__).resolve().parent / "data" / "lighthouse-keeper-ladder.md"


def _levels(name: str, text: str) -> list[tuple[int, str, int, int]]:
    ladder = CareerLadder.from_passages(parse_document(SourceDocument(name, text)))
    return [(r.level, r.name, len(r.responsibilities), len(r.skills)) for r in ladder.roles]


def _blocks() -> list[tuple[str, str]]:
    """(kind, text) of the Markdown source: heading, bullet or paragraph."""
    out = []
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            out.append(("heading", line.lstrip("# ").strip()))
        elif line.startswith("- "):
            out.append(("bullet", line[2:].strip()))
        elif line.strip():
            out.append(("paragraph", line.strip()))
    return out


def _write_docx(path: Path) -> None:
    from docx import Document

    document = Document()
    for kind, text in _blocks():
        if kind == "heading":
            document.add_heading(text, level=2)
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    document.save(str(path))


def _write_pdf(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for kind, text in _blocks():
        line = f"- {text}" if kind == "bullet" else text
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.output(str(path))


@pytest.mark.parametrize(("suffix", "write"), [(".docx", _write_docx), (".pdf", _write_pdf)])
def test_converted_ladder_parses_like_its_markdown_source(
    tmp_path: Path, suffix: str, write: object
) -> None:
    path = tmp_path / f"ladder{suffix}"
    write(path)  # type: ignore[operator]
    loaded = load_corpus(tmp_path)
    assert [d.name for d in loaded.documents] == [path.name]
    converted = _levels(path.name, loaded.documents[0].text)
    assert converted == _levels(SOURCE.name, SOURCE.read_text(encoding="utf-8"))


def test_a_broken_docx_is_skipped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "broken.docx").write_bytes(b"this is not a zip file")
    (tmp_path / "ok.md").write_text(SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    loaded = load_corpus(tmp_path)
    assert [d.name for d in loaded.documents] == ["ok.md"]
    assert loaded.skipped and loaded.skipped[0][0] == "broken.docx"
    assert "not a valid .docx file" in loaded.skipped[0][1]
