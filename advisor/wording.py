"""What the advisor says in its own voice: refusals and the asks it cannot answer.

The words name the loaded ladder's roles and the user's own question, never a profession the
code assumes, and never internal tokens.
"""

import re
from collections.abc import Sequence

from advisor.ladder import CareerLadder, Role, with_article
from advisor.understand.read import ReadAsk, Reading

MAX_QUOTED_WORDS = 14
_UNSAFE = re.compile(r"[\d$€£¥%<>{}\[\]`\"“”]")


_NOUN_PHRASE = re.compile(r"^(?:the|their|his|her|its)\s+\w", re.IGNORECASE)


def not_covered(read: ReadAsk) -> str:
    """One plain sentence naming an ask the guide does not cover, in the user's words."""
    ask = read.ask
    topic = " ".join(read.coverage.topic)
    if ask.claim or ask.presupposes:
        # A claim is named by its subject only, so an asserted falsehood is never repeated.
        if topic and not _UNSAFE.search(topic):
            return f"The guide doesn't say anything about {topic}."
        return "The guide doesn't say anything about that."
    quoted = ask.text.strip().rstrip("?.! ")
    # Only a short question is quoted back: an instruction or a figure in it is never repeated.
    if len(quoted.split()) > MAX_QUOTED_WORDS or _UNSAFE.search(quoted):
        return "The guide doesn't cover the rest of your question."
    if _NOUN_PHRASE.match(quoted):
        # The second half of "X's skills and the certifications they hold" names a thing.
        return f"The guide doesn't cover {quoted}."
    if not _is_question(quoted):
        return "The guide doesn't cover the rest of your question."
    return f"The guide doesn't cover “{quoted}”."


def refusal_text(reading: Reading, ladder: CareerLadder, listing: str | None = None) -> str:
    """A short refusal: what the guide covers for the role asked about (or, given `listing`
    from ladders_listing, which ladders are loaded), and two questions it can answer."""
    roles = [role for r in reading.asks for role in r.ask.roles]
    role = roles[0] if roles else (ladder.roles[0] if ladder.roles else None)
    if role is None:
        return "The guide doesn't cover that."
    if roles:
        about = (
            f"For {with_article(role.name)}, it covers the responsibilities, the skills "
            "to develop and the next step up."
        )
    elif listing is not None:
        about = listing
    else:
        about = coverage_sentence(ladder)
    return (
        f"The guide doesn't cover that. {about} You could ask: “What does "
        f"{with_article(role.name)} do?” or “What skills does {with_article(role.name)} need?”"
    )


LISTED_LADDERS = 10


def ladders_listing(ladders: Sequence[CareerLadder]) -> str | None:
    """The loaded ladders' roles in one sentence, or None when one ladder is loaded (a refusal
    then says what that ladder covers). Past LISTED_LADDERS the rest are counted, not listed: a
    refusal stays short however many ladders a team loads.

    Its caller writes it once per set of loaded ladders and keeps it: gathering and hashing
    every loaded ladder to look the sentence up again made a refusal at 1000 ladders ~0.08 ms
    slower than at ten, the one part of a refusal that grew with the corpus."""
    if len(ladders) < 2:
        return None
    listed = "; ".join(
        " → ".join(r.name for r in ladder.roles) for ladder in ladders[:LISTED_LADDERS]
    )
    more = len(ladders) - LISTED_LADDERS
    return (
        "The loaded guides cover these ladders: "
        + listed
        + (f"; and {more} more" if more > 0 else "")
        + "."
    )


def coverage_sentence(ladder: CareerLadder) -> str:
    """What the loaded guide covers, from its parsed ladder."""
    names = ", ".join(r.name for r in ladder.roles)
    if not names:
        return "Its topics are listed in its section headings."
    return (
        f"It covers the career ladder {names}: what each level is responsible for, the skills "
        "to develop at each level, and how to move up."
    )


def _is_question(text: str) -> bool:
    return bool(
        re.match(
            r"^\W*(?:what|which|who|when|where|why|how|do|does|is|are|can|should)\b", text, re.I
        )
    )


__all__ = ["Role", "coverage_sentence", "not_covered", "refusal_text"]
