"""Eval cases: JSONL, one a line, with the expectations the metrics check."""

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from advisor.errors import AdvisorError


class EvalCase(BaseModel):
    """One question with what a correct answer must (or must not) contain."""

    id: str
    question: str
    history: list[dict[str, Any]] = Field(default_factory=list)
    category: str = "uncategorised"
    refuse: bool = Field(False, description="The guide does not cover it: must be refused.")
    refuse_ok: bool = Field(False, description="Refusing is acceptable, answering too.")
    sections: list[str] = Field(
        default_factory=list, description="Section-heading prefixes that must be cited."
    )
    facts: list[list[str]] = Field(
        default_factory=list, description="Facts that must appear; each a list of synonyms."
    )
    forbidden: list[str] = Field(default_factory=list, description="Phrases that must not appear.")
    plan: tuple[int, int] | None = Field(None, description="Expected plan (from, to) levels.")
    premise: str | None = Field(
        None, description='"false": the question presupposes what the guide contradicts.'
    )
    uncovered: list[list[str]] = Field(
        default_factory=list,
        description="Asks the guide does not cover; each must be named (a list of synonyms).",
    )
    yes_no: str | None = Field(None, description='"yes" or "no": the direct answer expected.')

    model_config = {"extra": "ignore"}

    @property
    def must_answer(self) -> bool:
        return not self.refuse and not self.refuse_ok


def load_cases(path: Path) -> list[EvalCase]:
    """Parse a JSONL dataset; a bad line is a clear error naming the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AdvisorError(
            f"Cannot read the eval dataset {path}: {exc}.", "Pass a JSONL file with --dataset."
        ) from exc
    cases = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            cases.append(EvalCase.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise AdvisorError(
                f"{path}:{number} is not a valid eval case: {str(exc).splitlines()[0]}",
                'Each line needs at least {"id": "...", "question": "..."}.',
            ) from exc
    if not cases:
        raise AdvisorError(f"The eval dataset {path} has no cases.", "Add JSONL lines.")
    return cases
