"""The domain records that flow through the advisor."""

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field, PrivateAttr


class PassageKind(StrEnum):
    """What a passage says about its role."""

    OVERVIEW = "overview"
    RESPONSIBILITY = "responsibility"
    SKILL = "skill"


class Passage(BaseModel):
    """One retrievable unit of the corpus: a paragraph or a bullet, never cut mid-sentence."""

    id: str
    source: str = Field(description="File name inside the corpus folder.")
    section: str = Field(description="Heading of the section, as written in the corpus.")
    text: str
    kind: PassageKind = PassageKind.OVERVIEW
    level: int | None = Field(None, description="Ladder position (1 = entry) of the section.")
    title: str | None = Field(None, description="Bullet title, e.g. 'Prioritization'.")
    order: int = Field(0, description="Position of the passage within its source file.")


class Citation(BaseModel):
    """A passage an answer relies on, numbered as it is cited in the text ([n])."""

    id: int
    section: str
    text: str
    score: float


Grounding = Literal[
    "extractive",
    "generated",
    "generated+trimmed",
    "extractive-fallback",
    "refused",
    "clarification",  # several ladders answer the question: the user is asked which
]


class Answer(BaseModel):
    """A grounded answer, or a refusal, with the passages it cites."""

    question: str
    answer: str
    refused: bool
    backend: str
    latency_s: float
    citations: list[Citation]
    grounding: Grounding = "extractive"
    dropped_sentences: int = 0
    generated_sentences: int = Field(0, description="Sentences the model wrote (kept + dropped).")
    raw_generated: str | None = Field(None, description="The model's text before verification.")
    notice: str | None = None
    standalone_question: str | None = Field(
        None, description="The follow-up rewritten with the conversation's role, if it was."
    )
    plan: dict[str, Any] | None = Field(
        None, description="The TransitionPlan, when the question asked for a plan."
    )
    not_covered: list[str] = Field(
        default_factory=list, description="One sentence per ask the guide does not cover."
    )
    # Sections of the passages retrieved for the answer, best first (scored by the eval).
    _retrieved_sections: list[str] = PrivateAttr(default_factory=list)

    @property
    def retrieved_sections(self) -> list[str]:
        return self._retrieved_sections

    @retrieved_sections.setter
    def retrieved_sections(self, sections: list[str]) -> None:
        self._retrieved_sections = sections

    def public_json(self) -> dict[str, object]:
        """The JSON contract of design.md plus the grounding fields."""
        return self.model_dump(mode="json")
