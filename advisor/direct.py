"""The answer to each ask, leading with a direct answer, then the guide's supporting items.

Every line is a Statement: a heading (structure, no claim), or a sentence with the passages that
support it. Sentences are either quoted verbatim from a passage, or built from the parsed ladder
itself ("After Keeper comes Senior Keeper.", "Skills to develop as a Keeper: weather
logging and lamp care.") and cite the passages they summarise.
"""

import re
from dataclasses import dataclass

from advisor.embedding import Embedder, Vectors
from advisor.ladder import CareerLadder, Role, with_article
from advisor.lexicon import content_terms, tokens
from advisor.models import Passage, PassageKind
from advisor.parsing import split_sentences
from advisor.understand.asks import (
    ABOVE,
    BELOW,
    BETWEEN,
    BOTTOM,
    ITEM_NEEDS,
    STARTS,
    STRAIGHT,
    TOP,
    TOPS,
    Ask,
    Need,
    mask_roles,
    named_item_need,
)
from advisor.understand.tagging import negates_main_clause

TITLE_WORDS = 6  # an item's lead-in before ":" of at most this many words is its title
CLAIM_MIN = 0.40  # sentence cosine at which the guide is taken to speak to a claim
CLAIM_WORDS_WEIGHT = 0.25  # how much stating the claim's words counts beside meaning
# "at what level do PMs start ...", "which role handles ...": a level is what is asked.
ASKS_WHICH_LEVEL = re.compile(
    r"\b(?:which|what)\s+(?:level|role|rung|grade|band|stage|position|title|job)s?\b",
    re.IGNORECASE,
)
NEAR_TIE_WEIGHT = 0.05  # a word used exactly, breaking near-ties
FOCUSED_PASSAGES = 3
# Items quoted, and titles named, for one role: a competency matrix may give a level fifty
# rows, and an answer that quotes them all answers nothing. The rest are counted.
LISTED_ITEMS = 8
PARAGRAPH_SENTENCES = 2  # sentences quoted from a long paragraph, best match first
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|cannot|without)\b|n't\b", re.IGNORECASE)
# Asking for the whole ladder rather than one end of it.
_WHOLE = re.compile(r"\b(?:all|every|each|list|levels|roles|rungs|stages|steps|order|sequence|"
                    r"how many|path|progression)\b", re.IGNORECASE)  # fmt: skip
_DESCENDING = re.compile(r"\b(?:top down|top to bottom|highest first|descending|reverse|"
                         r"most to least|most senior first)\b", re.I)  # fmt: skip


@dataclass(frozen=True)
class Statement:
    """A line of an answer: a heading (no passages) or a sentence and its supporting passages."""

    text: str
    passages: tuple[Passage, ...] = ()
    bullet: bool = False
    corrects: bool = False  # a heading that contradicts the question's premise

    @property
    def is_heading(self) -> bool:
        return not self.passages


def heading(text: str) -> Statement:
    return Statement(text)


def correction(text: str) -> Statement:
    """A heading that says the question's premise is wrong ("No: the guide gives that to ...")."""
    return Statement(text, corrects=True)


def said(text: str, *passages: Passage, bullet: bool = False) -> Statement:
    return Statement(text, tuple(passages), bullet)


class Answerer:
    """Builds the statements that answer one covered ask."""

    def __init__(self, ladder: CareerLadder, embedder: Embedder) -> None:
        self.ladder = ladder
        self.embedder = embedder
        self._name_terms = {
            t for r in ladder.roles for name in [r.name, *r.aliases] for t in content_terms(name)
        }

    def answer(
        self,
        ask: Ask,
        ranked: list[Passage],
        topic: tuple[str, ...],
        about_document: bool = False,
    ) -> list[Statement]:
        """Statements for the ask; `ranked` are candidate passages, best first; `topic` says
        whether the ask has a subject beyond its roles and need."""
        roles = list(ask.roles)
        if about_document and (ask.presupposes or ask.claim):
            # "why does the conclusion call the path rigid?": a claim about the text itself.
            return self.document_claim(ask, ranked, topic)
        if ask.claim or ask.presupposes:
            verdict = self.claim(ask, topic)
            if verdict is not None:
                return verdict
        if about_document:
            # The part of the guide named ("how does the closing section describe the path?")
            # is where the answer is, whatever the need.
            return self.focused(ranked, [], ask.text)
        if ask.need is Need.ORDER or (not roles and ask.need in (Need.NEXT, Need.PREVIOUS)):
            return self.order(ask)
        if not roles or (topic and ask.need not in (Need.NEXT, Need.PREVIOUS, Need.COMPARE)):
            # A subject beyond the role ("how does a PM decide what to prioritise?"): the
            # passages that speak to it, not the role's whole list. Asked for the role's own
            # duties or skills ("what does an RN1 do on a shift?"), only its own lines.
            own_only = ask.need in ITEM_NEEDS and not ASKS_WHICH_LEVEL.search(ask.text)
            return self.focused(ranked, roles, ask.text, others=not own_only)
        role = roles[0]
        if ask.need is Need.COMPARE and len(roles) >= 2:
            low, high = sorted(roles[:2], key=lambda r: r.level)
            if topic:
                # "how is fault finding different for X and Y?": each level's own lines on
                # the subject, side by side, not their whole lists.
                return self.compare_on(low, high, ranked)
            return self.compare(low, high)
        if ask.need is Need.NEXT:
            return self.neighbour(role, upward=True)
        if ask.need is Need.PREVIOUS:
            return self.neighbour(role, upward=False)
        if ask.need is Need.SKILLS:
            return self.items(role, PassageKind.SKILL)
        if ask.need is Need.DUTIES:
            # What the role is, in the guide's opening words for it ("you are responsible for
            # the entire product organization"), after the one-line answer and before the items.
            found = self.items(role, PassageKind.RESPONSIBILITY)
            if not role.responsibilities:
                return found
            if summary(role, PassageKind.RESPONSIBILITY) is None:
                # Untitled duties (a level written as prose) have no one-line summary to
                # open with: the guide's opening words for the level say what it is first.
                return _unique([*self.intro(role, 2), *found])
            return _unique([found[0], *self.intro(role, 2), *found[1:]])
        return self.focused(ranked, roles, ask.text)

    # -- the needs ------------------------------------------------------------------------------

    def items(self, role: Role, kind: PassageKind, limit: int | None = None) -> list[Statement]:
        items = role.items(kind)
        if not items:
            return self.intro(role, sentences=3)
        lead = summary(role, kind)
        rest = [said(p.text, p, bullet=True) for p in items[: limit or LISTED_ITEMS]]
        return [lead, *rest] if lead is not None else rest

    def intro(self, role: Role, sentences: int = 1) -> list[Statement]:
        if not role.overview:
            return []
        first = role.overview[0]
        # A lead-in such as "Your role will involve:" dangles without its list below it.
        kept = [s for s in split_sentences(first.text) if not s.endswith(":")][:sentences]
        return [said(" ".join(kept), first)] if kept else []

    def neighbour(self, role: Role, upward: bool) -> list[Statement]:
        other = self.ladder.next_role(role) if upward else self.ladder.previous_role(role)
        if other is None:
            edge = "the top" if upward else "the first step"
            return [heading(f"{role.name} is {edge} of this ladder."), *self.intro(role, 2)]
        passages = other.passages
        anchor = passages[0] if passages else None
        word = "After" if upward else "Before"
        # Cited to both levels' opening passages: together they name both roles.
        support = [p for p in (anchor, *role.passages[:1]) if p is not None]
        lead = (
            said(f"{word} {role.name} comes {other.name}.", *support)
            if support
            else heading(f"{word} {role.name} comes {other.name}.")
        )
        return [lead, *self.intro(other, 2), *self.items(other, PassageKind.RESPONSIBILITY)]

    def compare(self, low: Role, high: Role) -> list[Statement]:
        out: list[Statement] = []
        low_line, high_line = (
            summary(low, PassageKind.RESPONSIBILITY),
            summary(high, PassageKind.RESPONSIBILITY),
        )
        if low_line is not None and high_line is not None:
            # The direct answer: what each is responsible for, in one sentence.
            low_items = _listing(low.items(PassageKind.RESPONSIBILITY)[:LISTED_ITEMS])
            high_items = _listing(high.items(PassageKind.RESPONSIBILITY)[:LISTED_ITEMS])
            out.append(
                said(
                    f"{_capital(with_article(low.name))} is responsible for {low_items}; "
                    f"{with_article(high.name)} for {high_items}.",
                    *low_line.passages,
                    *high_line.passages,
                )
            )
        for role in (low, high):
            out.append(heading(role.name))
            # What the level is, in the guide's words ("more autonomy", "entire product lines"):
            # what most sets two levels apart, beyond their item titles.
            out += [
                Statement(line.text, line.passages, bullet=True)
                for line in self.intro(role, 2)
                if role.responsibilities or role.skills
            ]
            for kind in (PassageKind.RESPONSIBILITY, PassageKind.SKILL):
                line = summary(role, kind)
                if line is not None:
                    out.append(Statement(line.text, line.passages, bullet=True))
            if not role.responsibilities and not role.skills:
                out += self.intro(role, 2)
        return out

    def compare_on(self, low: Role, high: Role, ranked: list[Passage]) -> list[Statement]:
        """Each role's passages closest to the ask's subject (`ranked`, best first), under
        the role's name."""
        out: list[Statement] = []
        for role in (low, high):
            own = [p for p in ranked if p.level == role.level][:2]
            if not own:
                continue
            out.append(heading(role.name))
            out += [said(p.text, p, bullet=True) for p in own]
        return out or self.compare(low, high)

    def order(self, ask: Ask) -> list[Statement]:
        roles = list(self.ladder.roles)
        if not roles:
            return []
        named = sorted(ask.roles, key=lambda r: r.level)
        if len(named) == 2 and BETWEEN.search(ask.text):
            inside = self._between(named[0], named[1])
            if inside is not None:
                names, lines = inside
                return [
                    heading(f"Between {named[0].name} and {named[1].name} comes {names}."),
                    *lines,
                ]
        if len(named) >= 3:
            # "rank these: ...": the roles asked about, in ladder order.
            roles = named
        whole = bool(_WHOLE.search(ask.text)) or len(named) >= 3
        if TOP.search(ask.text) and not BOTTOM.search(ask.text) and not whole:
            return [
                heading(f"The top of the ladder is {roles[-1].name}."),
                *self.intro(roles[-1], 2),
            ]
        if BOTTOM.search(ask.text) and not TOP.search(ask.text) and not whole:
            return [heading(f"The ladder starts at {roles[0].name}."), *self.intro(roles[0], 2)]
        if _DESCENDING.search(ask.text):
            roles.reverse()
        names = " → ".join(r.name for r in roles)
        if len(named) >= 3:
            lead = "Most senior first" if _DESCENDING.search(ask.text) else "In ladder order"
            out = [heading(f"{lead}: {names}.")]
        else:
            out = [heading(f"The ladder has {len(roles)} levels: {names}.")]
        for role in roles:
            intro = self.intro(role)
            if intro:
                out.append(Statement(intro[0].text, intro[0].passages, bullet=True))
        return out

    def _between(self, low: Role, high: Role) -> tuple[str, list[Statement]] | None:
        """The levels strictly between two, as (their names joined, their opening sentences);
        None when the two are next to each other."""
        inside = [r for r in self.ladder.roles if low.level < r.level < high.level]
        if not inside:
            return None
        return " and ".join(r.name for r in inside), [
            line for r in inside for line in self.intro(r, 2)
        ]

    def focused(
        self, ranked: list[Passage], roles: list[Role], asked: str, others: bool = True
    ) -> list[Statement]:
        """The passages that best match the ask, best first, kept to the named roles' sections
        when the ask names roles (plus, with `others`, the best passage elsewhere, which may
        correct it).

        A long paragraph is cut to its sentences that answer the ask, the best one first, so
        the answer opens with what was asked rather than with the paragraph's first line."""
        levels = {r.level for r in roles}

        def about(p: Passage) -> bool:
            # A level's own lines, or the general text's about it ("at a glance: the Bosun
            # reports to the Harbour Master").
            if p.level is not None:
                return p.level in levels
            subject = self.ladder.subject_of(p.text)
            return subject is not None and subject.level in levels

        own = [p for p in ranked if about(p)] if levels else list(ranked)
        chosen = own[:FOCUSED_PASSAGES]
        if (
            others
            and levels
            and ranked
            and ranked[0].level not in levels
            and ranked[0] not in chosen
        ):
            chosen = [*chosen[: FOCUSED_PASSAGES - 1], ranked[0]]
        out: list[Statement] = []
        for i, p in enumerate(chosen):
            sentences = [x for x in split_sentences(p.text) if not x.endswith(":")]
            if len(sentences) > PARAGRAPH_SENTENCES:
                vectors = self.embedder.embed([asked, *sentences])
                order = sorted(
                    range(len(sentences)), key=lambda j: -float(vectors[j + 1] @ vectors[0])
                )
                sentences = [sentences[j] for j in order[:PARAGRAPH_SENTENCES]]
            text = " ".join(sentences)
            role = self.ladder.by_level(p.level) if p.level is not None else None
            if role is not None and p.level not in levels:
                # Not a level the ask named ("which level drives the roadmap?"): the line says
                # whose it is, which the quote alone ("You'll be responsible ...") does not.
                text = f"{role.name}: {_capital(text)}"
            out.append(said(text, p, bullet=i > 0))
        return out

    # -- claims and premises --------------------------------------------------------------------

    def claim(self, ask: Ask, topic: tuple[str, ...]) -> list[Statement] | None:
        """Yes / no / "the guide says otherwise" for an ask that asserts something of a role.

        None when the ask names no role (then it is answered as a plain question).
        """
        if not ask.roles or len(ask.roles) > 2:
            return None
        placed = self._order_claim(ask)
        if placed is not None:
            return placed
        if ask.need is Need.ORDER and not ask.presupposes:
            return None
        # The claim is about its subject, the role named first ("why do senior PMs mentor
        # junior PMs?"); a role named later is part of what is claimed of it.
        verdict = self._claim_for(ask, ask.roles[0], topic)
        if verdict is not None or len(ask.roles) == 1:
            return verdict
        # Two roles and nothing said of the first: only a contradiction stated for the second
        # ("since senior PMs aren't involved in the roadmap (the VP owns it)") leads.
        verdict = self._claim_for(ask, ask.roles[1], topic)
        if verdict and verdict[0].is_heading and verdict[0].text.startswith("No"):
            return verdict
        return None

    def _order_claim(self, ask: Ask) -> list[Statement] | None:
        """A claim about where levels sit ("principal is a step below senior", "the usual
        starting point is senior PM", "APMs go straight to senior"), checked against the
        ladder's order. None when the ask claims no order."""
        roles = self.ladder.roles
        if len(ask.roles) == 2:
            first, second = ask.roles
            low, high = sorted(ask.roles, key=lambda r: r.level)
            if STRAIGHT.search(ask.text):
                inside = self._between(low, high)
                if inside is None:
                    return [heading("Yes."), *self.intro(high, 2)]
                names, lines = inside
                return [
                    correction(f"No: between {low.name} and {high.name} comes {names}."),
                    *lines,
                ]
            below, above = bool(BELOW.search(ask.text)), bool(ABOVE.search(ask.text))
            if below == above:
                return None
            # "A is below B": the first named is claimed lower ("above": higher).
            holds = (first.level < second.level) == below
            if holds:
                # True: the claim's subject in the guide's words ("typically under the
                # guidance of more senior PMs").
                lead = [] if ask.presupposes else [heading("Yes.")]
                return [*lead, *self.intro(first, 2)]
            return [
                correction(f"No: the guide puts {high.name} above {low.name}."),
                *self.intro(high, 2),
            ]
        if len(ask.roles) == 1:
            role = ask.roles[0]
            for end, pattern, word in ((roles[0], STARTS, "starts"), (roles[-1], TOPS, "ends")):
                if not pattern.search(ask.text):
                    continue
                if role is end:
                    return None  # true: answered as the question it is
                return [
                    correction(f"No: the ladder {word} at {end.name}, not {role.name}."),
                    *self.intro(end, 2),
                ]
        return None

    def document_claim(
        self, ask: Ask, ranked: list[Passage], topic: tuple[str, ...]
    ) -> list[Statement]:
        """A premise about what the guide's opening or close says, checked against it."""
        predicate = self._predicate(ask, topic)
        best = self._best_sentence(predicate, ranked)
        quoted = self.focused(ranked, [], ask.text)
        if best is None:
            return quoted
        if _same_polarity(best[1], ask) and (best[3] >= 1.0 or not topic):
            return quoted
        return [correction("The guide doesn't say that. What it says:"), *quoted]

    def _claim_for(self, ask: Ask, role: Role, topic: tuple[str, ...]) -> list[Statement] | None:
        predicate = self._predicate(ask, topic)
        own = role.passages
        others = [p for r in self.ladder.roles if r is not role for p in r.passages]
        # A yes/no question's own wording says which sentence it is about when its subject is
        # a word or two ("do APMs work with marketing folks?" is about working with marketing,
        # not about markets).
        wording = (
            mask_roles(_strip_tag(ask.text), self.ladder, placeholder="")
            if ask.claim and not ask.presupposes and topic
            else None
        )
        best_own = self._best_sentence(predicate, own, wording)
        best_other = self._best_sentence(predicate, others, wording)
        own_speaks = best_own is not None and (best_own[0] >= CLAIM_MIN or best_own[3] >= 0.5)
        if (
            best_other is not None
            and best_other[0] >= CLAIM_MIN
            and best_other[3] >= 0.5
            and (not own_speaks or best_own is None or best_other[3] > best_own[3])
        ):
            # Another level's sentence states more of the claim than any of this level's: the
            # guide gives it to that level ("why do APMs face the board?").
            _, sentence, passage, _ = best_other
            owner = self.ladder.by_level(passage.level or 0)
            owner_name = owner.name if owner else passage.section
            # What the guide does give the named role, nearest the claim first.
            nearest = [said(best_own[1], best_own[2])] if best_own else []
            return _unique(
                [
                    correction(f"No: the guide gives that to {owner_name}, not to {role.name}."),
                    said(sentence, passage),
                    *self._in_brief(
                        role, f"What the guide says about {role.name}", nearest, _kind(ask)
                    ),
                ]
            )
        if best_own is None:
            return None
        if not own_speaks:
            if not ask.presupposes:
                return None
            # A premise the guide says nothing like for this role: say so, and show the
            # closest thing it does say, so the answer corrects rather than explains.
            return [
                correction(f"The guide doesn't say that about {role.name}. What it says:"),
                said(best_own[1], best_own[2]),
                *self._in_brief(role, kind=_kind(ask)),
            ]
        _, sentence, passage, shared = best_own
        if not _same_polarity(sentence, ask, self._claim_terms(predicate)):
            flip = "they do" if ask.negated else "otherwise"
            return [correction(f"No: the guide says {flip}."), said(sentence, passage)]
        if shared < 1.0 and topic:
            # A word of the claim that the guide's sentence does not use ("kept out of
            # conferences", "a single feature") is what the guide does not say: without a model
            # of meaning that could confirm a paraphrase, the guide's own words are shown as
            # what it does say, and the claim is not confirmed.
            if not ask.presupposes and shared == 0:
                # A plain yes/no question nothing of which the nearest sentence uses ("do I
                # need a diploma to become X?"): the guide does not cover it, and no answer
                # is better than an unrelated quote under "what it says".
                return []
            said_instead = [correction("The guide doesn't say that. What it says:")]
            if ask.presupposes and shared == 0:
                # Nothing of the premise in the nearest sentence: the role in brief shows what
                # it does instead ("why do APMs set strategy?": they assist, under guidance).
                return _unique(
                    [*said_instead, said(sentence, passage), *self._in_brief(role, kind=_kind(ask))]
                )
            return [*said_instead, said(sentence, passage)]
        if ask.presupposes:
            return [said(sentence, passage)]
        return [heading("Yes."), said(sentence, passage)]

    def _predicate(self, ask: Ask, topic: tuple[str, ...]) -> str:
        """What is claimed: the ask's topic words when it has some, else its wording."""
        return " ".join(topic) or mask_roles(_strip_tag(ask.text), self.ladder, placeholder="")

    def _in_brief(
        self,
        role: Role,
        title: str | None = None,
        first: list[Statement] | None = None,
        kind: PassageKind = PassageKind.RESPONSIBILITY,
    ) -> list[Statement]:
        """The role's opening sentences and its items of `kind` in one line (under `title`
        when the role lists them), after `first` when given."""
        lead = first or []
        mine = summary(role, kind) or summary(role, PassageKind.RESPONSIBILITY)
        if mine is None:
            return [*lead, *self.intro(role, 2)]
        return [*([heading(title)] if title else []), *lead, *self.intro(role, 2), mine]

    def _claim_terms(self, text: str) -> set[str]:
        """The claim's terms: words of the ladder's role names ("lighthouse", "keeper") say
        nothing about the claim."""
        return set(content_terms(text)) - self._name_terms

    def _best_sentence(
        self, text: str, passages: list[Passage], wording: str | None = None
    ) -> tuple[float, str, Passage, float] | None:
        """(cosine, sentence, its passage, share of the text's words it uses) of the closest;
        with `wording`, the choice weighs its cosine equally with the text's."""
        # A lead-in ("Responsibilities include:") states nothing about the claim.
        sentences = [
            (s, p) for p in passages for s in split_sentences(p.text) if not s.endswith(":")
        ]
        if not sentences or not text.strip():
            return None
        vectors = self.embedder.embed([text, *(s for s, _ in sentences)])
        scores = vectors[1:] @ vectors[0]
        chosen_by = scores
        if wording and wording.strip():
            asked_vector = self.embedder.embed([wording])[0]
            chosen_by = (scores + vectors[1:] @ asked_vector) / 2
        asked = self._claim_terms(text)

        # A claim is checked against the sentence that states most of its words, meaning
        # breaking ties: "do key holders train new associates?" is "Train new sales associates
        # ...", not a closer-sounding sentence that only shares "associates".
        terms = [content_terms(sentence) for sentence, _ in sentences]
        shares = [
            sum(any(_same_word(a, u) for u in used) for a in asked) / max(len(asked), 1)
            for used in terms
        ]
        # One word shared says little ("take" of "should I take it?"): then meaning decides,
        # the shared word only breaking near-ties.
        weight = CLAIM_WORDS_WEIGHT if len(asked) >= 2 else 0.0
        exact = [len(asked & set(used)) for used in terms]

        def chosen(by: Vectors) -> int:
            return max(
                range(len(sentences)),
                key=lambda i: float(by[i]) + weight * shares[i] + NEAR_TIE_WEIGHT * exact[i],
            )

        best = chosen(scores)
        if chosen_by is not scores:
            # The wording picks among the sentences that speak to the claim itself; a sentence
            # only the wording is close to ("do I need a diploma to become X?": "Training
            # sign-off") leaves the claim's own closest, which decides what is covered.
            worded = chosen(chosen_by)
            if float(scores[worded]) >= CLAIM_MIN:
                best = worded
        return float(scores[best]), sentences[best][0], sentences[best][1], shares[best]


def _kind(ask: Ask) -> PassageKind:
    """The items a claim's answer shows the role's own of: its skills for a question about
    skills ("is negotiation one of the APM skills?"), else its responsibilities."""
    skills = ask.need is Need.SKILLS or named_item_need(ask.text) is Need.SKILLS
    return PassageKind.SKILL if skills else PassageKind.RESPONSIBILITY


def _unique(statements: list[Statement]) -> list[Statement]:
    """The statements without one whose sentence another of them already says."""
    texts = [st.text for st in statements if st.passages]
    return [
        st
        for st in statements
        if not st.passages or not any(st.text in t and st.text != t for t in texts)
    ]


def _same_polarity(sentence: str, ask: Ask, asked: set[str] | None = None) -> bool:
    """Whether the guide's sentence is negated exactly when the ask's claim is. Only a
    negation of what the sentence states counts: "Lead the shift when no manager is present"
    states leading the shift; its "no" belongs to the clause saying when.

    An item's title states its subject ("Technical understanding: Though you don't need to be a
    developer, ..."): a claim about what the title names (`asked`, the claim's terms, more of
    them in the title than after it) is answered by the title, which is not negated; a claim
    about the rest ("do I need to be a developer?") by the rest."""
    text = sentence.replace("’", "'")
    lead, colon, rest = text.partition(": ")
    if colon and asked and len(lead.split()) <= TITLE_WORDS:
        lead_terms, rest_terms = content_terms(lead), content_terms(rest)
        in_lead = sum(any(_same_word(a, t) for t in lead_terms) for a in asked)
        in_rest = sum(any(_same_word(a, t) for t in rest_terms) for a in asked)
        if in_lead > in_rest:
            text = lead
    negated = bool(_NEGATION.search(text)) and negates_main_clause(text)
    return negated == ask.negated


def _same_word(a: str, b: str) -> bool:
    """Two stems of one word: equal, or one a long prefix of the other ("gath"/"gathering")."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 4 and long_.startswith(short)


def _capital(text: str) -> str:
    """The first letter upper-cased, the rest kept (str.capitalize lowers role names)."""
    return text[:1].upper() + text[1:]


def _listing(items: list[Passage]) -> str:
    titles = [_lower_title(p.title or "") for p in items if p.title]
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]


def summary(role: Role, kind: PassageKind) -> Statement | None:
    """One sentence naming a role's items by their titles, citing them all."""
    items = role.items(kind)
    titled = [p for p in items if p.title]
    if not titled:
        return None
    label = "Skills to develop as" if kind is PassageKind.SKILL else "Responsibilities of"
    if len(titled) > LISTED_ITEMS:
        # A long list is named in part, and says it is a part: the guide's first titles.
        shown = titled[:LISTED_ITEMS]
        return said(
            f"{label} {with_article(role.name)} include {_listing(shown)} "
            f"({len(shown)} of the {len(titled)} the guide lists).",
            *shown,
        )
    return said(f"{label} {with_article(role.name)}: {_listing(titled)}.", *titled)


def _lower_title(title: str) -> str:
    words = title.split()
    # Keep acronyms and proper names as written; lower-case ordinary capitalised words.
    return " ".join(w if w.isupper() or (i and w[:1].isupper()) else w.lower()
                    for i, w in enumerate(words))  # fmt: skip


def _strip_tag(text: str) -> str:
    text = re.sub(r",?\s*(?:right|correct|true|isn'?t it|don'?t they)\s*\??$", "", text, flags=re.I)
    text = re.sub(r"^\W*(?:why|how come)\s+(?:do|does|did|is|are|would|should)?\s*", "", text,
                  flags=re.I)  # fmt: skip
    # The claim's content: what is said of the role, without its negation or the framing.
    dropped = {"guide", "says", "say", "not", "never", "no", "ever", "don't", "doesn't",
               "aren't", "isn't", "can't", "won't", "dont", "doesnt"}  # fmt: skip
    return " ".join(t for t in tokens(text.replace("’", "'")) if t not in dropped)
