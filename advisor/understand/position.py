"""Levels named by their place on the ladder rather than by name.

"the third rung", "the one in the middle", "two promotions after APM", "one level below the
top": the ladder's order says which level is meant, on any ladder. The number words are the
closed class of English ordinals and small cardinals.
"""

import re
from dataclasses import dataclass

from advisor.ladder import CareerLadder, Role, normalize

_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth"]  # fmt: skip
_CARDINALS = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "a couple of": 2}
_STEP = r"(?:rung|level|step|role|tier|stage|position|title|one|promotion|jump|grade|band)s?"
_ORDINAL = re.compile(
    rf"\b(?:the\s+)?(?P<n>{'|'.join(_ORDINALS)}|\d(?:st|nd|rd|th))\s+(?:\w+\s+)?{_STEP}\b"
    r"(?P<top>\s+from\s+the\s+top)?",
    re.IGNORECASE,
)
_COUNT = re.compile(
    rf"\b(?P<n>{'|'.join(_CARDINALS)}|\d)\s+{_STEP}\s+"
    r"(?P<dir>above|after|past|beyond|up from|higher than|below|before|under|down from|"
    r"lower than)\b",
    re.IGNORECASE,
)
_MIDDLE = re.compile(
    rf"\b(?:the\s+)?(?:{_STEP}\s+in\s+the\s+middle|middle\s+{_STEP})\b", re.IGNORECASE
)
_ARTICLE = re.compile(r"(?:(?:a|an|the)\s+)?")
_END = re.compile(r"\s*the\s+(top|bottom)\b", re.IGNORECASE)
_UPWARD = ("above", "after", "past", "beyond", "up from", "higher than")


@dataclass(frozen=True)
class Placed:
    """A level the text names by its place, and the words that name it."""

    role: Role
    start: int
    end: int


def placed_level(text: str, ladder: CareerLadder, base: Role | None) -> Placed | None:
    """The level a phrase of text names by position; `base` is the level counted from when
    the phrase counts steps from a level it doesn't name ("two levels above that")."""
    roles = ladder.roles
    if not roles:
        return None
    found = _ORDINAL.search(text)
    if found:
        n = _number(found.group("n"))
        if 1 <= n <= len(roles):
            role = roles[-n] if found.group("top") else roles[n - 1]
            return Placed(role, found.start(), found.end())
    found = _MIDDLE.search(text)
    if found and len(roles) % 2 == 1:
        return Placed(roles[len(roles) // 2], found.start(), found.end())
    found = _COUNT.search(text)
    if found and not ladder.mentions(text[: found.start()]):
        # (With a level named before it, "principal is a step below senior" is a claim about
        # that level, not a name for another.)
        rest = text[found.end() :]
        lead = len(rest) - len(rest.lstrip())
        end_word = _END.match(rest)
        named = ladder.mentions(rest)
        start_role: Role | None = base
        end = found.end()
        if end_word:
            # "one level below the top"
            start_role = roles[-1] if end_word.group(1).lower() == "top" else roles[0]
            end += end_word.end()
        elif named and _ARTICLE.fullmatch(normalize(rest)[: named[0].start]):
            # The level counted from is part of the phrase ("two promotions after an APM").
            start_role = named[0].role
            end += lead + len(rest.lstrip()[: named[0].start]) + len(named[0].alias)
            while end < len(text) and (text[end].isalpha() or text[end] == "'"):
                end += 1  # a plural or possessive ending of the name
        if start_role is None:
            return None
        steps = _number(found.group("n"))
        up = found.group("dir").lower() in _UPWARD
        index = roles.index(start_role) + (steps if up else -steps)
        if 0 <= index < len(roles):
            return Placed(roles[index], found.start(), end)
    return None


def _number(word: str) -> int:
    word = word.lower()
    if word in _ORDINALS:
        return _ORDINALS.index(word) + 1
    if word[:1].isdigit():
        return int(word[0])
    return _CARDINALS.get(word, 0)
