"""Self-assessment against a ladder: a check-in rates each item of two levels, and the gap is
what is left to demonstrate.

A check-in snapshots every rated item (its text, heading and level) rather than pointing at the
index only: a ladder edited after the check-in would otherwise rewrite what the person rated.
Items are keyed by the passage id the index gives them, so a later check-in on the same ladder
lines up with an earlier one item by item.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from advisor.errors import AdvisorError
from advisor.ladder import CareerLadder, Role
from advisor.models import Passage, PassageKind
from advisor.parsing import item_parts

MAX_NOTE_CHARS = 280


class CheckInError(AdvisorError):
    """A check-in that cannot be made as asked (unknown item, levels the wrong way round)."""


class Rating(StrEnum):
    """How far the person is with one item, in their own judgement."""

    NOT_YET = "not_yet"
    WORKING = "working"
    DEMONSTRATED = "demonstrated"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Rating.NOT_YET: "not yet",
    Rating.WORKING: "working on it",
    Rating.DEMONSTRATED: "demonstrated",
}


class LadderItem(BaseModel):
    """A responsibility or skill of one level, as the ladder states it."""

    id: str = Field(description="The passage id of the item in the index.")
    level: int
    role: str
    kind: PassageKind
    title: str
    text: str
    section: str
    quote: str = Field(description="The passage as the ladder states it (what is cited).")


class RatedItem(LadderItem):
    """An item with the person's rating and an optional note of evidence."""

    rating: Rating = Rating.NOT_YET
    note: str = ""


class CheckIn(BaseModel):
    """One self-assessment: a ladder, the current and target levels, a rating per item."""

    id: int | None = None
    owner: str
    ladder: str
    source: str
    current_level: int
    target_level: int
    current_role: str
    target_role: str
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    items: list[RatedItem]

    def at_level(self, level: int) -> list[RatedItem]:
        return [i for i in self.items if i.level == level]

    def ratings(self) -> dict[str, Rating]:
        return {i.id: i.rating for i in self.items}


class Gap(BaseModel):
    """What is left to demonstrate: the current level's first, then the target's, each ordered
    with the items already under way before those not started."""

    current: list[RatedItem]
    target: list[RatedItem]
    demonstrated: int
    total: int

    @property
    def items(self) -> list[RatedItem]:
        return self.current + self.target


class Change(BaseModel):
    """One item whose rating moved between two check-ins."""

    item: RatedItem
    before: Rating | None  # None: the item was not in the earlier check-in


class ProgressPoint(BaseModel):
    """Items demonstrated at one level in one check-in."""

    created_at: datetime
    level: int
    role: str
    demonstrated: int
    total: int


def level_items(role: Role) -> list[LadderItem]:
    """A level's responsibilities then skills, each with the heading it is cited by."""
    # A level written only as prose has its paragraphs as responsibilities (see ladder.py), so
    # the kind comes from the list an item is in, not from the passage.
    return [_item(role, p, PassageKind.RESPONSIBILITY) for p in role.responsibilities] + [
        _item(role, p, PassageKind.SKILL) for p in role.skills
    ]


def _item(role: Role, passage: Passage, kind: PassageKind) -> LadderItem:
    title, text = item_parts(passage)
    return LadderItem(
        id=passage.id,
        level=role.level,
        role=role.name,
        kind=kind,
        title=title,
        text=text,
        section=passage.section,
        quote=passage.text,
    )


def checkin_levels(ladder: CareerLadder, current: str, target: str) -> tuple[Role, Role]:
    """The two roles a check-in rates, named as the user likes; the target must be higher."""
    start, goal = ladder.resolve(current), ladder.resolve(target)
    if goal.level <= start.level:
        raise CheckInError(
            f"{goal.name} is not above {start.name} on the ladder.",
            f"Pick a target level higher than your current one. {ladder.known_roles()}",
        )
    return start, goal


def checkin_items(ladder: CareerLadder, current: str, target: str) -> list[LadderItem]:
    """Every item a check-in from `current` to `target` rates: the current level's, then the
    target's."""
    start, goal = checkin_levels(ladder, current, target)
    return level_items(start) + level_items(goal)


def make_checkin(
    ladder: CareerLadder,
    owner: str,
    current: str,
    target: str,
    ratings: Mapping[str, Rating],
    notes: Mapping[str, str] | None = None,
) -> CheckIn:
    """A check-in from ratings by item id; an item left unrated counts as not yet."""
    start, goal = checkin_levels(ladder, current, target)
    items = level_items(start) + level_items(goal)
    known = {i.id for i in items}
    unknown = sorted((set(ratings) | set(notes or {})) - known)
    if unknown:
        raise CheckInError(
            f"{len(unknown)} rated item(s) are not items of {start.name} or {goal.name}: "
            f"{', '.join(unknown[:3])}.",
            "Rate the items listed for these two levels (the ladder may have changed since).",
        )
    rated = [
        RatedItem(
            **item.model_dump(),
            rating=ratings.get(item.id, Rating.NOT_YET),
            note=clean_note((notes or {}).get(item.id, "")),
        )
        for item in items
    ]
    return CheckIn(
        owner=owner,
        ladder=ladder.name or ladder.source,
        source=ladder.source,
        current_level=start.level,
        target_level=goal.level,
        current_role=start.name,
        target_role=goal.name,
        items=rated,
    )


def clean_note(note: str) -> str:
    """A note on one line, without control characters, at most MAX_NOTE_CHARS long."""
    text = " ".join("".join(ch for ch in note if ch.isprintable() or ch.isspace()).split())
    return text[:MAX_NOTE_CHARS]


def gap(checkin: CheckIn) -> Gap:
    """The items not yet demonstrated, current level first, those under way first."""
    return Gap(
        current=_open(checkin.at_level(checkin.current_level)),
        target=_open(checkin.at_level(checkin.target_level)),
        demonstrated=sum(i.rating is Rating.DEMONSTRATED for i in checkin.items),
        total=len(checkin.items),
    )


def _open(items: Iterable[RatedItem]) -> list[RatedItem]:
    # Items already under way come first: they are the nearest to being demonstrated. The
    # ladder's own order is kept inside each group (sorted() is stable).
    pending = [i for i in items if i.rating is not Rating.DEMONSTRATED]
    return sorted(pending, key=lambda i: i.rating is not Rating.WORKING)


def changes(before: CheckIn, after: CheckIn) -> list[Change]:
    """The items of `after` whose rating differs from `before` (or that are new)."""
    earlier = before.ratings()
    return [
        Change(item=item, before=earlier.get(item.id))
        for item in after.items
        if earlier.get(item.id) is not item.rating
    ]


def progress(checkins: Sequence[CheckIn]) -> list[ProgressPoint]:
    """Per check-in (oldest first) and level: items demonstrated out of items rated."""
    points = []
    for checkin in sorted(checkins, key=lambda c: c.created_at):
        for level, role in (
            (checkin.current_level, checkin.current_role),
            (checkin.target_level, checkin.target_role),
        ):
            items = checkin.at_level(level)
            points.append(
                ProgressPoint(
                    created_at=checkin.created_at,
                    level=level,
                    role=role,
                    demonstrated=sum(i.rating is Rating.DEMONSTRATED for i in items),
                    total=len(items),
                )
            )
    return points


def resolve_entries(
    ladder: CareerLadder, items: Sequence[LadderItem], entries: Iterable[Mapping[str, object]]
) -> tuple[dict[str, Rating], dict[str, str]]:
    """Ratings and notes from entries that name an item by id or by title (with `role`, named
    as the user likes, to tell apart two levels' items of the same title), as a script or a
    JSON file gives them."""
    ratings: dict[str, Rating] = {}
    notes: dict[str, str] = {}
    for n, entry in enumerate(entries, 1):
        key = str(entry.get("item", "")).strip()
        role = str(entry.get("role", "")).strip()
        level = ladder.resolve(role).level if role else None
        found = [
            i for i in items if key == i.id or (_same(key, i.title) and level in (None, i.level))
        ]
        if len(found) != 1:
            titles = "; ".join(f"{i.title} ({i.role})" for i in items)
            problem = "matches no item" if not found else "matches items of both levels"
            raise CheckInError(
                f"Rating {n} ('{key}') {problem}.",
                f'Name an item by its title (add "role" when both levels have it): {titles}.',
            )
        try:
            ratings[found[0].id] = Rating(str(entry.get("rating", "")).strip().lower())
        except ValueError as exc:
            raise CheckInError(
                f"Rating {n} ('{key}') is {entry.get('rating')!r}.",
                "Use one of: " + ", ".join(r.value for r in Rating) + ".",
            ) from exc
        notes[found[0].id] = str(entry.get("note", "") or "")
    return ratings, notes


def _same(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())
