"""Checking what the command line was given: text arguments, the history file, the output
file. Each problem becomes an AdvisorError (exit 2) that says what to fix, never a traceback."""

import json
from pathlib import Path

from advisor.conversation import Message, parse_history
from advisor.errors import AdvisorError, InvalidQuestionError
from advisor.textclean import clean_text

_HISTORY_EXAMPLE = 'Give a JSON list like [{"role": "user", "content": "What does a PM do?"}].'


def text_arg(value: str, what: str) -> str:
    """An argument as clean text. Bytes that are not UTF-8 reach Python as lone surrogates
    (PEP 383); they are reported rather than passed on to code that cannot encode them."""
    for position, char in enumerate(value):
        if "\udc80" <= char <= "\udcff":
            byte = ord(char) - 0xDC00
            raise InvalidQuestionError(
                f"The {what} is not valid UTF-8 text (byte 0x{byte:02x} at character "
                f"{position + 1}).",
                "Set a UTF-8 locale in the terminal (e.g. LANG=C.UTF-8) or retype the text.",
            )
    return clean_text(value)


def read_history(path: str) -> list[Message]:
    """The conversation in a --history file, each message cleaned like a question."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        messages = parse_history(raw)
    except RecursionError as exc:
        # json and str() recurse once per level of nesting: a hostile file can exhaust it.
        raise InvalidQuestionError(
            f"Cannot read the history file {path}: it is nested too deeply.", _HISTORY_EXAMPLE
        ) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise InvalidQuestionError(
            f"Cannot read the history file {path}: {exc}.", _HISTORY_EXAMPLE
        ) from exc
    cleaned = [Message(m.role, clean_text(m.content)) for m in messages]
    return [m for m in cleaned if m.content.strip()]


def check_output(value: str, force: bool) -> Path:
    """The --out file, checked before any work: its folder exists, it is not a folder, and it
    is not overwritten unless asked (--force)."""
    path = Path(value)
    if path.is_dir():
        raise AdvisorError(
            f"--out {value} is a folder.", f"Give a file name, e.g. {path / 'plan.md'}."
        )
    if not path.parent.is_dir():
        problem = "is not a folder" if path.parent.exists() else "does not exist"
        raise AdvisorError(
            f"Cannot write {value}: the folder {path.parent} {problem}.",
            "Create the folder first, or choose a file in an existing one.",
        )
    if path.exists() and not force:
        raise AdvisorError(
            f"{value} already exists; it was not overwritten.",
            "Pass --force to replace it, or choose another file name.",
        )
    return path


def write_output(path: Path, text: str, force: bool) -> None:
    """Write the file; "x" mode keeps the no-overwrite promise if the file appeared since the
    check."""
    try:
        with path.open("w" if force else "x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError as exc:
        raise AdvisorError(
            f"{path} already exists; it was not overwritten.",
            "Pass --force to replace it, or choose another file name.",
        ) from exc
    except OSError as exc:
        reason = "permission denied" if isinstance(exc, PermissionError) else exc.strerror
        raise AdvisorError(
            f"Cannot write {path}: {reason or type(exc).__name__}.",
            "Choose a file in a folder you can write to.",
        ) from exc
