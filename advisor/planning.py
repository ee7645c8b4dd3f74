"""Transition plans: how to get from one level of the ladder to a higher one, every item cited.

A plan is grounded by construction: each stage is one step up the ladder, its responsibilities
and skills are the target level's items as the guide states them, and the actions and readiness
signs are derived from those items (the guide's own words inside a fixed frame), each carrying
the citation of the item it comes from.
"""

from collections.abc import Callable, Mapping

from pydantic import BaseModel, Field

from advisor.assessment import Rating
from advisor.errors import AdvisorError
from advisor.ladder import CareerLadder, Role, with_article
from advisor.models import Citation, Passage
from advisor.parsing import item_parts, split_sentences


class PlanRequestError(AdvisorError):
    """The two roles do not make a plan (same role, or a step down)."""


class PlanItem(BaseModel):
    """A responsibility or skill of the target level, as the guide states it."""

    title: str
    text: str
    citation: int = Field(description="Citation id in the plan's citations.")
    status: Rating | None = Field(None, description="The user's own rating, from a check-in.")
    item_id: str = Field("", description="The passage id of the item (a check-in's key).")


class PlanStep(BaseModel):
    """An action or readiness sign derived from one item."""

    text: str
    citation: int


class PlanStage(BaseModel):
    """One step up the ladder."""

    from_role: str
    to_role: str
    from_section: str
    to_section: str
    from_level: int | None = Field(None, description="Ladder position of from_role (1 = entry).")
    to_level: int | None = Field(None, description="Ladder position of to_role.")
    summary: str = ""
    summary_citation: int | None = None
    responsibilities: list[PlanItem]
    skills: list[PlanItem]
    actions: list[PlanStep]
    readiness: list[PlanStep]


class TransitionPlan(BaseModel):
    """A plan from one role to a higher one: a stage per step, with numbered citations."""

    from_role: str
    to_role: str
    stages: list[PlanStage]
    citations: list[Citation]
    backend: str = "extractive"
    current_gaps: list[PlanItem] = Field(
        default_factory=list,
        description="Items of the current level not yet demonstrated (from a check-in).",
    )

    def to_markdown(self) -> str:
        return render_markdown(self)


def plan_transition(
    ladder: CareerLadder,
    from_role: str,
    to_role: str,
    ratings: Mapping[str, Rating] | None = None,
) -> TransitionPlan:
    """The plan from from_role up to to_role; names may be aliases ("APM", "senior pm").

    With `ratings` (a check-in's, by item id) the plan follows the person's gaps: the current
    level's items not yet demonstrated come first, each stage lists the items under way before
    those not started, and demonstrated items are marked and get no action.
    """
    start, goal = ladder.resolve(from_role), ladder.resolve(to_role)
    if start.level == goal.level:
        raise PlanRequestError(
            f"{start.name} and {goal.name} are the same level, so there is no move to plan.",
            f"Pick a higher target. {ladder.known_roles()}",
        )
    if goal.level < start.level:
        raise PlanRequestError(
            f"{goal.name} is below {start.name} on the ladder; plans go up the ladder.",
            f"Swap the roles for a promotion plan. {ladder.known_roles()}",
        )
    builder = _PlanBuilder(ratings)
    current_gaps = builder.open_items(start) if ratings is not None else []
    stages = []
    current = start
    while current.level < goal.level:
        nxt = ladder.next_role(current)
        if nxt is None:  # unreachable while goal is above, kept for a ladder with gaps
            break
        above = ladder.next_role(nxt)
        # The next level's own bar for the move beyond it ("Grade 5 opens only when ...") is
        # no skill to build for this move.
        beyond = [
            p for p in nxt.skills if above is not None and _names_level(ladder, p, above.level)
        ]
        stages.append(builder.stage(current, nxt, _moving_up(ladder, current, nxt), beyond))
        current = nxt
    return TransitionPlan(
        from_role=start.name,
        to_role=goal.name,
        stages=stages,
        citations=builder.citations,
        current_gaps=current_gaps,
    )


# Gap order: under way first (nearest to done), then not started, then already demonstrated.
_GAP_ORDER = {Rating.WORKING: 0, Rating.NOT_YET: 1, Rating.DEMONSTRATED: 2}


class _PlanBuilder:
    def __init__(self, ratings: Mapping[str, Rating] | None = None) -> None:
        self.citations: list[Citation] = []
        self._ids: dict[str, int] = {}
        self._ratings = ratings

    def cite(self, passage: Passage) -> int:
        if passage.id not in self._ids:
            self._ids[passage.id] = len(self._ids) + 1
            self.citations.append(
                Citation(
                    id=self._ids[passage.id], section=passage.section, text=passage.text, score=1.0
                )
            )
        return self._ids[passage.id]

    def item(self, passage: Passage) -> PlanItem:
        title, text = item_parts(passage)
        status = None
        if self._ratings is not None:
            status = self._ratings.get(passage.id, Rating.NOT_YET)
        return PlanItem(
            title=title,
            text=text,
            citation=self.cite(passage),
            status=status,
            item_id=passage.id,
        )

    def items(self, passages: list[Passage]) -> list[PlanItem]:
        """Plan items in the ladder's order, or in gap order when the plan follows a check-in."""
        items = [self.item(p) for p in passages]
        if self._ratings is None:
            return items
        return sorted(items, key=lambda i: _GAP_ORDER[i.status or Rating.NOT_YET])

    def open_items(self, role: Role) -> list[PlanItem]:
        """A level's items not yet demonstrated, in gap order."""
        ratings = self._ratings or {}
        return self.items(
            [
                p
                for p in [*role.responsibilities, *role.skills]
                if ratings.get(p.id) is not Rating.DEMONSTRATED
            ]
        )

    def stage(
        self,
        current: Role,
        target: Role,
        bar: list[Passage] | None = None,
        beyond: list[Passage] | None = None,
    ) -> PlanStage:
        summary, summary_citation = "", None
        if target.overview:
            sentences = [s for s in split_sentences(target.overview[0].text) if not s.endswith(":")]
            summary = " ".join(sentences[:2])
            summary_citation = self.cite(target.overview[0])
        responsibilities = self.items(target.responsibilities)
        skills = self.items([p for p in target.skills if p not in (beyond or [])])
        # Actions and readiness signs keep the guide's own words inside a short frame, so each
        # stays checkable against the passage it cites. What a check-in rates as demonstrated
        # needs no action.
        to_do = [i for i in responsibilities if i.status is not Rating.DEMONSTRATED]
        to_practise = [i for i in skills if i.status is not Rating.DEMONSTRATED]
        # An item without a title of its own is named by its first sentence, which reads as
        # no object of "Take on ..."; it is framed as a part of the next role instead.
        actions = [
            PlanStep(
                text=f"Take on {_object(i)} while still {with_article(current.name)}: "
                f"{_first_sentence(i.text)}",
                citation=i.citation,
            )
            for i in to_do
        ] + [
            PlanStep(text=f"Practise {_object(i)}: {_first_sentence(i.text)}", citation=i.citation)
            for i in to_practise
        ]
        # What the guide itself asks of the current level before the move comes first.
        readiness = [
            PlanStep(
                text=f"The guide's bar for the move: {_without_label(p)}", citation=self.cite(p)
            )
            for p in bar or []
        ] + [
            PlanStep(
                text=f"Ready when this already describes your work: {_first_sentence(i.text)}",
                citation=i.citation,
            )
            for i in to_do
        ]
        return PlanStage(
            from_role=current.name,
            to_role=target.name,
            from_section=current.section,
            to_section=target.section,
            from_level=current.level,
            to_level=target.level,
            summary=summary,
            summary_citation=summary_citation,
            responsibilities=responsibilities,
            skills=skills,
            actions=actions,
            readiness=readiness,
        )


def _moving_up(ladder: CareerLadder, current: Role, target: Role) -> list[Passage]:
    """The current level's lines on what it takes to reach the next one: those that name it
    ("Moving up: Ready for L2 when ...", "How does a Party Chief become a Project Surveyor?
    By ...")."""
    return [p for p in current.skills if _names_level(ladder, p, target.level)]


def _names_level(ladder: CareerLadder, passage: Passage, level: int) -> bool:
    return any(m.role.level == level for m in ladder.mentions(passage.text))


def _without_label(passage: Passage) -> str:
    """The passage's text without a label that only says what it is ("Moving up: ...")."""
    return item_parts(passage)[1] if passage.title else passage.text


def _first_sentence(text: str) -> str:
    sentences = split_sentences(text)
    return sentences[0] if sentences else text


def _lower(title: str) -> str:
    """Lower-case a title for use inside a sentence, keeping acronyms ('PM') intact."""
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in title.split())


NOTHING_LEFT = "- Nothing left here: your check-in rates every item of this level demonstrated."
Escape = Callable[[str], str]


def _verbatim(text: str) -> str:
    return text


def _object(item: PlanItem) -> str:
    return "this part of the next role" if item.text.startswith(item.title) else _lower(item.title)


def _item_line(item: PlanItem, esc: Escape) -> str:
    status = f" ({item.status.label})" if item.status else ""
    if item.text.startswith(item.title):
        # An untitled item, named by its first sentence: that sentence is shown once, marked,
        # and the rest follows it.
        rest = item.text[len(item.title) :].strip()
        tail = f" {esc(rest)}" if rest else ""
        return f"- **{esc(item.title)}**{status}{tail} [{item.citation}]"
    return f"- **{esc(item.title)}**{status}: {esc(item.text)} [{item.citation}]"


def render_markdown(plan: TransitionPlan, escape: Escape = _verbatim) -> str:
    """The plan as a self-contained Markdown document, sources included; `escape` is applied
    to every text taken from the ladder (a page escapes what a file keeps verbatim)."""
    esc = escape
    out = [f"# Career plan: {esc(plan.from_role)} → {esc(plan.to_role)}"]
    if plan.current_gaps:
        out += ["", f"## First: what {esc(plan.from_role)} still asks of you", ""]
        out += [_item_line(i, esc) for i in plan.current_gaps]
    for n, stage in enumerate(plan.stages, 1):
        out += ["", f"## Stage {n}: {esc(stage.from_role)} → {esc(stage.to_role)}", ""]
        if stage.summary:
            cited = " ".join(
                f"{esc(s)} [{stage.summary_citation}]" for s in split_sentences(stage.summary)
            )
            out += [cited, ""]
        # A ladder may list no skills (or no duties) for a level: no empty heading for them.
        if stage.responsibilities:
            out += ["### What changes in the role", ""]
            out += [_item_line(i, esc) for i in stage.responsibilities] + [""]
        if stage.skills:
            out += ["### Skills to build", ""]
            out += [_item_line(i, esc) for i in stage.skills] + [""]
        out += ["### Actions", ""]
        out += [f"- [ ] {esc(a.text)} [{a.citation}]" for a in stage.actions] or [NOTHING_LEFT]
        out += ["", "### How to know you are ready", ""]
        out += [f"- {esc(r.text)} [{r.citation}]" for r in stage.readiness] or [NOTHING_LEFT]
    out += ["", "## Sources (each [n] above points to the guide's text here)", ""]
    # Two trailing spaces: a line break, so rendered Markdown keeps one source per line.
    out += [f"[{c.id}] {esc(c.section)}: {esc(c.text)}  " for c in plan.citations]
    return "\n".join(out) + "\n"
