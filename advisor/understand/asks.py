"""Splitting a question into its asks, and finding each ask's roles and need.

A message may hold context ("I came from consulting last year."), one ask, or several
("What does a senior PM do, and what do they earn?"). Each ask is judged on its own, so a covered
ask is answered even when its neighbour is not. Context sentences are never judged for coverage:
they only tell who the user is ("I'm a PM now." names the user's level).
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum

from advisor.ladder import CareerLadder, Role
from advisor.understand.tagging import negates_main_clause

# Question words are a closed class of English; they start an ask, and after a conjunction
# they start a second one ("..., and what do they earn?").
# A question word may carry "is" without its apostrophe, as typed in chat ("whats", "hows").
_WH = r"(?:what|which|who|whom|whose|when|where|why|how)(?:'?s)?"
_AUX = r"do|does|did|am|is|are|was|were|can|could|should|would|will|must|may|might|have|has"
_REQUEST = (
    r"tell|explain|list|name|describe|outline|summari[sz]e|walk|show|give|help|compare|"
    r"enumerate|define|clarify|plan|break|spell|recap"
)
_ASK_START = re.compile(rf"^\W*(?:(?:so|and|also|ok|okay|but|then|pls|please)\W+)*(?:{_WH}|{_AUX}|"
                        rf"{_REQUEST}|any|anything)\b", re.IGNORECASE)  # fmt: skip
_REQUEST_START = re.compile(rf"^\W*(?:(?:pls|please)\W+)?(?:{_REQUEST})\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_JOIN = re.compile(
    rf"(?:\s*[,;]\s*|\s+)(?:and|also|plus|but|&|\+)\s+(?:also\s+)?(?=(?:{_WH}|{_AUX})\b)|"
    rf"\s*;\s*(?=(?:{_WH}|{_AUX})\b)|\s*,\s*(?=(?:{_WH})\b)|\s+\+\s+",
    re.IGNORECASE,
)
_CONJOINED = re.compile(r"\s(?:and|also|plus|&|\+)\s|;", re.IGNORECASE)
# A question tag asking to confirm what precedes it: "..., right?", "..., does it?", "...,
# doesn't it?", "..., makes sense?".
_TAG = re.compile(r",?\s*(?:right|correct|true|yes|no|makes? sense|"
                  r"is (?:that|it) (?:so|true|right)|"
                  r"(?:do|does|did|is|are|was|were|can|could|will|would|have|has|should)(?:n'?t)?"
                  r"\s+(?:it|they|he|she|we|you|i|that|there))\s*\??$",
                  re.IGNORECASE)  # fmt: skip
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|my|me)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:they|them|their|it|its|that role|this role|that level|this level|"
                      r"that one|this one|he|she|his|her)\b", re.IGNORECASE)  # fmt: skip
_NEGATED = re.compile(r"\b(?:not|never|no)\b|n't\b", re.IGNORECASE)
# A negation typed without its apostrophe ("doesnt", "cant"), read as "doesn't", "can't".
_APOSTROPHE_LESS = re.compile(
    r"\b(do|does|did|is|are|was|were|has|have|had|should|would|could|must|need|ca|wo)nt\b",
    re.IGNORECASE,
)
_CLAIM_START = re.compile(rf"^\W*(?:{_AUX}|isn'?t|aren'?t|don'?t|doesn'?t|can'?t)\b", re.IGNORECASE)
# Claims about where levels sit: two levels side by side, one below or above another, a level
# at either end of the ladder.
STRAIGHT = re.compile(r"\b(?:straight|directly|right)\s+(?:to|into|up to)\b|\bskip\w*\b|"
                       r"\bno (?:level|step|role|rung)s? (?:in )?between\b|"
                       r"\bnothing (?:in )?between\b", re.IGNORECASE)  # fmt: skip
# Rank words only: "under" and "after" are as often about people and time as about rank.
# "X comes before Y" on a ladder is lower; "after" alone is left out (time, not rank).
BELOW = re.compile(r"\b(?:below|beneath|lower than|junior to|outranked by|comes? before|"
                   r"precedes?)\b", re.IGNORECASE)  # fmt: skip
ABOVE = re.compile(r"\b(?:above|higher than|senior to|outranks?|comes? after)\b", re.IGNORECASE)
_RANKED = r"(?:step|rung|level|role|job|position|tier|spot)"
_WHOLE = r"(?:ladder|career|path|hierarchy|tree|track)"
STARTS = re.compile(rf"\b(?:(?:starting|entry|start)(?:[- ]level)?\s+(?:point|{_RANKED})|"
                    rf"(?:first|bottom|lowest)\s+{_RANKED}|"
                    rf"(?:bottom|start) of the {_WHOLE})\b", re.IGNORECASE)  # fmt: skip
TOPS = re.compile(rf"\b(?:(?:top|highest|last|final)\s+{_RANKED}|top of the {_WHOLE})\b",
                  re.IGNORECASE)  # fmt: skip


def claims_order(text: str, roles: int) -> bool:
    """Whether a claim about `roles` named levels is about where they sit on the ladder."""
    if roles == 2:
        return bool(STRAIGHT.search(text)) or bool(BELOW.search(text)) != bool(ABOVE.search(text))
    return roles == 1 and bool(STARTS.search(text) or TOPS.search(text))


# "which level sits between X and Y": the levels strictly between two named ones.
# A difference between two levels ("what's the difference between X and Y") is a comparison.
BETWEEN = re.compile(
    r"^(?!.*\b(?:differ\w*|compar\w*|distinguish\w*|gap|contrast)\b).*\b(?:which|what)\b.*"
    r"\b(?:between|in between)\b",
    re.IGNORECASE,
)
TOP = re.compile(r"\b(?:top|highest|ultimate|last|final|most senior|peak)\b", re.IGNORECASE)
BOTTOM = re.compile(r"\b(?:bottom|lowest|first|entry|start|starting|beginning)\b", re.IGNORECASE)
# A claim stated, then asked about: "X is a step below Y, so why would anyone go for it?"
_THEN_WHY = re.compile(
    r"\w.*(?:,\s*(?:so|then|and)\s+(?:why|how come)\b|\s[—–-]+\s*why\b|,\s*why\b[^,]{0,20}$)",
    re.IGNORECASE,
)  # "X, so why ...", "Innovation is an APM skill — why?", "X, why so early??"
# Openings that take a claim for granted: "why do X ...", "since X ...", "the guide says X ...".
_WHY = re.compile(
    r"^\W*(?:why|how come|since|given that|seeing as|because|the (?:guide|text|article) says|"
    r"i (?:heard|read|was told)|(?:what'?s|what is) the reason|for what reason|how is it that|"
    # "As an APM I'm supposed to manage teams of PMs, so ...": a duty taken for granted.
    r"as an? [^,.?]{1,40}?\b(?:i'?m|i am)\s+(?:supposed|expected|meant|required)\s+to)\b",
    re.IGNORECASE,
)
# A question that only asks to confirm the statement before it ("My manager says X. Makes
# sense?", "APMs own the roadmap. True?"): the statement is what is asked.
_CONFIRMING = re.compile(
    r"^\W*(?:(?:does (?:that|this|it) )?makes? sense|(?:is )?(?:that|this|it) (?:so|true|right|"
    r"correct|accurate)|(?:is that|am i) right|true|right|correct|agree|yes or no|or not)\W*$",
    re.IGNORECASE,
)


class Need(StrEnum):
    """What an ask wants from the ladder."""

    DUTIES = "duties"
    SKILLS = "skills"
    NEXT = "next"
    PREVIOUS = "previous"
    COMPARE = "compare"
    ORDER = "order"
    PLAN = "plan"  # a plan for a move up the ladder
    TOPIC = "topic"  # a specific subject ("do APMs need to code?")


# The needs answered with a role's own items.
ITEM_NEEDS = frozenset([Need.DUTIES, Need.SKILLS])
# The nouns by which a question names one kind of item outright ("list out the skills for VP
# in order", "what are a PM's responsibilities?"): they say which list is wanted whatever the
# rest of the wording sounds like.
_NAMES_SKILLS = re.compile(
    r"\b(?:skills?|skillset|abilities|competenc(?:y|ies)|strengths|qualities)\b", re.IGNORECASE
)
_NAMES_DUTIES = re.compile(r"\b(?:responsibilit(?:y|ies)|duties|duty|tasks|remit)\b", re.IGNORECASE)


def named_item_need(text: str) -> Need | None:
    """SKILLS or DUTIES when the text names that kind of item and not the other."""
    skills, duties = bool(_NAMES_SKILLS.search(text)), bool(_NAMES_DUTIES.search(text))
    if skills == duties:
        return None
    return Need.SKILLS if skills else Need.DUTIES


@dataclass(frozen=True)
class Ask:
    """One thing a message asks, with the roles it is about."""

    text: str
    roles: tuple[Role, ...] = ()
    need: Need = Need.TOPIC
    claim: bool = False  # a yes/no question or a statement asked to be confirmed
    presupposes: bool = False  # "why do X ...?": asserts X ... and asks why
    negated: bool = False  # "senior PMs don't deal with executives, right?"
    inherited_roles: bool = False  # roles came from the conversation, not the ask itself


@dataclass
class Message:
    """A user message taken apart: its asks, and the context sentences around them."""

    asks: list[Ask]
    context: list[str] = field(default_factory=list)
    stated_role: Role | None = None


def split_message(text: str) -> tuple[list[str], list[str]]:
    """(asks, context): sentences that ask something, split at joined questions; the rest."""
    sentences = [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]
    asks: list[str] = []
    context: list[str] = []
    for sentence in sentences:
        parts = [p.strip(" ,;") for p in _JOIN.split(sentence) if p and p.strip(" ,;")]
        # Joined by a conjunction ("X + how ...?", "X, and what ...?"), not a lead-in clause
        # before a question word ("According to the text, what ...?").
        joined = len(parts) > 1 and bool(_CONJOINED.search(sentence))
        if len(parts) > 1 and not joined and _REQUEST_START.match(parts[0]):
            # "Walk me through, step by step, how ...": the question clause is the object of the
            # request before it, one ask, not two.
            parts = [sentence.strip(" ,;")]
        for part in parts:
            # A clause that takes a claim for granted ("since X never ...") is checked like an ask.
            if (
                part.endswith("?")
                or _ASK_START.match(part)
                or _TAG.search(part)
                or _WHY.match(part)
                # A bare topic joined to a question ("skills for an APM + how long until ...?")
                # is asked too; a statement about oneself beside a question is context.
                or (joined and not first_person(part))
            ):
                asks.append(part)
            else:
                context.append(part)
    if not asks and context:
        # A bare topic ("senior pm skills") or a request without a question word.
        asks, context = [context[-1]], context[:-1]
    if asks and _CONFIRMING.match(asks[0]) and context:
        asks = [f"{context[-1].rstrip('.!')}, {asks[0]}", *asks[1:]]
        context = context[:-1]
    return asks, context


def first_person(text: str) -> bool:
    return bool(_FIRST_PERSON.search(text))


def refers_back(text: str) -> bool:
    return bool(_PRONOUN.search(text))


def claim_shape(text: str) -> tuple[bool, bool, bool]:
    """(claim, presupposes, negated) from the ask's form."""
    tagged = bool(_TAG.search(text)) and not text.lower().startswith(("what", "which", "who"))
    claim = tagged or bool(_CLAIM_START.match(text))
    presupposes = bool(_WHY.match(text) or _THEN_WHY.search(text))
    body = _APOSTROPHE_LESS.sub(r"\1n't", _TAG.sub("", text))
    # As in the guide's sentences, a negation counts only in what the claim states: "why do
    # APMs need technical understanding if they aren't developers?" claims that they need it.
    # The claim a premise opener wraps ("what's the reason X don't ...") is read without it.
    opener = _WHY.match(body)
    stated = body[opener.end() :] if opener else body
    negated = (
        bool(_NEGATED.search(body))
        and (claim or presupposes)
        and negates_main_clause(stated.replace("’", "'"), relative=False)
    )
    return claim, presupposes, negated


def roles_in(text: str, ladder: CareerLadder) -> list[Role]:
    """The distinct roles the text names, in order of first mention."""
    roles: list[Role] = []
    for mention in ladder.mentions(text):
        if mention.role not in roles:
            roles.append(mention.role)
    return roles


def mask_roles(text: str, ladder: CareerLadder, placeholder: str = "this role") -> str:
    """The text with every role name replaced, so meaning is compared without the names."""
    from advisor.ladder import normalize

    norm = normalize(text)
    spans = sorted(((m.start, m.start + len(m.alias)) for m in ladder.mentions(text)), reverse=True)
    for start, end in spans:
        # The mention may carry a plural or possessive ending the alias does not.
        while (end < len(norm) and norm[end].isalpha()) or (end < len(norm) and norm[end] == "'"):
            end += 1
        norm = norm[:start] + placeholder + norm[end:]
    return norm
