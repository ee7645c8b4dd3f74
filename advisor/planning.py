"""Transition plans: how to get from one level of the ladder to a higher one, every item cited.

A plan is grounded by construction: each stage is one step up the ladder, its responsibilities
and skills are the target level's items as the guide states them, and the actions and readiness
signs are derived from those items (the guide's own words inside a fixed frame), each carrying
the citation of the item it comes from.
"""

from pydantic import BaseModel, Field

from advisor.errors import AdvisorError
from advisor.ladder import CareerLadder, Role, with_article
from advisor.models import Citation, Passage
from advisor.parsing import split_sentences


class PlanRequestError(AdvisorError):
    """The two roles do not make a plan (same role, or a step down)."""


class PlanItem(BaseModel):
    """A responsibility or skill of the target level, as the guide states it."""

    title: str
    text: str
    citation: int = Field(description="Citation id in the plan's citations.")


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

    def to_markdown(self) -> str:
        return render_markdown(self)


def plan_transition(ladder: CareerLadder, from_role: str, to_role: str) -> TransitionPlan:
    """The plan from from_role up to to_role; names may be aliases ("APM", "senior pm")."""
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
    builder = _PlanBuilder()
    stages = []
    current = start
    while current.level < goal.level:
        nxt = ladder.next_role(current)
        if nxt is None:  # unreachable while goal is above, kept for a ladder with gaps
            break
        stages.append(builder.stage(current, nxt))
        current = nxt
    return TransitionPlan(
        from_role=start.name, to_role=goal.name, stages=stages, citations=builder.citations
    )


class _PlanBuilder:
    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self._ids: dict[str, int] = {}

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
        title, _, rest = passage.text.partition(":")
        if not passage.title:
            title, rest = split_sentences(passage.text)[0], ""
        return PlanItem(
            title=title.strip(), text=(rest or passage.text).strip(), citation=self.cite(passage)
        )

    def stage(self, current: Role, target: Role) -> PlanStage:
        summary, summary_citation = "", None
        if target.overview:
            sentences = [s for s in split_sentences(target.overview[0].text) if not s.endswith(":")]
            summary = " ".join(sentences[:2])
            summary_citation = self.cite(target.overview[0])
        responsibilities = [self.item(p) for p in target.responsibilities]
        skills = [self.item(p) for p in target.skills]
        # Actions and readiness signs keep the guide's own words inside a short frame, so each
        # stays checkable against the passage it cites.
        actions = [
            PlanStep(
                text=f"Take on {_lower(i.title)} while still {with_article(current.name)}: "
                f"{_first_sentence(i.text)}",
                citation=i.citation,
            )
            for i in responsibilities
        ] + [
            PlanStep(
                text=f"Practise {_lower(i.title)}: {_first_sentence(i.text)}", citation=i.citation
            )
            for i in skills
        ]
        readiness = [
            PlanStep(
                text=f"Ready when this already describes your work: {_first_sentence(i.text)}",
                citation=i.citation,
            )
            for i in responsibilities
        ]
        return PlanStage(
            from_role=current.name,
            to_role=target.name,
            from_section=current.section,
            to_section=target.section,
            summary=summary,
            summary_citation=summary_citation,
            responsibilities=responsibilities,
            skills=skills,
            actions=actions,
            readiness=readiness,
        )


def _first_sentence(text: str) -> str:
    sentences = split_sentences(text)
    return sentences[0] if sentences else text


def _lower(title: str) -> str:
    """Lower-case a title for use inside a sentence, keeping acronyms ('PM') intact."""
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in title.split())


def render_markdown(plan: TransitionPlan) -> str:
    """The plan as a self-contained Markdown document, sources included."""
    out = [f"# Career plan: {plan.from_role} → {plan.to_role}"]
    for n, stage in enumerate(plan.stages, 1):
        out += ["", f"## Stage {n}: {stage.from_role} → {stage.to_role}", ""]
        if stage.summary:
            cited = " ".join(
                f"{s} [{stage.summary_citation}]" for s in split_sentences(stage.summary)
            )
            out += [cited, ""]
        out += ["### What changes in the role", ""]
        out += [f"- **{i.title}**: {i.text} [{i.citation}]" for i in stage.responsibilities]
        out += ["", "### Skills to build", ""]
        out += [f"- **{i.title}**: {i.text} [{i.citation}]" for i in stage.skills]
        out += ["", "### Actions", ""]
        out += [f"- [ ] {a.text} [{a.citation}]" for a in stage.actions]
        out += ["", "### How to know you are ready", ""]
        out += [f"- {r.text} [{r.citation}]" for r in stage.readiness]
    out += ["", "## Sources (each [n] above points to the guide's text here)", ""]
    out += [f"[{c.id}] {c.section}: {c.text}" for c in plan.citations]
    return "\n".join(out) + "\n"
