"""Recognising plan requests in conversation: "plan my move from APM to PM"."""

import re
from dataclasses import dataclass

from advisor.ladder import CareerLadder, Role, RoleMention, normalize

_PLAN_WORDS = re.compile(
    r"\bplan\b(?!\s+(?:features?|releases?|sprints?|work|the roadmap))|"
    r"step[- ]by[- ]step|\broadmap for me\b|"
    r"\bmy (?:path|route|way|journey|move|transition|roadmap)\b|"
    r"\bhow (?:do|can|should|could|would) i (?:get|go|move|grow|progress|advance|climb|become|"
    r"reach|transition|level up|step up|make (?:it|the jump))\b|"
    r"\bhelp me (?:get|move|become|reach|grow|progress)\b|"
    r"\bwhat (?:should|do|must) i do to (?:become|get|reach|move)\b|"
    r"\bget(?:ting)? promoted\b|\bpromotion to\b|\bpath (?:to|towards)\b|\bprepare for\b",
    re.IGNORECASE,
)
_CURRENT = re.compile(r"\b(?:i'?m|i am|as an?|currently|now|from)\b", re.IGNORECASE)


def wants_plan(text: str) -> bool:
    """Whether the text asks for a plan ("plan my next step", "how do I get promoted")."""
    return bool(_PLAN_WORDS.search(text))


_PROMOTION = re.compile(
    r"\bpromot\w*|\bnext (?:step|level|move|role)\b|\bmove up\b|\blevel up\b|\bstep up\b|"
    r"\bgrow(?:ing)? (?:into|to)\b|\bget ahead\b",
    re.IGNORECASE,
)


def wants_promotion(text: str) -> bool:
    """Whether a first-person ask is about the user's own next move ("for a promotion")."""
    return bool(_PROMOTION.search(text))


@dataclass(frozen=True)
class PlanRequest:
    from_role: Role
    to_role: Role
    assumed_start: bool


def recognise_plan_request(
    text: str, ladder: CareerLadder, asked: bool = False
) -> PlanRequest | None:
    """The (from, to) roles if the text asks for a plan, else None; `asked` when the caller
    already knows a plan is wanted (by the ask's meaning), so no plan wording is needed."""
    if not asked and not _PLAN_WORDS.search(text):
        return None
    mentions = ladder.mentions(text)
    roles: list[Role] = []
    for m in mentions:
        if m.role not in roles:
            roles.append(m.role)
    if not roles:
        return None
    if len(roles) >= 2:
        first, second = roles[0], roles[1]
        cue_first = _cue(text, mentions, first)
        cue_second = _cue(text, mentions, second)
        # "to VP ..., I'm a lead PM" names the target first; otherwise the current role leads.
        if cue_first == "target" or cue_second == "current":
            first, second = second, first
        return PlanRequest(first, second, assumed_start=False)
    target = roles[0]
    previous = ladder.previous_role(target)
    # "I'm a PM, how do I grow?" names where the user is; the target is the next level.
    if _CURRENT.search(_plain(text[: mentions[0].start])) and not re.search(
        r"\b(?:to|become|reach)\s+(?:an?\s+|the\s+)?$", _plain(text[: mentions[0].start])
    ):
        nxt = ladder.next_role(target)
        if nxt is not None:
            return PlanRequest(target, nxt, assumed_start=False)
    if previous is None:
        return None
    return PlanRequest(previous, target, assumed_start=True)


_TARGET_CUE = re.compile(r"\b(?:to|become|becoming|reach|into|towards?)\s+(?:an?\s+|the\s+)?$")
_CURRENT_CUE = re.compile(
    r"\b(?:from|i'?m|i am|as|currently|now)\s+(?:an?\s+|the\s+)?(?:currently\s+)?(?:an?\s+)?$"
)


def _cue(text: str, mentions: list[RoleMention], role: Role) -> str:
    """'target' or 'current' from the words right before the role's first mention, else ''."""
    start = next(m.start for m in mentions if m.role is role)
    before = normalize(text)[:start]
    if _TARGET_CUE.search(before):
        return "target"
    if _CURRENT_CUE.search(before):
        return "current"
    return ""


def _plain(text: str) -> str:
    return re.sub(r"[-‐‑–—_/]", " ", text.lower().replace("’", "'"))
