"""Ladders added from the browser: checked and previewed before they are kept, kept in the data
folder (so they survive a restart), indexed with the corpus by the same code as the CLI's.

An upload is read exactly as a corpus file is (same converter, size limit and parser) and must
hold a ladder: a document without levels belongs in the corpus folder as reference text, not in
"Your ladder". Uploaded documents are named `uploads/<file>` in the index, so they never collide
with the corpus folder's own files.
"""

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from advisor.config import Settings
from advisor.convert import SUFFIXES
from advisor.corpus import UPLOADS, SourceDocument, read_source
from advisor.errors import AdvisorError
from advisor.indexing import DocumentReport, describe
from advisor.parsing import read_document


class UploadError(AdvisorError):
    """A file that cannot be added as a ladder; nothing was changed."""


@dataclass(frozen=True)
class UploadPreview:
    """What the parser reads in an uploaded file, before it is added."""

    file_name: str
    report: DocumentReport

    @property
    def source(self) -> str:
        return f"{UPLOADS}/{self.file_name}"


def uploads_dir(settings: Settings) -> Path:
    return settings.data_dir / UPLOADS


def uploaded(settings: Settings) -> list[str]:
    """File names of the ladders added from the browser, sorted."""
    folder = uploads_dir(settings)
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def safe_name(name: str) -> str:
    """A file name that stays inside the uploads folder and reads well in citations."""
    stem, dot, suffix = Path(name).name.rpartition(".")
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "-", stem if dot else suffix).strip(" .-")[:80]
    return f"{stem or 'ladder'}.{suffix.lower()}" if dot else stem or "ladder"


def preview(path: Path, original_name: str, settings: Settings) -> UploadPreview:
    """Read an uploaded file as the indexer would and report its ladder; UploadError when it
    is of the wrong type, too large, unreadable, empty or has no levels."""
    name = safe_name(original_name)
    if Path(name).suffix.lower() not in SUFFIXES:
        raise UploadError(
            f"{original_name} is not a file type the advisor reads.",
            "Upload a .md, .txt, .csv, .docx or .pdf ladder.",
        )
    read = read_source(path, f"{UPLOADS}/{name}", settings.max_file_mb)
    if not isinstance(read, SourceDocument):
        raise UploadError(f"{original_name} cannot be added: {read}.", "Nothing was changed.")
    parsed = read_document(read)
    reports = describe(settings.corpus_dir, parsed.passages, parsed.held_back)
    report = reports[0] if reports else DocumentReport(read.name, 0)
    if report.ladder is None:
        raise UploadError(
            f"No levels found in {original_name}, so it holds no ladder.",
            'Give each level a heading ("## Level 2: Senior X", "3. Senior X") or a column '
            "of a competency table, then upload it again. Nothing was changed.",
        )
    return UploadPreview(name, report)


def keep(path: Path, upload: UploadPreview, settings: Settings) -> Path:
    """Copy the previewed file into the uploads folder; refuses to replace one of that name."""
    folder = uploads_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / upload.file_name
    if target.exists():
        raise UploadError(
            f"A ladder file named {upload.file_name} was already added.",
            "Remove it first, or rename the new file.",
        )
    partial = folder / f".{upload.file_name}.partial"
    shutil.copyfile(path, partial)
    partial.replace(target)  # atomic: the indexer never sees half a file
    return target


def remove(file_name: str, settings: Settings) -> None:
    """Delete an uploaded ladder's file (the caller re-indexes)."""
    target = uploads_dir(settings) / safe_name(file_name)
    if not target.is_file():
        raise UploadError(f"No uploaded ladder is named {file_name}.", "Nothing was changed.")
    target.unlink()
