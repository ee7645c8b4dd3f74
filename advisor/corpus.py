"""Reading the corpus folder: every .md/.txt/.docx/.pdf file, with a content hash for
incremental indexing."""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from advisor.convert import SUFFIXES, ConversionError, to_text
from advisor.errors import CorpusError

DEFAULT_MAX_FILE_MB = 5.0
UPLOADS = "uploads"  # the name prefix of documents added from the browser
MB = 1024 * 1024


@dataclass(frozen=True)
class SourceDocument:
    """One corpus file's text, named by its path relative to the corpus folder."""

    name: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class CorpusLoad:
    """The documents that could be read, and the files skipped with the reason why."""

    documents: list[SourceDocument] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def take(self, path: Path, name: str, max_file_mb: float) -> None:
        """Read one file into the documents, or name it among the skipped with the reason."""
        read = read_source(path, name, max_file_mb)
        if isinstance(read, SourceDocument):
            self.documents.append(read)
        else:
            self.skipped.append((name, read))


def load_corpus(corpus_dir: Path, max_file_mb: float = DEFAULT_MAX_FILE_MB) -> CorpusLoad:
    """Read every .md/.txt/.docx/.pdf file under corpus_dir; unreadable files, and files over
    max_file_mb, are skipped, not fatal."""
    if not corpus_dir.exists():
        raise CorpusError(
            f"The corpus folder {corpus_dir} does not exist.",
            "Create it and put the career guide (.md, .txt, .docx or .pdf) in it, or set "
            "ADVISOR_CORPUS_DIR.",
        )
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"The corpus path {corpus_dir} is not a folder.",
            "Point ADVISOR_CORPUS_DIR (or --corpus) at a folder of .md, .txt, .docx or .pdf files.",
        )
    paths = sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.suffix.lower() in SUFFIXES and p.name.lower() != "readme.md" and p.is_file()
    )
    load = CorpusLoad()
    root = corpus_dir.resolve()
    for path in paths:
        name = path.relative_to(corpus_dir).as_posix()
        if path.is_symlink() or not path.resolve().is_relative_to(root):
            # A link could point anywhere (/etc/passwd): only files inside the folder are read.
            load.skipped.append((name, "a link to a file outside the corpus folder"))
            continue
        load.take(path, name, max_file_mb)
    if not load.documents:
        detail = "; ".join(f"{n}: {r}" for n, r in load.skipped)
        raise CorpusError(
            f"The corpus folder {corpus_dir} holds no readable .md, .txt, .docx or .pdf document"
            + (f" ({detail})." if detail else "."),
            "Add the career guide (or your own ladder) as UTF-8 .md/.txt, .docx or .pdf files "
            "and run `advisor index` again.",
        )
    return load


def load_uploads(folder: Path, max_file_mb: float = DEFAULT_MAX_FILE_MB) -> CorpusLoad:
    """The ladders added from the browser, named `uploads/<file>`; none when the folder is
    missing. Only regular files directly in the folder are read (links are not followed)."""
    load = CorpusLoad()
    if not folder.is_dir():
        return load
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.suffix.lower() not in SUFFIXES:
            continue  # a half-copied upload (.name.partial) or a stray file
        name = f"{UPLOADS}/{path.name}"
        if path.is_symlink() or not path.is_file():
            load.skipped.append((name, "not a regular file"))
            continue
        load.take(path, name, max_file_mb)
    return load


def read_source(path: Path, name: str, max_file_mb: float) -> SourceDocument | str:
    """One file as a document named `name`, or the reason it cannot be read."""
    try:
        size = path.stat().st_size
        if size > max_file_mb * MB:
            # Checked before reading: one 50 MB paragraph costs minutes and gigabytes to
            # embed, and every later question pays for it again.
            return _too_big(size, max_file_mb)
        text = to_text(path)
    except (OSError, UnicodeDecodeError, ConversionError) as exc:
        return _reason(exc)
    if not text.strip():
        return "the file is empty"
    return SourceDocument(name=name, text=text)


def _too_big(size: int, limit_mb: float) -> str:
    return (
        f"{size / MB:.1f} MB, over the {limit_mb:g} MB limit for one file "
        "(split it, or raise ADVISOR_MAX_FILE_MB)"
    )


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, ConversionError):
        return str(exc)
    return str(exc) or type(exc).__name__
