"""What a question asks for, from its wording and the roles it names."""

import re
from dataclasses import dataclass
from enum import StrEnum

from advisor.ladder import CareerLadder, Role


class Intent(StrEnum):
    RESPONSIBILITIES = "responsibilities"
    SKILLS = "skills"
    NEXT_ROLE = "next_role"
    PREVIOUS_ROLE = "previous_role"
    COMPARISON = "comparison"
    OVERVIEW = "overview"


_SKILLS = re.compile(r"\bskill|\babilit|competenc|good at|qualit|\blearn|\bneed to know", re.I)
_RESPONSIBILITIES = re.compile(
    r"\bdo\b|\bdoes\b|responsib|\bdut(?:y|ies)\b|\bjob\b|\brole\b|day[- ]to[- ]day|\bown\b|"
    r"in charge|expected|\bwork on\b|\bfocus",
    re.I,
)
_NEXT = re.compile(r"\bafter\b|\bnext\b|\babove\b|\bbeyond\b|\bpromot|\bhigher\b|\bthen\b", re.I)
_PREVIOUS = re.compile(r"\bbefore\b|\bbelow\b|\bprior\b|\bprecede|\blower\b", re.I)


@dataclass(frozen=True)
class QuestionIntent:
    intent: Intent
    roles: list[Role]


def detect_intent(question: str, ladder: CareerLadder) -> QuestionIntent:
    """Classify a question; roles are the distinct ladder roles it names, in order."""
    roles: list[Role] = []
    for mention in ladder.mentions(question):
        if mention.role not in roles:
            roles.append(mention.role)
    if len(roles) >= 2:
        return QuestionIntent(Intent.COMPARISON, roles[:2])
    if _SKILLS.search(question):
        return QuestionIntent(Intent.SKILLS, roles)
    if roles and _NEXT.search(question):
        return QuestionIntent(Intent.NEXT_ROLE, roles)
    if roles and _PREVIOUS.search(question):
        return QuestionIntent(Intent.PREVIOUS_ROLE, roles)
    if _RESPONSIBILITIES.search(question):
        return QuestionIntent(Intent.RESPONSIBILITIES, roles)
    return QuestionIntent(Intent.OVERVIEW, roles)
