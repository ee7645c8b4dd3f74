"""What each ask needs, and whether the loaded guides cover it.

Coverage is decided per ask, on its topic: the ask's words once role names, function words and
the language of asking (advisor/data/question_language.toml, and words whose meaning is a close
neighbour of one) are set aside. A topic made of the guides' own words must be semantically close
to some sentence or item title of the guides; a topic with a word the guides never use (nor a
close neighbour of one) needs a stronger match, because "what do they earn" sits near the guide's
role passages only through the role's name. An ask with no topic left ("what does a senior PM
do?") is covered when the ladder has the role it names.
"""

import re
import tomllib
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

import numpy as np

from advisor.embedding import Embedder, Vectors
from advisor.ladder import CareerLadder, Role, normalize
from advisor.lexicon import STOPWORDS, stem, tokens
from advisor.models import Passage
from advisor.parsing import split_sentences
from advisor.phrase_cache import PhraseCache
from advisor.understand.asks import BETWEEN, ITEM_NEEDS, Need, mask_roles, named_item_need
from advisor.understand.normalise import is_english
from advisor.understand.tagging import count_words, naming_words, proper_names, wording_words

NEIGHBOUR_MIN = 0.8  # word cosine above which two words are forms of one word ("rungs"/"rung")
PARAPHRASE_MIN = 0.8  # need-example cosine at which an ask is that need, whatever its wording
SYNONYM_MIN = 0.6  # word cosine at which a word the guide lacks means one it uses ("route"/"path")
NEED_MIN = 0.5  # cosine to the closest need example below which an ask is about a topic


def asks_a_move(text: str) -> bool:
    """Whether the text speaks of moving on the ladder ("next", "up", "higher", "beyond")."""
    return bool(_UP.search(text) or _DOWN.search(text))


def asks_amount(text: str) -> bool:
    """Whether the text asks for an amount ("how much", "how long until ...")."""
    return bool(_QUANTITY.search(text))


@cache
def _question_language() -> dict[str, Any]:
    """advisor/data/question_language.toml, read and parsed once per process."""
    text = resources.files("advisor.data").joinpath("question_language.toml").read_text("utf-8")
    return tomllib.loads(text)


def _words(table: str, key: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _question_language()[table][key])


@cache
def framing_words() -> frozenset[str]:
    return _words("framing", "words")


@cache
def document_words() -> frozenset[str]:
    return _words("document", "words")


@cache
def reference_words() -> frozenset[str]:
    return _words("reference", "words")


@cache
def document_ends() -> tuple[frozenset[str], frozenset[str]]:
    """(words naming a text's opening, words naming its close)."""
    return _words("document", "start"), _words("document", "end")


@cache
def _text_edge() -> re.Pattern[str]:
    """ "the end of the guide", "at the very start": the text's opening or close named by
    "start", "beginning" or "end", of a noun for the text or standing alone at the end of a
    clause (not "the end of the ladder", "at the start of my career")."""
    texts = "|".join(re.escape(w) for w in sorted(_words("document", "texts")))
    edge = r"\bthe\s+(?:very\s+)?(?P<edge>end|start|beginning)\s+"
    return re.compile(
        rf"{edge}of\s+(?:the|this|that|your|its)\s+(?:{texts})\b"
        r"|\b(?:at|in|towards?|near)\s+the\s+(?:very\s+)?(?P<alone>end|start|beginning)\b"
        r"\s*(?:[?.!,;]|$)",
        re.IGNORECASE,
    )


def text_edge(text: str) -> str | None:
    """ "start" or "end" when the text names the opening or close of the written text."""
    found = _text_edge().search(text)
    if found is None:
        return None
    return "end" if (found.group("edge") or found.group("alone")).lower() == "end" else "start"


@cache
def job_heads() -> frozenset[str]:
    return _words("job_titles", "heads")


@cache
def need_examples() -> dict[Need, list[str]]:
    text = resources.files("advisor.data").joinpath("needs.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return {Need(name): list(table["examples"]) for name, table in data.items()}


@dataclass(frozen=True)
class Coverage:
    """Whether the guides cover an ask, and the evidence."""

    covered: bool
    topic: tuple[str, ...]
    strange: tuple[str, ...]  # topic words the guides never use
    similarity: float
    reason: str
    about_document: bool = False  # asks about the introduction or conclusion, not a level


class Understanding:
    """Needs and coverage for asks, over the passages of the loaded guides."""

    def __init__(
        self,
        passages: list[Passage],
        ladder: CareerLadder,
        embedder: Embedder,
        threshold: float,
        strange_threshold: float,
        cache: PhraseCache | None = None,
    ) -> None:
        self.ladder = ladder
        self.embedder = embedder
        self.threshold = threshold
        self.strange_threshold = strange_threshold
        # The ladder's own document decides what its words and sentences are; documents
        # without levels loaded beside it (reference text) count only by a close match (see
        # reference_similarity): an unrelated document must not widen what a ladder covers.
        own = [p for p in passages if not ladder.source or p.source == ladder.source]
        reference = [p for p in passages if ladder.source and p.source != ladder.source]
        passages = own or passages
        # The general text's passages, some of which speak of a level outside its section
        # ("Levels at a glance: 3. Senior Designer: reports to a Design Lead").
        self._general_passages = [p for p in passages if p.level is None]
        self._told_of: dict[int, set[str]] | None = None
        words = {t for p in passages for t in tokens(f"{p.section} {p.text}")}
        self.corpus_words = {w for w in words if w.isalpha()}
        self.corpus_stems = {stem(w) for w in self.corpus_words}
        self._sorted_words = sorted(self.corpus_words)
        # Two-word terms of the guides' item titles ("technical understanding"): an asking
        # word inside one is part of the topic.
        self.corpus_pairs = {
            f"{a} {b}"
            for p in passages
            if p.title
            for title in [tokens(p.title)]
            for a, b in pairwise(title)
        }
        self.framing = framing_words()
        self.framing_stems = {stem(w) for w in self.framing}
        sentences = [(p.level, x) for p in passages for x in split_sentences(p.text)]
        # Topics are short ("technical understanding"), so they are compared with short texts:
        # item titles and single sentences, where a whole passage would dilute the match.
        phrases = sorted({p.title for p in passages if p.title} | {x for _, x in sentences if x})
        self.phrases = phrases
        self.sentence_stems = [{stem(t) for t in tokens(x)} for _, x in sentences]
        # Sentences that state an amount ("a team of four to eight analysts"): their level, their
        # row among the phrases (embedded below), their stems.
        row = {x: i for i, x in enumerate(phrases)}
        self.amounts = [
            (level, row[x], stems)
            for (level, x), stems in zip(sentences, self.sentence_stems, strict=True)
            if _AMOUNT.search(x)
        ]
        # The same texts at every start: read from the phrase cache when there is one.
        cached = cache or PhraseCache(None, embedder.model_id)
        self.phrase_vectors: Vectors = _embed(embedder, phrases, cached)
        self.reference_vectors: Vectors = _embed(
            embedder,
            sorted(
                {
                    x
                    for p in reference
                    for x in [p.section, p.title or "", *split_sentences(p.text)]
                    if x
                }
            ),
            cached,
        )
        vocabulary = sorted(
            w for w in (self.corpus_words | self.framing) if w not in STOPWORDS and len(w) > 2
        )
        self.vocabulary = vocabulary
        self.vocabulary_vectors = _embed(embedder, vocabulary, cached)
        general = sorted(
            {x for p in passages if p.level is None for x in split_sentences(p.text) if x}
        )
        self.general_vectors: Vectors = _embed(embedder, general, cached)
        self.document = document_words()
        self.family_words = {w for name in ladder.family_names for w in name.split()}
        # The words of the levels' names ("landscape" of "Landscape Designer").
        self.name_words = {
            w for role in ladder.roles for name in [role.name, *role.aliases] for w in tokens(name)
        }
        self._role_vectors: list[tuple[Role, list[str], Vectors]] | None = None
        self.job_heads = job_heads()
        self.corpus_text = " ".join(
            " ".join(re.findall(r"[a-z]+", f"{p.section} {p.text}".lower())) for p in passages
        )
        self.corpus_figures = {
            f for p in passages for f in re.findall(r"\d+(?:[.,]\d+)?", f"{p.section} {p.text}")
        }
        self.need_labels: list[Need] = []
        examples: list[str] = []
        for need, texts in need_examples().items():
            self.need_labels += [need] * len(texts)
            examples += texts
        self.need_vectors = _embed(embedder, examples, cached)

    def _closest_need(self, text: str, role_pronouns: bool = False) -> tuple[Need | None, float]:
        """The need whose example phrasing is closest to the ask (role names masked), and that
        cosine; (None, 0.0) with no examples. With `role_pronouns`, the ask's personal pronouns
        stand for its role (taken from the conversation) and are masked like a name, as the
        examples name no one: "what am I going to be expected to do?" said by a senior PM is
        "what is this role going to be expected to do?" (cosine to the duties examples 0.47 as
        worded, 0.87 masked), the same need as when the role is named."""
        if not len(self.need_vectors):
            return None, 0.0
        masked = mask_roles(text, self.ladder)
        if role_pronouns:
            masked = _PERSONAL.sub("this role", masked)
        vector = self.embedder.embed([masked])[0]
        sims = self.need_vectors @ vector
        best = int(np.argmax(sims))
        return self.need_labels[best], float(sims[best])

    def closest_need(self, text: str) -> Need | None:
        """The need whose examples the text is closest to, however close."""
        return self._closest_need(text)[0]

    def need_score(self, text: str) -> float:
        """How closely the ask paraphrases one of the need examples (max cosine)."""
        return self._closest_need(text)[1]

    def stated_item_need(self, text: str) -> Need | None:
        """Duties or skills when the ask's own words ask for one ("what about skills?")."""
        need, score = self._closest_need(text)
        return need if score >= NEED_MIN and need in ITEM_NEEDS else None

    def need(self, text: str, roles: list[Role], role_pronouns: bool = False) -> Need:
        """The structured need an ask states, or TOPIC when it asks about a subject;
        `role_pronouns` when its roles come from the conversation (see `_closest_need`)."""
        found = self._need(text, roles, role_pronouns)
        named = named_item_need(text)
        if found in ITEM_NEEDS and named is not None:
            return named  # "list out the skills for VP in order" asks for skills
        bare = _ASIDE.sub(" ", text)
        if found is Need.TOPIC and bare != text:
            # An aside between commas ("List, in the order they appear, the skills ...") says
            # how to answer; without it the need may show.
            return self._need(bare, roles, role_pronouns)
        return found

    def _need(self, text: str, roles: list[Role], role_pronouns: bool = False) -> Need:
        closest, score = self._closest_need(text, role_pronouns)
        need = closest if closest is not None and score >= NEED_MIN else Need.TOPIC
        if need is Need.TOPIC and roles and not self.topic(text)[0]:
            # Nothing asked but a direction ("ok so what's my next rung"): a move.
            up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
            if up != down:
                return Need.NEXT if up else Need.PREVIOUS
        if len(roles) >= 3 and need is not Need.PLAN:
            return Need.ORDER  # "rank these: senior PM, APM, CPO"
        if len(roles) == 2 and BETWEEN.search(text) and need is not Need.PLAN:
            return Need.ORDER  # "which level sits between X and Y?"
        if len(roles) >= 2:
            if need in (Need.PLAN, Need.COMPARE) or _ORDERING.search(text):
                return need
            return Need.COMPARE
        if need is Need.COMPARE:
            need = Need.DUTIES  # one role: "what does this role do that others don't"
        if need in (Need.NEXT, Need.PREVIOUS) and self.topic(text)[0]:
            # A move asks for a neighbouring role and nothing else: an ask with a subject of
            # its own ("what do they do after the roadmap is set?") is about that subject,
            # while a bare follow-up ("what comes after it?") asks only for the move.
            return Need.TOPIC
        if need is Need.ORDER and roles and bool(_UP.search(text)) != bool(_DOWN.search(text)):
            need = Need.NEXT  # "which level sits under X": a neighbour of X, direction below
        if need in (Need.NEXT, Need.PREVIOUS):
            # Embeddings barely tell "above" from "below"; the direction words do, and without
            # one ("what do senior PMs do once the roadmap is agreed?") no move is asked.
            up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
            if up != down:
                need = Need.NEXT if up else Need.PREVIOUS
            elif not up:
                return Need.DUTIES if roles else Need.TOPIC
        if need in (Need.NEXT, Need.PREVIOUS) and not roles:
            return Need.ORDER if score >= 0.6 else Need.TOPIC
        return need

    def topic(self, text: str) -> tuple[list[str], list[str]]:
        """(topic words, strange words): what the ask is about beyond its roles and framing."""
        # A hyphenated word of the asking language ("write-up", "wrap-up") is one word, not
        # two topic words ("write", "up").
        text = _HYPHENATED.sub(lambda m: " " if self._asking_word(m.group(0)) else m.group(0), text)
        masked = mask_roles(text, self.ladder, placeholder=" ")
        topic: list[str] = []
        unknown: list[str] = []
        words = tokens(masked)
        for i, raw in enumerate(words):
            if "'" in raw and not raw.endswith("'s"):
                continue  # a contraction ("you'll", "don't") is function words
            word = raw.removesuffix("'s")
            if word in STOPWORDS or word in _NEGATIONS or len(word) < 2 or word.isdigit():
                continue
            if word in self.document:
                # A part of the document says where the answer is, not what is asked.
                continue
            if word in self.family_words:
                continue  # the job family's name ("entry-level product roles") names no topic
            framing = self._frames(word)
            in_term = any(
                pair in self.corpus_pairs
                for pair in (f"{words[i - 1]} {word}" if i else "", f"{word} {words[i + 1]}"
                             if i + 1 < len(words) else "")
            )  # fmt: skip
            if framing and not in_term:
                continue
            if self._known(word):
                # A clipped form stands for the guide's word ("org" for "organization"), so
                # the topic is measured in the guide's words.
                topic.append(self._full_form(word))
                continue
            part = self._compound_part(word)
            if part is not None:
                if part not in self.framing:
                    topic.append(part)
                continue
            topic.append(word)
            unknown.append(word)
        if unknown:
            strange = []
            for word, (near, cosine) in zip(unknown, self._nearest_words(unknown), strict=True):
                # Only another form of the same word counts ("rungs"/"rung", "promote"/
                # "promotion"): close embeddings alone also join "interview" and "overview".
                if cosine >= NEIGHBOUR_MIN and word[:3] == near[:3]:
                    if near in self.framing:
                        topic.remove(word)
                    continue
                strange.append(word)
            unknown = strange
        return topic, unknown

    def _frames(self, word: str) -> bool:
        """Whether the word is the language of asking: listed, a plural of a listed word, or
        a form of one. Not when its singular is another English word ("sites" is not "sit"),
        nor the plural of a part of a text ("openings" are jobs; a text has one opening)."""
        if word in self.framing:
            return True
        single = word.removesuffix("s")
        if single != word and single in self.document:
            return False
        if single in self.framing:
            return True
        if single != word and single not in self.framing and is_english(single):
            return False
        return stem(word) in self.framing_stems

    def _asking_word(self, hyphenated: str) -> bool:
        word = hyphenated.lower()
        joined = word.replace("-", "")
        return bool({word, joined, joined.removesuffix("s")} & (self.framing | self.document))

    def _known(self, word: str) -> bool:
        if word in self.corpus_words or stem(word) in self.corpus_stems:
            return True
        # A clipped form of a corpus word ("exec", "execs", "set" for "setting").
        return bool(self._completions(word))

    def _full_form(self, word: str) -> str:
        """The guide's word a clipped form stands for ("org" -> "organization"), when it is the
        only word the clip starts; the word itself when the guide uses it, or a form of it."""
        if word in self.corpus_words or stem(word) in self.corpus_stems:
            return word
        found = self._completions(word)
        # Only a clip of one word stands for it: "sup" may be "supervisor" or "supplier".
        return found[0] if len(found) == 1 else word

    def _completions(self, word: str) -> list[str]:
        """Up to two corpus words the word (less a plural "s") is a clip of, of 3+ letters."""
        clipped = word.removesuffix("s")
        if len(clipped) < 3:
            return []
        # The corpus words at or after the clipped form, in sorted order, are the ones that
        # would start with it: a binary search, not a scan of the vocabulary per word.
        at = bisect_left(self._sorted_words, clipped)
        return [w for w in self._sorted_words[at : at + 2] if w.startswith(clipped)]

    def _compound_part(self, word: str) -> str | None:
        """A known word a run-together compound is made of ("skillwise" -> "skill")."""
        for size in range(len(word) - 2, 4, -1):
            for part in (word[:size], word[-size:]):
                # Whole words only: a clipped piece ("inter" of "interview") is no part.
                if part in self.framing or part in self.corpus_words:
                    return part
        return None

    def other_role(self, text: str, described: bool = False) -> str | None:
        """A job title the ask names that is not a level of this ladder ("harbour officer",
        "program manager"): the guide does not describe it. `described`: the ask wants the
        role itself described (its duties, its skills), so a title the guide only mentions
        ("reports to the General Manager") is not described either."""
        words = re.findall(r"[a-z]+", mask_roles(text, self.ladder, placeholder=" , ").lower())
        for before, head in pairwise(words):
            if head not in self.job_heads or before in STOPWORDS:
                continue
            if described and f"{before} {head}" in self.corpus_text:
                # Named in the guide's text ("the restaurant's General Manager"), whatever
                # its first word, but not described by it.
                return f"{before} {head}"
            if before not in self.framing and f"{before} {head}" not in self.corpus_text:
                return f"{before} {head}"
        return None

    def coverage(
        self,
        text: str,
        roles: list[Role],
        need: Need,
        document: bool = False,
        claim: bool = False,
        literal: bool = False,
    ) -> Coverage:
        """Whether the guides answer this ask. claim: a premise, judged by whether the guide
        speaks to it, whose every word is part of what is checked; literal: every word is
        part of what is checked, none set aside as wording."""
        found = self._coverage(text, roles, need, document, claim or literal)
        if found.covered or not claim or not roles:
            return found
        # A claim about a role ("since APMs work solo without engineering, ...") is in scope
        # when some sentence of the guide uses most of its known words: the answer confirms or
        # corrects it from that sentence, whatever else the wording says.
        # A premise is expected to hold words the guide never uses (what it gets wrong); it is
        # in scope when the guide speaks to what it is about, some known word of it.
        known = [w for w in found.topic if w not in found.strange]
        # A premise about a name or a figure the guide never gives ("since Google runs the
        # best programs", "since they earn 120k") is about something the guide does not cover.
        named = bool(re.search(r"\d", text)) or bool(proper_names(text, list(found.strange)))
        if known and not named and self._speaks_to(known) >= PRESENT_MIN:
            return Coverage(
                True, found.topic, found.strange, found.similarity, "a claim the guide speaks to"
            )
        return found

    def _speaks_to(self, words: list[str]) -> float:
        stems = {stem(w) for w in words}
        best = 0.0
        for sentence in self.sentence_stems:
            best = max(best, len(stems & sentence) / len(stems))
        return best

    def _coverage(
        self, text: str, roles: list[Role], need: Need, document: bool, claim: bool
    ) -> Coverage:
        other = self.other_role(text, described=not roles and need in {*ITEM_NEEDS, Need.TOPIC})
        if other is not None:
            return Coverage(False, (other,), (other,), 0.0, "names a role this ladder lacks")
        topic, strange = self.topic(text) if claim else self._subject(text, roles, need, document)
        if _named_in_title_case(text, proper_names(text, list(strange))):
            # "is working here better than at Home Depot?": a name the guide never uses.
            return Coverage(
                False, tuple(topic), tuple(strange), 0.0, "names what the guide never does"
            )
        if claim and self._unstated_figure(text):
            # "is it a 14 days on, 14 days off rotation?": a figure the guide never gives.
            return Coverage(
                False, tuple(topic), tuple(strange), 0.0, "a figure the guide never gives"
            )
        if (
            _QUANTITY.search(text)
            and need is not Need.ORDER
            and not self._states_amount(text, topic, roles)
        ):
            return Coverage(False, tuple(topic), tuple(strange), 0.0, "asks for an amount")
        if not topic:
            # Nothing asked beyond roles, the ladder or the guide itself ("what is this guide
            # about?"): the ladder's structure and the guide's own overview answer it; "what do
            # PMs do, according to the opening?" is answered from the part it names.
            named = document or self.names_document_part(text)
            said = set(re.findall(r"[a-z]+", text.lower().replace("-", "")))
            if not named and not roles and need is Need.TOPIC and not said & reference_words():
                # No role, no part of the guide, no need of a ladder, no subject: "hi, how are
                # you today?", "what's 17 times 23" ask nothing of the guide.
                return Coverage(False, (), (), 0.0, "asks nothing of the guide")
            reason = "about the document" if named else "asks about the ladder or the guide itself"
            return Coverage(True, (), (), 1.0, reason, bool(named))
        if (document or self.names_document_part(text)) and self.general_vectors.shape[0]:
            # "How does the conclusion sum it up?": the subject is measured against the
            # introduction and conclusion only, where the answer has to be.
            # The ask's own wording, without the words naming the part, against those passages.
            asked = " ".join(
                w for w in re.findall(r"[\w'-]+", text.lower()) if w not in self.document
            )
            vector = self.embedder.embed([asked])[0]
            general = float(np.max(self.general_vectors @ vector))
            # The named part narrows where the answer can be, so a moderate match suffices.
            if general >= self.threshold or not strange:
                return Coverage(
                    True, tuple(topic), tuple(strange), general, "about the document", True
                )
        similarity = self.similarity(" ".join(topic))
        if (
            strange
            and roles
            and need
            in (Need.DUTIES, Need.SKILLS, Need.NEXT, Need.PREVIOUS, Need.COMPARE, Need.PLAN)
            and self.need_score(text) >= PARAPHRASE_MIN
            # Between two levels, a noun the guide lacks names what is compared or planned
            # ("the bonus difference"), unless a word of the guide means nearly the same
            # ("my route" for "path").
            and (
                need not in (Need.COMPARE, Need.PLAN)
                or all(self._near_guide_word(w) for w in naming_words(text, strange))
            )
        ):
            # "what does a VP need to get good at": a close paraphrase of a need the ladder
            # answers; its odd words are wording, not a subject the guide lacks, so they are
            # not the topic the answer is focused on either ("an APM's core duties").
            known = tuple(w for w in topic if w not in strange)
            return Coverage(True, known, (), similarity, "paraphrases a need")
        if strange:
            # A word of a level's name beside words the guide never uses ("a landscape
            # architecture degree") brings the phrase near the level's own text; what is asked
            # is the rest.
            core = [w for w in topic if w not in self.name_words]
            if core and len(core) < len(topic):
                similarity = self.similarity(" ".join(core))
            covered = similarity >= self.strange_threshold
            reason = f"topic similarity {similarity:.2f} vs {self.strange_threshold:.2f}"
        else:
            # Every topic word in the named roles' text, or a close match: a topic only partly
            # in the text ("work-life balance", where "balance" is) is another subject.
            present = self._present(topic, roles)
            covered = similarity >= self.threshold or present == 1.0
            reason = f"topic similarity {similarity:.2f}, {present:.0%} of its words in the text"
        return Coverage(covered, tuple(topic), tuple(strange), similarity, reason)

    def _subject(
        self, text: str, roles: list[Role], need: Need, document: bool
    ) -> tuple[list[str], list[str]]:
        """The ask's topic and strange words, less the strange words that are only wording.

        A word the guides never use that the tagger reads as a verb, adjective or adverb
        ("grind", "accountable", "weighing") says how the question is put, not what it is
        about, when something else says that: a need of the ladder asked of a role, a part of
        the document it names ("what does the wrap-up say you pass through?"), or other topic
        words. A strange noun ("bonus", "interview") stays the subject.
        """
        topic, strange = self.topic(text)
        counts = set(count_words(text, strange))
        topic = [w for w in topic if w not in counts]
        strange = [w for w in strange if w not in counts]
        if not strange:
            return topic, strange
        about_text = document or self.names_document_part(text)
        # A need the ladder answers for a role anchors the ask; a plan is about a move, and
        # "am I too old to start as X?" asks about the odd word, not the move.
        anchored = (roles and need not in (Need.TOPIC, Need.PLAN)) or about_text
        # Beside other topic words only, a describing word may be the subject itself ("can I
        # stay fully remote?"): only verbs are set aside there.
        wording = set(wording_words(text, strange, verbs_only=not anchored, about_text=about_text))
        kept = [w for w in topic if w not in wording]
        if wording and (anchored or kept):
            return kept, [w for w in strange if w not in wording]
        return topic, strange

    def _near_guide_word(self, word: str) -> bool:
        return self._nearest_words([word])[0][1] >= SYNONYM_MIN

    def _nearest_words(self, words: list[str]) -> list[tuple[str, float]]:
        """For each word, the guide's vocabulary word closest to it and their cosine."""
        if not len(self.vocabulary_vectors):
            return [("", 0.0) for _ in words]
        sims = self.embedder.embed(words) @ self.vocabulary_vectors.T
        best = np.argmax(sims, axis=1)
        return [(self.vocabulary[int(b)], float(row[b])) for b, row in zip(best, sims, strict=True)]

    def _present(self, topic: list[str], roles: list[Role]) -> float:
        """Share of the topic's words that the named roles' passages (or any) use, the general
        text's sentences naming those roles included."""
        if roles:
            stems = {stem(t) for r in roles for p in r.passages for t in tokens(p.text)}
            told = self._told_of_roles()
            stems |= {s for r in roles for s in told.get(r.level, set())}
        else:
            stems = self.corpus_stems
        return sum(stem(w) in stems for w in topic) / len(topic)

    def _unstated_figure(self, text: str) -> bool:
        """Whether the ask states a number (not part of a role's name: "E5", "L2") that the
        guide's text never uses."""
        masked = mask_roles(text, self.ladder, placeholder=" , ").lower()
        figures = re.findall(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w])", masked)
        return any(f not in self.corpus_figures for f in figures)

    def _told_of_roles(self) -> dict[int, set[str]]:
        """Per level, the stems of the general text's sentences that name it (built once)."""
        if self._told_of is None:
            self._told_of = {}
            for p in self._general_passages:
                for sentence in split_sentences(p.text):
                    subject = self.ladder.subject_of(sentence)
                    if subject is not None:
                        self._told_of.setdefault(subject.level, set()).update(
                            stem(t) for t in tokens(sentence)
                        )
        return self._told_of

    def _states_amount(self, text: str, topic: list[str], roles: list[Role]) -> bool:
        """Whether the guide gives an amount of what the ask is about: a sentence with a
        number, of the named roles, that uses a word of the ask's topic ("a team of four to
        eight analysts" for "how many analysts ...") or says nearly what the ask does. "How
        much does X make?" finds no such sentence: a guide that gives a team's size has not
        given a pay."""
        # Of a named role, its own sentences. Of none, nothing: a general text's loose figures
        # ("reviews every six months") answered a held-out set's "how many ..." it does not
        # answer, one of 36 refusals, when they counted.
        levels = {r.level for r in roles}
        found = [(row, stems) for level, row, stems in self.amounts if level in levels]
        if not found:
            return False
        # The ask's own words, wording included ("how long am I paired with them?" asks of
        # the pairing, "paired" is a verb the topic sets aside), less its roles and framing.
        said = tokens(mask_roles(text, self.ladder, placeholder=" , "))
        asked = {
            stem(w)
            for w in [*topic, *said]
            if w not in STOPWORDS and w not in self.framing and not _QUANTITY.search(f"how {w}")
        }
        if any(asked & stems for _, stems in found):
            return True
        vector = self.embedder.embed([text])[0]
        vectors = self.phrase_vectors[[row for row, _ in found]]
        return float(np.max(vectors @ vector)) >= AMOUNT_MIN

    def similarity(self, phrase: str) -> float:
        """The closest sentence or title of the ladder's document; a reference document's only
        when it matches as closely as a topic in words the ladder never uses must."""
        vector = self.embedder.embed([phrase])[0]
        own = float(np.max(self.phrase_vectors @ vector)) if len(self.phrase_vectors) else 0.0
        if not len(self.reference_vectors):
            return own
        other = float(np.max(self.reference_vectors @ vector))
        return max(own, other if other >= self.strange_threshold else 0.0)

    def names_document_part(self, text: str) -> bool:
        words = set(re.findall(r"[a-z\-]+", text.lower()))
        return bool(words & self.document) or text_edge(text) is not None

    def document_end(self, text: str) -> str | None:
        """ "start" or "end" when the text names the opening or the close of the guide ("the
        intro", "the first paragraph", "the closing bit"), else None."""
        words = re.findall(r"[a-z\-]+", text.lower())
        start, end = document_ends()
        part = _PART_AT.search(text) is not None  # "the first paragraph", "the last bit"
        edge = text_edge(text)
        starts = bool(set(words) & start) or (part and bool(_FIRST.search(text))) or edge == "start"
        ends = bool(set(words) & end) or (part and bool(_LAST.search(text))) or edge == "end"
        if starts == ends:
            return None
        return "start" if starts else "end"

    def stated_role(self, sentence: str) -> Role | None:
        """The role a first-person statement puts the user in ("I run the night watch today")."""
        mentions = self.ladder.mentions(sentence)
        if mentions:
            # The role right after "I'm a" / "as a" is the user's; "... to get to X" is a goal.
            cue = _SELF_CUE.search(normalize(sentence))
            after = [m.role for m in mentions if cue is None or m.start >= cue.start()]
            return (after or [mentions[0].role])[0]
        masked = mask_roles(sentence, self.ladder)
        vector = self.embedder.embed([masked])[0]
        said = set(tokens(masked))
        best: tuple[float, Role | None] = (0.0, None)
        for role, texts, vectors in self._role_sentences():
            # Shared words break near-ties between levels that sound alike.
            score = max(
                float(v @ vector) + 0.03 * len(said & set(tokens(t)))
                for v, t in zip(vectors, texts, strict=True)
            )
            if score > best[0]:
                best = (score, role)
        return best[1] if best[0] >= STATED_ROLE_MIN else None

    def _role_sentences(self) -> list[tuple[Role, list[str], Vectors]]:
        """Each level's overview and duty sentences with their vectors, embedded once on the
        first statement that needs them (not at start-up, not again per turn)."""
        if self._role_vectors is None:
            out = []
            for role in self.ladder.roles:
                texts = [
                    x
                    for p in [*role.overview, *role.responsibilities]
                    for x in split_sentences(p.text)
                ]
                if texts:
                    out.append((role, texts, self.embedder.embed(texts)))
            self._role_vectors = out
        return self._role_vectors


STATED_ROLE_MIN = 0.55
AMOUNT_MIN = 0.6  # cosine at which a sentence with a number says what a "how many" ask asks
PRESENT_MIN = 0.5
_NEGATIONS = frozenset(["not", "never", "no", "none", "nobody", "nothing", "without"])
# "How much / how many / how long" asks for an amount; a guide that states none cannot answer.
_QUANTITY = re.compile(
    r"\bhow (?:much|many|long|often|big|large|old)\b|\bwhat (?:percentage|percent|number|time)\b",
    re.IGNORECASE,
)
# Numbers as digits or words, a closed class ("sixteen weeks", "twice a year").
_AMOUNT = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|"
    r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|dozen|once|twice|half)\b",
    re.IGNORECASE,
)


_PART_AT = re.compile(r"\b(?:paragraph|chapter|section|part|bit|line|lines)s?\b", re.IGNORECASE)
_FIRST = re.compile(r"\b(?:first|opening|initial|top)\b", re.IGNORECASE)
# Personal pronouns, the closed class, as a role's stand-in (normalised text is lower case).
_PERSONAL = re.compile(r"\b(?:i|me|my|myself|they|them|their|he|she|him|her)\b")
_LAST = re.compile(r"\b(?:last|final|closing|bottom)\b", re.IGNORECASE)
_ASIDE = re.compile(r",[^,]{3,40},")
_HYPHENATED = re.compile(r"\b[A-Za-z]+-[A-Za-z]+\b")
_ORDERING = re.compile(r"\b(?:order|sequence|all (?:the )?(?:levels|roles))\b",
                       re.IGNORECASE)  # fmt: skip
# Direction on a ladder is a closed class of English words.
_UP = re.compile(r"\b(?:after|above|next|higher|beyond|over|up|following|then)\b", re.IGNORECASE)
_DOWN = re.compile(r"\b(?:before|below|under|beneath|previous|lower|prior|preceding|down)\b",
                   re.IGNORECASE)  # fmt: skip
_SELF_CUE = re.compile(r"\b(?:i am|i'm|im|as an?|i work as|i lead|i run|i became|i got)\b")


def _named_in_title_case(text: str, words: list[str]) -> bool:
    """Whether any of words is written as a name in the text ("Depot"), not in capitals ("HV",
    "CEO": an abbreviation the guide may spell out) nor in lower case ('thought leadership',
    which the tagger may still call a name)."""
    return any(
        re.search(rf"\b{re.escape(w[:1].upper() + w[1:])}\b", text) is not None for w in words
    )


def _embed(embedder: Embedder, texts: list[str], cache: PhraseCache) -> Vectors:
    if not texts:
        return np.zeros((0, 384), np.float32)
    return cache.embed(embedder, texts)
