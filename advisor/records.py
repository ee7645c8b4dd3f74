"""The advisor's own database: saved check-ins and feedback on answers.

SQLAlchemy Core over any URL it supports: SQLite in the data folder by default, a Postgres URL
for a team running several replicas. The schema is versioned: `schema_version` holds the number
of the last migration applied, and `migrate` applies the later ones in order, each in its own
transaction, so a database created by an older advisor is brought forward in place and a
half-applied migration never sticks.

Every save is one transaction (a check-in and all its ratings land together or not at all), and
saves only insert rows, never read-modify-write, so two sessions saving at once cannot clobber
each other; SQLite serialises the two writers (WAL journal, busy timeout).
"""

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from advisor.assessment import CheckIn, RatedItem, Rating
from advisor.config import Settings
from advisor.errors import AdvisorError

DATABASE_FILE = "advisor.db"
metadata = MetaData()

schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))
checkins = Table(
    "checkins",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner", String(200), nullable=False, index=True),
    Column("ladder", String(200), nullable=False),
    Column("source", String(500), nullable=False),
    Column("current_level", Integer, nullable=False),
    Column("target_level", Integer, nullable=False),
    Column("current_role", String(200), nullable=False),
    Column("target_role", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
ratings = Table(
    "checkin_items",
    metadata,
    Column("checkin_id", ForeignKey("checkins.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("item_id", String(100), nullable=False),
    Column("level", Integer, nullable=False),
    Column("role", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("section", Text, nullable=False),
    Column("quote", Text, nullable=False),
    Column("rating", String(20), nullable=False),
    Column("note", Text, nullable=False, default=""),
    CheckConstraint(
        "rating in ('not_yet', 'working', 'demonstrated')", name="checkin_items_rating"
    ),
)
feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("question", Text, nullable=False),
    Column("history", JSON, nullable=False),
    Column("answer", Text, nullable=False),
    Column("citations", JSON, nullable=False),
    Column("backend", String(50), nullable=False),
    Column("helpful", Boolean, nullable=False),
    Column("reason", Text, nullable=False, default=""),
)


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[checkins, ratings, feedback])


# Migration n brings the schema from version n-1 to n. Append, never edit a released one.
MIGRATIONS: list[Callable[[Connection], None]] = [_v1]


class DatabaseError(AdvisorError):
    """The database cannot be opened or written."""


@dataclass(frozen=True)
class Feedback:
    """A thumbs up or down on one answer, with what was asked and answered."""

    id: int
    owner: str
    created_at: datetime
    question: str
    history: list[dict[str, str]]
    answer: str
    citations: list[dict[str, Any]]
    backend: str
    helpful: bool
    reason: str


def database_url(settings: Settings) -> str:
    """ADVISOR_DATABASE_URL, else SQLite in the data folder."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{(settings.data_dir / DATABASE_FILE).resolve()}"


class Records:
    """Check-ins and feedback in one database, migrated to the current schema on open."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            if url.startswith("sqlite:///"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            self.engine = _engine(url)
            migrate(self.engine)
        except (SQLAlchemyError, OSError, ValueError) as exc:
            raise DatabaseError(
                f"Cannot open the advisor's database ({type(exc).__name__}).",
                "Check ADVISOR_DATA_DIR (a writable folder) or ADVISOR_DATABASE_URL.",
            ) from exc

    @classmethod
    def from_settings(cls, settings: Settings) -> "Records":
        return cls(database_url(settings))

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"The advisor could not save to its database ({type(exc).__name__}); "
                "nothing was changed.",
                "Try again; if it persists, check the data folder's free space and permissions.",
            ) from exc

    def save_checkin(self, checkin: CheckIn) -> CheckIn:
        """Store a check-in and all its ratings in one transaction; returns it with its id."""
        with self._write() as conn:
            inserted = conn.execute(
                insert(checkins).values(
                    owner=checkin.owner,
                    ladder=checkin.ladder,
                    source=checkin.source,
                    current_level=checkin.current_level,
                    target_level=checkin.target_level,
                    current_role=checkin.current_role,
                    target_role=checkin.target_role,
                    created_at=checkin.created_at,
                )
            )
            new_id = _new_id(inserted)
            if checkin.items:
                conn.execute(
                    insert(ratings),
                    [
                        {
                            "checkin_id": new_id,
                            "position": n,
                            "item_id": item.id,
                            "level": item.level,
                            "role": item.role,
                            "kind": item.kind.value,
                            "title": item.title,
                            "text": item.text,
                            "section": item.section,
                            "quote": item.quote,
                            "rating": item.rating.value,
                            "note": item.note,
                        }
                        for n, item in enumerate(checkin.items)
                    ],
                )
        return checkin.model_copy(update={"id": new_id})

    def checkins(self, owner: str, ladder_source: str | None = None) -> list[CheckIn]:
        """The owner's check-ins, oldest first (of one ladder document if given)."""
        query = select(checkins).where(checkins.c.owner == owner)
        if ladder_source is not None:
            query = query.where(checkins.c.source == ladder_source)
        with self.engine.connect() as conn:
            heads = conn.execute(query.order_by(checkins.c.created_at, checkins.c.id)).all()
            rows = conn.execute(
                select(ratings)
                .where(ratings.c.checkin_id.in_([h.id for h in heads]))
                .order_by(ratings.c.checkin_id, ratings.c.position)
            ).all()
        by_checkin: dict[int, list[RatedItem]] = {}
        for r in rows:
            by_checkin.setdefault(r.checkin_id, []).append(
                RatedItem(
                    id=r.item_id,
                    level=r.level,
                    role=r.role,
                    kind=r.kind,
                    title=r.title,
                    text=r.text,
                    section=r.section,
                    quote=r.quote,
                    rating=Rating(r.rating),
                    note=r.note,
                )
            )
        return [
            CheckIn(
                id=h.id,
                owner=h.owner,
                ladder=h.ladder,
                source=h.source,
                current_level=h.current_level,
                target_level=h.target_level,
                current_role=h.current_role,
                target_role=h.target_role,
                created_at=_aware(h.created_at),
                items=by_checkin.get(h.id, []),
            )
            for h in heads
        ]

    def save_feedback(
        self,
        owner: str,
        question: str,
        history: list[dict[str, str]],
        answer: str,
        citations: list[dict[str, Any]],
        backend: str,
        helpful: bool,
        reason: str = "",
    ) -> int:
        """Store one thumbs up/down; returns its id (a reason may follow with set_reason)."""
        with self._write() as conn:
            inserted = conn.execute(
                insert(feedback).values(
                    owner=owner,
                    created_at=datetime.now(UTC),
                    question=question,
                    history=history,
                    answer=answer,
                    citations=citations,
                    backend=backend,
                    helpful=helpful,
                    reason=reason,
                )
            )
        return _new_id(inserted)

    def set_reason(self, feedback_id: int, owner: str, reason: str) -> bool:
        """Attach a reason to the owner's feedback; False when there is no such feedback."""
        with self._write() as conn:
            done = conn.execute(
                update(feedback)
                .where(feedback.c.id == feedback_id, feedback.c.owner == owner)
                .values(reason=reason)
            )
        return bool(done.rowcount)

    def feedback(self, helpful: bool | None = None) -> list[Feedback]:
        """Stored feedback, oldest first; only thumbs-down with helpful=False."""
        query = select(feedback).order_by(feedback.c.id)
        if helpful is not None:
            query = query.where(feedback.c.helpful == helpful)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            Feedback(
                id=r.id,
                owner=r.owner,
                created_at=_aware(r.created_at),
                question=r.question,
                history=list(r.history),
                answer=r.answer,
                citations=list(r.citations),
                backend=r.backend,
                helpful=bool(r.helpful),
                reason=r.reason,
            )
            for r in rows
        ]


def migrate(engine: Engine) -> int:
    """Apply the migrations the database has not had yet; returns the schema version."""
    with engine.begin() as conn:
        schema_version.create(conn, checkfirst=True)
        found = conn.execute(select(func.max(schema_version.c.version))).scalar()
    version = int(found or 0)
    for number, step in enumerate(MIGRATIONS, 1):
        if number <= version:
            continue
        with engine.begin() as conn:  # the step and its version stamp commit together
            step(conn)
            conn.execute(insert(schema_version).values(version=number))
        version = number
    return version


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    # A waiting writer retries for 30 s instead of failing at once with "database is locked".
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        # WAL lets readers go on while one writer commits; foreign keys are off by default.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def _new_id(result: Any) -> int:
    """The id the database gave the row just inserted."""
    key = result.inserted_primary_key
    if not key:  # only a table without an autoincrement key gives none
        raise DatabaseError("The database returned no id for the saved row.", "Try again.")
    return int(key[0])


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def feedback_as_eval_cases(items: list[Feedback]) -> list[dict[str, Any]]:
    """Thumbs-down answers as eval cases (the eval's JSONL schema): the question and its
    history, with the expectations empty for a person to fill in before the case is used."""
    return [
        {
            "id": f"feedback-{item.id}",
            "category": "feedback",
            "question": item.question,
            "history": item.history,
            "refuse": False,
            "sections": [],
            "facts": [],
            "forbidden": [],
            "answer_given": item.answer,
            "reason": item.reason,
            "backend": item.backend,
            "cited": [c.get("section", "") for c in item.citations],
        }
        for item in items
    ]


def dump_jsonl(cases: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
