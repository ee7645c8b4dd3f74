"""Normalising a question as typed: chat shorthand expanded, misspellings corrected.

Spelling is corrected against a real English frequency dictionary (symspellpy's, built from
Google n-grams) plus the corpus's own words, which win ties: "skils" -> "skills",
"stakholder" -> "stakeholder". A misspelling that is itself an English word ("dose" for "does")
is corrected only when the bigram dictionary shows the neighbour in this context and not the
word ("skills dose a" -> "does a"), so "how do I hire a PM" keeps "hire". Words of the loaded
ladders (role names and abbreviations included) are never changed.
"""

import re
import tomllib
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources

from symspellpy import SymSpell, Verbosity

from advisor.lexicon import STOPWORDS
from advisor.textclean import clean_text

RARE_COUNT = 1_000_000  # a word this rare may be a clipped form of a corpus word ("execs")
MIN_COUNT = 100_000  # dictionary words rarer than this are mostly names and noise
REAL_WORD_RATIO = 10  # a real word is replaced only by a neighbour this much more frequent
RARE_REAL_WORD = 5_000_000  # a content word this common is what was meant (the top ~9,200 words)
RECENT_TEXTS = 256  # texts whose normal form is remembered
# A word, or a chat shorthand written with a slash or a semicolon ("w/", "w/o", "tl;dr").
_WORD = re.compile(
    r"[A-Za-z]/[A-Za-z](?![A-Za-z])|[A-Za-z]/(?![A-Za-z])|[A-Za-z]{2};[A-Za-z]{2}(?![A-Za-z])"
    r"|[A-Za-z][A-Za-z']*"
)
_AS_TO = re.compile(r"\b([A-Za-z]{3,})-wise\b", re.IGNORECASE)
# The same suffix written apart at the end of a clause ("the vibe at VP level, responsibilities
# wise"), after a content word: not "is this wise?" nor "would it be wise to ...".
_AS_TO_APART = re.compile(
    r"\b([A-Za-z]{3,})\s+wise\b(?=\s*(?:[,.;:!?)\-]|$|(?:what|how|who|which|where|when|why|do|"
    r"does|is|are|can|should)\b))",
    re.IGNORECASE,
)


@cache
def abbreviations() -> dict[str, str]:
    """Chat shorthand -> English (advisor/data/chat_abbreviations.toml)."""
    text = resources.files("advisor.data").joinpath("chat_abbreviations.toml").read_text("utf-8")
    return {k.lower(): str(v) for k, v in tomllib.loads(text)["expand"].items()}


@cache
def _english_words() -> dict[str, int]:
    """word -> count, from the dictionary symspellpy ships (~0.05 s; the bigrams, four times
    as long to read, are loaded apart so a ladder's names can be weighed without them)."""
    base = resources.files("symspellpy")
    words: dict[str, int] = {}
    for line in base.joinpath("frequency_dictionary_en_82_765.txt").read_text("utf-8").split("\n"):
        parts = line.split()
        if len(parts) == 2:
            words[parts[0]] = int(parts[1])
    return words


@cache
def _english() -> tuple[dict[str, int], dict[str, int]]:
    """(word -> count, bigram -> count) from the dictionaries symspellpy ships."""
    base = resources.files("symspellpy")
    bigrams: dict[str, int] = {}
    text = base.joinpath("frequency_bigramdictionary_en_243_342.txt").read_text("utf-8")
    for line in text.split("\n"):
        parts = line.split()
        if len(parts) == 3:
            bigrams[f"{parts[0]} {parts[1]}"] = int(parts[2])
    return _english_words(), bigrams


def english_count(word: str) -> int:
    """How often the word occurs in the English frequency dictionary (0: not in it)."""
    return _english_words().get(word.lower(), 0)


def is_english(word: str) -> bool:
    """Whether the word is in the English frequency dictionary."""
    return word.lower() in _english_words()


class Normaliser:
    """Expands shorthand and fixes typos; the corpus's words are the protected vocabulary."""

    def __init__(
        self,
        corpus_words: Iterable[str],
        protected: Iterable[str] = (),
        phrases: Iterable[str] = (),
    ) -> None:
        self.corpus = sorted({w.lower() for w in corpus_words if w and w.isalpha()})
        self.protected = set(self.corpus) | {w.lower() for w in protected if w}
        # Two-word phrases of the corpus and its role names ("principal pm"): evidence that a
        # real word typed in their place was a slip ("principle pm").
        self.phrases = {p.lower() for p in phrases}
        # Each phrase filed under both its words: the word that completes one beside a given
        # neighbour is looked up, not searched for among every ladder's phrases.
        self._before: dict[str, set[str]] = {}  # next word -> words that precede it
        self._after: dict[str, set[str]] = {}  # previous word -> words that follow it
        for phrase in self.phrases:
            a, _, b = phrase.partition(" ")
            self._before.setdefault(b, set()).add(a)
            self._after.setdefault(a, set()).add(b)
        self._speller: SymSpell | None = None
        # A message is normalised to choose its ladder, again by each ladder read for it, and
        # each earlier turn again at every later one: the same text always gives the same result.
        self._recent = lru_cache(maxsize=RECENT_TEXTS)(self._normalise)

    def _spell(self) -> SymSpell:
        # Built on the first word that needs it: most questions are spelled right.
        if self._speller is None:
            words = _english_words()
            speller = SymSpell(max_dictionary_edit_distance=2)
            top = max(words.values())
            for word, count in words.items():
                if count >= MIN_COUNT:
                    speller.create_dictionary_entry(word, count)
            for word in self.protected:
                if word.isalpha():
                    # Corpus words outrank English ones at the same distance.
                    speller.create_dictionary_entry(word, top)
            self._speller = speller
        return self._speller

    def normalise(self, text: str) -> str:
        """The text with shorthand expanded and misspellings corrected; case kept elsewhere."""
        return self._recent(text)

    def _normalise(self, text: str) -> str:
        # "responsibility-wise", "pay-wise": the English suffix means "as to <word>", so the
        # word is what is asked about.
        text = _AS_TO.sub(r"\1", clean_text(text))
        text = _AS_TO_APART.sub(
            lambda m: m.group(0) if m.group(1).lower() in STOPWORDS else m.group(1), text
        )
        expanded = _WORD.sub(lambda m: self._expand(m.group(0)), text)
        tokens = list(_WORD.finditer(expanded))
        out, last = [], 0
        for i, match in enumerate(tokens):
            prev = tokens[i - 1].group(0).lower() if i else ""
            nxt = tokens[i + 1].group(0).lower() if i + 1 < len(tokens) else ""
            out.append(expanded[last : match.start()])
            out.append(self._correct(match.group(0), prev, nxt))
            last = match.end()
        out.append(expanded[last:])
        return re.sub(r"\s+", " ", "".join(out)).strip()

    def _expand(self, word: str) -> str:
        lower = word.lower().replace("'", "")
        if "/" in word or ";" in word:
            return abbreviations().get(re.sub(r"[/;]", "", lower), word)
        if lower in self.protected or "'" in word:
            return word
        return abbreviations().get(lower, word)

    def _correct(self, word: str, prev: str, nxt: str) -> str:
        lower = word.lower()
        if (
            len(lower) < 4
            or "'" in lower
            or lower in self.protected
            or sum(c.isupper() for c in word) >= 2  # an acronym the user meant (CPO, OKRs)
        ):
            return word
        words, bigrams = _english()
        if words.get(lower, 0) < RARE_COUNT:
            clipped = self._unclipped(lower)
            if clipped is not None:
                return clipped
        if lower in words:
            return self._real_word(word, lower, prev, nxt, words, bigrams)
        clipped = self._unclipped(lower)
        if clipped is not None:
            return clipped
        fitted = self._phrase_fit(lower, prev, nxt)
        if fitted is not None and not self._english_phrase(lower, prev, nxt):
            # "princple pm": the ladder's "principal pm", not "principle"; but "product
            # managment" is one letter from "management" and three from the ladder's "manager".
            return _cased(word, fitted)
        distance = 1 if len(lower) <= 5 else 2
        found = self._spell().lookup(lower, Verbosity.CLOSEST, max_edit_distance=distance)
        return _cased(word, found[0].term) if found else word

    def _english_phrase(self, lower: str, prev: str, nxt: str) -> bool:
        """Whether the English word closest to `lower` makes a phrase English uses with a
        neighbour ("product managment": "product management"), which then outweighs the
        ladder's phrase ("product manager"); "princple pm" has no such phrase ("principle
        pm"), so the ladder's "principal pm" stands."""
        found = self._spell().lookup(lower, Verbosity.CLOSEST, max_edit_distance=2)
        bigrams = _english()[1]
        # A function word beside it ("a principle") says nothing of which word was meant.
        before = prev if prev not in STOPWORDS else ""
        after = nxt if nxt not in STOPWORDS else ""
        return any(
            (before and f"{before} {s.term}" in bigrams)
            or (after and f"{s.term} {after}" in bigrams)
            for s in found[:3]
        )

    def _phrase_fit(self, lower: str, prev: str, nxt: str) -> str | None:
        """A ladder word up to two edits away that makes a ladder phrase with a neighbour: a
        corpus phrase is stronger evidence than general English ("a principle" is English;
        "principal pm" is the ladder's)."""
        # The ladder words that would complete a phrase with a neighbour: a handful, so each
        # is measured directly, allowing one more edit than the speller's dictionary lookup
        # (a dropped and a swapped letter: "princple").
        fits = {w for w in self.completions(prev, nxt) if w != lower and w in self.protected}
        limit = 3 if len(lower) >= 8 else 2 if len(lower) >= 5 else 1
        scored = [(_distance(lower, w, limit), w) for w in sorted(fits)]
        near = [(d, w) for d, w in scored if 0 <= d <= limit]
        if not near:
            return None
        best = min(d for d, _ in near)
        closest = [w for d, w in near if d == best]
        return closest[0] if len(closest) == 1 else None

    def completions(self, prev: str, nxt: str) -> set[str]:
        """The words that make a phrase with the word before or the word after them."""
        # "principle pms": a plural neighbour completes the phrase its singular does.
        before = self._before.get(nxt, set()) | self._before.get(nxt.removesuffix("s"), set())
        return before | self._after.get(prev, set())

    def _unclipped(self, lower: str) -> str | None:
        """A clipped form of a corpus word ("execs" -> "executives"), when only one fits."""
        stem = lower.removesuffix("s")
        if len(stem) < 4:
            return None
        plural = lower.endswith("s")
        found = {w for w in self.corpus if w.startswith(stem) and w != lower}
        found = {w for w in found if w.endswith("s") == plural} or found
        return found.pop() if len(found) == 1 else None

    def _real_word(
        self,
        word: str,
        lower: str,
        prev: str,
        nxt: str,
        words: dict[str, int],
        bigrams: dict[str, int],
    ) -> str:
        if lower in STOPWORDS:
            # A function word is what was meant ("they brake into ..." is not "the brake").
            return word

        def context(w: str) -> int:
            return bigrams.get(f"{prev} {w}", 0) + bigrams.get(f"{w} {nxt}", 0)

        # A real word in a phrase English itself uses with that neighbour ("project manager")
        # is that phrase, not a misspelt ladder phrase ("product manager"); "principle pm" is
        # no English phrase, so it becomes the ladder's "principal pm".
        fitted = self._phrase_fit(
            lower,
            "" if f"{prev} {lower}" in bigrams else prev,
            "" if f"{lower} {nxt}" in bigrams else nxt,
        )
        if fitted is not None:
            return _cased(word, fitted)
        if context(lower) > 0:
            return word
        best, best_context = word, 0
        for s in self._spell().lookup(lower, Verbosity.ALL, max_edit_distance=1):
            if s.term == lower or s.count < REAL_WORD_RATIO * words[lower]:
                continue
            if s.term not in STOPWORDS and words[lower] >= RARE_REAL_WORD:
                # A common content word typed is the word meant, however common a neighbour
                # ("new gear" is not "new year"); a slip that makes another real word makes a
                # rare one ("handel") or is a function word's ("dose" for "does").
                continue
            if (c := context(s.term)) > best_context:
                best, best_context = s.term, c
        return _cased(word, best) if best_context else word


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau (optimal string alignment) edit distance, -1 when over the limit."""
    from symspellpy.editdistance import DistanceAlgorithm, EditDistance

    return int(EditDistance(DistanceAlgorithm.DAMERAU_OSA).compare(a, b, limit))


def _cased(original: str, replacement: str) -> str:
    return replacement.capitalize() if original[:1].isupper() else replacement
