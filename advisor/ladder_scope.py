"""Which ladder a message is about, when several are loaded; answers never mix ladders.

A ladder scope bundles what answering needs for one ladder: the ladder, its reader (normaliser,
needs, coverage), its direct answerer and its verifier, and the documents retrieval may draw on
(the ladder's own document plus reference documents that hold no ladder). The ladder a message
is about is, in order: the one whose roles it names; the one the conversation is about; the one
selected (`--ladder`, the UI's picker); the only one that covers the question. Otherwise the
advisor asks which ladder is meant.
"""

import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from advisor.conversation import Message
from advisor.direct import Answerer
from advisor.errors import AdvisorError
from advisor.ladder import CareerLadder, normalize
from advisor.lexicon import STOPWORDS, stem, tokens
from advisor.understand.asks import Need
from advisor.understand.meaning import framing_words
from advisor.understand.normalise import Normaliser
from advisor.understand.read import Reader, Reading
from advisor.verifier import Verifier


class UnknownLadderError(AdvisorError):
    """A ladder name that matches none of the loaded ladders."""


@dataclass(frozen=True)
class ScopeParts:
    """What answers about one ladder: built when the ladder is first read (see LadderScope)."""

    reader: Reader
    answerer: Answerer
    verifier: Verifier


class LadderScope:
    """Everything that answers questions about one ladder.

    Its reader, answerer and verifier are built on first use, not at start: a question reads
    at most a few ladders (READ_AT_MOST), so building every ladder's understanding at start
    made start-up grow with the corpus while answers did not need it.
    """

    def __init__(
        self,
        ladder: CareerLadder,
        sources: frozenset[str] | None,  # None: every document (a single ladder, or none)
        build: Callable[[], ScopeParts],
        normaliser: Normaliser,
    ) -> None:
        self.ladder = ladder
        self.sources = sources
        self.normaliser = normaliser  # shared by every ladder: needs no ladder to be built
        self._build = build
        self._parts: ScopeParts | None = None
        self._lock = threading.Lock()

    @property
    def parts(self) -> ScopeParts:
        if self._parts is None:
            with self._lock:  # two answer slots may reach a ladder's first question at once
                if self._parts is None:
                    self._parts = self._build()
        return self._parts

    @property
    def built(self) -> bool:
        """Whether this ladder's reader, answerer and verifier exist yet."""
        return self._parts is not None

    @property
    def reader(self) -> Reader:
        return self.parts.reader

    @property
    def answerer(self) -> Answerer:
        return self.parts.answerer

    @property
    def verifier(self) -> Verifier:
        return self.parts.verifier

    @property
    def name(self) -> str:
        return self.ladder.name or self.ladder.source

    @cached_property
    def name_words(self) -> frozenset[str]:
        """Words of the ladder's name and its roles' names that could point at it: not those
        any ladder could be named with ("career", "level")."""
        names = [self.name, *(r.name for r in self.ladder.roles)]
        words = {w for n in names for w in re.findall(r"[a-z]+", normalize(n)) if len(w) > 2}
        return frozenset(words - STOPWORDS - framing_words())


@dataclass(frozen=True)
class ScopeChoice:
    """The scope for a message, or None with the candidates to ask the user about."""

    scope: LadderScope | None
    candidates: tuple[LadderScope, ...] = ()
    reading: Reading | None = None  # the scope's reading of the message, when choosing read it


def find_scope(scopes: Sequence[LadderScope], name: str) -> LadderScope:
    """The scope a user-typed ladder name denotes (its name or file, case-insensitive)."""
    # A name picked in the browser comes with every question: looked up, not scanned for.
    found = _scope_index(tuple(scopes)).by_name.get(normalize(name))
    if found is not None:
        return found
    ladder = find_ladder([s.ladder for s in scopes], name)
    return next(s for s in scopes if s.ladder is ladder)


def find_ladder(ladders: Sequence[CareerLadder], name: str) -> CareerLadder:
    """The ladder a user-typed name denotes: its name or file, else the only one whose name or
    file contains it (case-insensitive)."""
    wanted = normalize(name)

    for ladder in ladders:
        if wanted in _names(ladder):
            return ladder
    matches = [lad for lad in ladders if any(wanted in n for n in _names(lad))]
    if len(matches) == 1:
        return matches[0]
    listed = "; ".join(lad.name or lad.source for lad in ladders)
    raise UnknownLadderError(
        f"'{name}' is not one of the loaded ladders.", f"Loaded ladders: {listed}."
    )


def _names(ladder: CareerLadder) -> tuple[str, str]:
    """The names a user may type for a ladder: its name (else its file), and its file."""
    return normalize(ladder.name or ladder.source), normalize(ladder.source)


def named_scopes(scopes: Sequence[LadderScope], text: str) -> list[LadderScope]:
    """Scopes whose roles the text names by a name only that ladder uses (not a bare "senior",
    which several ladders share), longest name first."""
    return _named(_scope_index(tuple(scopes)), text)


def _named(index: "_ScopeIndex", text: str) -> list[LadderScope]:
    norm = normalize(text)
    # Only a ladder with a name of its own in the text can be named: the others are not
    # matched at all. A name starts where a word does (as Ladder.mentions requires), so the
    # text's pieces from each word start, one per length a name has, are looked up by key:
    # not every name of every ladder tried (most of a question's time at a thousand ladders).
    named = {
        id(scope): scope
        for start in _word_starts(norm)
        for size in index.name_sizes
        if (scope := index.unique.get(norm[start : start + size])) is not None
    }
    found: list[tuple[int, LadderScope]] = []
    for scope in sorted(named.values(), key=lambda s: index.position[id(s)]):
        spans = [
            len(m.alias)
            for m in scope.ladder.mentions(text)
            if m.alias not in m.role.weak_aliases and index.counts.get(m.alias, 0) == 1
        ]
        if spans:
            found.append((max(spans), scope))
    found.sort(key=lambda t: -t[0])
    return [s for _, s in found]


def _word_starts(norm: str) -> list[int]:
    return [i for i, c in enumerate(norm) if c.isalnum() and (i == 0 or not norm[i - 1].isalnum())]


@dataclass(frozen=True)
class _ScopeIndex:
    """Lookups over one set of loaded ladders, so a question costs no scan of them all."""

    position: dict[int, int]  # id(scope) -> its place among the loaded ladders
    by_source: dict[str, LadderScope]
    by_name: dict[str, LadderScope]  # a ladder's name or file, normalised -> the first so named
    counts: dict[str, int]  # role name -> how many ladders use it (weak names too)
    unique: dict[str, LadderScope]  # a role name only one ladder uses (not weak) -> that one
    name_sizes: tuple[int, ...]  # the lengths those names have
    own_words: dict[str, LadderScope]  # a name word only one ladder's names use -> that one


@lru_cache(maxsize=4)
def _scope_index(scopes: tuple[LadderScope, ...]) -> _ScopeIndex:
    """Computed once per set of loaded ladders."""
    counts: dict[str, int] = {}
    for scope in scopes:
        for alias in {a for r in scope.ladder.roles for a in [*r.aliases, *r.weak_aliases]}:
            counts[alias] = counts.get(alias, 0) + 1
    unique = {
        alias: scope
        for scope in scopes
        for alias in {a for r in scope.ladder.roles for a in r.aliases}
        if alias and counts[alias] == 1
    }
    words = Counter(w for s in scopes for w in s.name_words)
    by_name: dict[str, LadderScope] = {}
    for scope in scopes:
        for name in _names(scope.ladder):
            by_name.setdefault(name, scope)
    return _ScopeIndex(
        position={id(s): i for i, s in enumerate(scopes)},
        by_source={s.ladder.source: s for s in scopes},
        by_name=by_name,
        counts=counts,
        unique=unique,
        name_sizes=tuple(sorted({len(a) for a in unique})),
        own_words={w: s for s in scopes for w in s.name_words if words[w] == 1},
    )


def ladder_phrase(scope: LadderScope) -> str:
    """ "the X ladder", without doubling a name that already ends in "ladder"."""
    name = scope.name
    if name.lower().startswith("the "):
        name = name[4:]
    return f"the {name}" if name.lower().endswith("ladder") else f"the {name} ladder"


# Past this many ladders, only those whose documents hold the passages nearest the question
# are read for coverage: the work per question must not grow with the corpus.
READ_AT_MOST = 4
# ... and when the nearest REFUSE_AFTER of them cover nothing the message asks, it is refused
# without reading further: an out-of-scope question cost READ_AT_MOST readings, and a refusal.
REFUSE_AFTER = 2


def choose_scope(
    scopes: Sequence[LadderScope],
    question: str,
    history: Sequence[Message],
    selected: LadderScope | None,
    nearest: Callable[[str], list[str]] | None = None,
) -> ScopeChoice:
    """The ladder this message is about (see the module docstring); `nearest` gives the
    documents of the passages nearest a question, best first, to bound a large corpus."""
    if len(scopes) == 1:
        return ScopeChoice(scopes[0])
    index = _scope_index(tuple(scopes))  # looked up once per question: hashing them is not free
    text = scopes[0].normaliser.normalise(question)
    named = _named(index, text)
    if named:
        return ScopeChoice(named[0])
    for message in reversed(history):
        if message.role != "user":
            continue
        earlier = _named(index, scopes[0].normaliser.normalise(message.content))
        if earlier:
            return ScopeChoice(earlier[0])
    if selected is not None:
        return ScopeChoice(selected)
    worded = _worded(index, text)
    if len(worded) == 1:
        return ScopeChoice(worded[0])
    bounded = nearest is not None and len(scopes) > READ_AT_MOST
    if nearest is not None and bounded:
        by_source = index.by_source
        ranked = [by_source[d] for d in dict.fromkeys(nearest(text)) if d in by_source]
        candidates = ranked[:READ_AT_MOST] or [scopes[0]]
    else:
        candidates = list(scopes)  # every ladder is read: copied only then, not per question
    readings: dict[int, Reading] = {}
    for scope in candidates:
        readings[id(scope)] = scope.reader.read(question, history)
        if (
            bounded
            and len(readings) >= REFUSE_AFTER
            and not any(r.covered for r in readings.values())
        ):
            break  # the ladders nearest the question cover none of it: refused
    covering = [s for s in candidates if id(s) in readings and readings[id(s)].covered]

    def chosen(scope: LadderScope) -> ScopeChoice:
        return ScopeChoice(scope, reading=readings.get(id(scope)))

    if len(covering) == 1:
        return chosen(covering[0])
    if not covering:
        # Refused whichever ladder answers; past READ_AT_MOST, by the nearest one, already read.
        return chosen(candidates[0] if bounded else scopes[0])
    mentioned = [s for s in covering if s.ladder.mentions(text)]
    if len(mentioned) == 1:
        return chosen(mentioned[0])
    # Only the asks' subjects count, not how they are put ("who sits at the top").
    subjects = " ".join(w for s in covering for r in readings[id(s)].asks for w in r.coverage.topic)
    distinct = _own_vocabulary(mentioned or covering, subjects)
    if not distinct and not subjects.strip():
        # Nothing asked beyond the ladder itself ("list the grades from bottom to top"): a
        # word of the message only one ladder's document uses ("grades") says which.
        distinct = _own_vocabulary(mentioned or covering, text)
    if len(distinct) == 1:
        # "what does the top job in the kitchen do?": a word only one of the ladders'
        # documents uses ("kitchen") says which ladder is meant.
        return chosen(distinct[0])
    if not mentioned and all(
        r.ask.need is Need.TOPIC and r.coverage.topic and not r.coverage.about_document
        for s in covering
        for r in readings[id(s)].covered
    ):
        # A subject no ladder's words point at: the reference text all ladders share, which
        # answers it the same way whichever ladder is used.
        return chosen(covering[0])
    # The ladder's levels, a role's duties, "this guide": each ladder answers differently.
    return ScopeChoice(None, tuple(mentioned or covering))


def _own_vocabulary(scopes: Sequence[LadderScope], text: str) -> list[LadderScope]:
    """The scope whose document alone uses the most words of the text (by stem), when one
    does strictly more than every other; function words and question framing never count."""
    asked = {stem(w) for w in tokens(text) if w not in STOPWORDS and w not in framing_words()}
    used = [asked & s.reader.understanding.corpus_stems for s in scopes]
    own = [
        len(used[i] - set().union(*(u for j, u in enumerate(used) if j != i)))
        for i in range(len(scopes))
    ]
    best = max(own, default=0)
    return [scopes[own.index(best)]] if best and own.count(best) == 1 else []


def worded_scopes(scopes: Sequence[LadderScope], text: str) -> list[LadderScope]:
    """Scopes whose own words (the ladder's name, its roles' names) the text uses where no
    other loaded ladder's do: "who runs the lighthouse?" is the lighthouse ladder's question."""
    return _worded(_scope_index(tuple(scopes)), text)


def _worded(index: "_ScopeIndex", text: str) -> list[LadderScope]:
    said = set(re.findall(r"[a-z]+", normalize(text)))
    found = {id(s): s for w in said if (s := index.own_words.get(w)) is not None}
    return sorted(found.values(), key=lambda s: index.position[id(s)])
