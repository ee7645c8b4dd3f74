"""`advisor checkin` and `advisor feedback export`: self-assessment and answer feedback from the
terminal, stored in the same database as the browser's."""

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor.assessment import (
    CheckIn,
    CheckInError,
    LadderItem,
    Rating,
    changes,
    checkin_items,
    make_checkin,
    progress,
    resolve_entries,
)
from advisor.cli_input import check_output, write_output
from advisor.config import Settings
from advisor.ladder import CareerLadder

EXIT_OK = 0
# The answer a person types at the prompt, by its first letter.
_KEYS = {"n": Rating.NOT_YET, "w": Rating.WORKING, "d": Rating.DEMONSTRATED}


def owner_of(user: str | None) -> str:
    """The owner a check-in is saved under: the named user, else the OS login, as `user:NAME`
    (the browser saves a logged-in user's check-ins under the same form)."""
    return f"user:{user or getpass.getuser()}"


def add_parsers(sub: Any) -> None:
    """The `checkin` and `feedback` subcommands."""
    p = sub.add_parser("checkin", help="rate yourself against two levels; see your gap and plan")
    p.add_argument("--from", dest="from_role", help='your current role, e.g. "APM"')
    p.add_argument("--to", dest="to_role", help="the role you want (default: the next one up)")
    p.add_argument("--ladder", help="the ladder, when several are loaded")
    p.add_argument("--user", help="whose check-ins (default: your login name)")
    p.add_argument("--from-file", help="JSON ratings instead of questions (see README)")
    p.add_argument("--history", action="store_true", help="list your check-ins and progress")
    p.add_argument("--out", help="also save the check-in and its plan as Markdown here")
    p.add_argument("--force", action="store_true", help="let --out replace an existing file")
    p.add_argument("--json", action="store_true", help="print the saved check-in as JSON")
    p.set_defaults(handler=run_checkin)

    p = sub.add_parser("feedback", help="answers people rated in the browser")
    p.add_argument("action", choices=["export"], help="export: thumbs-down answers as eval cases")
    p.add_argument("--out", help="write the JSONL here instead of printing it")
    p.add_argument("--force", action="store_true", help="let --out replace an existing file")
    p.set_defaults(handler=run_feedback)


def run_checkin(args: argparse.Namespace, settings: Settings) -> int:
    from advisor import wiring
    from advisor.checkin_export import checkin_markdown
    from advisor.planning import plan_transition
    from advisor.records import Records

    # Checked before anything is asked or saved, as `plan --out` is.
    out = check_output(args.out, args.force) if args.out else None
    records = Records.from_settings(settings)
    owner = owner_of(args.user)
    ladders = wiring.ladders(settings)
    ladder = _ladder(ladders, args.ladder)
    if args.history:
        print(history_text(records.checkins(owner, ladder.source if args.ladder else None)))
        return EXIT_OK
    spec = _read_spec(args.from_file) if args.from_file else {}
    current = args.from_role or str(spec.get("from") or "")
    if not current:
        raise CheckInError("Say which level you are at.", 'Add --from "<your role>".')
    target = args.to_role or str(spec.get("to") or "") or _next_up(ladder, current)
    items = checkin_items(ladder, current, target)
    if args.from_file:
        ratings, notes = resolve_entries(ladder, items, spec.get("ratings") or [])
    else:
        ratings, notes = ask_ratings(items)
    checkin = make_checkin(ladder, owner, current, target, ratings, notes)
    earlier = records.checkins(owner, ladder.source)
    saved = records.save_checkin(checkin)
    previous = earlier[-1] if earlier else None
    plan = plan_transition(ladder, current, target, saved.ratings())
    document = checkin_markdown(saved, plan, previous, changes(previous, saved) if previous else [])
    if out is not None:
        write_output(out, document, args.force)
    print(saved.model_dump_json(indent=2) if args.json else document)
    return EXIT_OK


def run_feedback(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here: the database layer costs every other command's start-up otherwise.
    from advisor.records import Records, dump_jsonl, feedback_as_eval_cases

    out = check_output(args.out, args.force) if args.out else None
    records = Records.from_settings(settings)
    text = dump_jsonl(feedback_as_eval_cases(records.feedback(helpful=False)))
    if out is not None:
        write_output(out, text, args.force)
        print(f"Wrote {text.count(chr(10))} eval case(s) to {args.out}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def ask_ratings(
    items: list[LadderItem], read: Callable[[str], str] = input
) -> tuple[dict[str, Rating], dict[str, str]]:
    """Ask for each item's rating and an optional note; Ctrl-D stops with nothing saved."""
    ratings: dict[str, Rating] = {}
    notes: dict[str, str] = {}
    print("Rate each item: [n]ot yet, [w]orking on it, [d]emonstrated (Enter = not yet).")
    for n, item in enumerate(items, 1):
        print(f"\n[{n}/{len(items)}] {item.role}: {item.title}\n    {item.text}")
        print(f"    (source: {item.section})")
        try:
            while True:
                key = read("rating [n/w/d]> ").strip().lower()[:1] or "n"
                if key in _KEYS:
                    break
                print("    Type n, w or d.")
            ratings[item.id] = _KEYS[key]
            notes[item.id] = read("evidence (optional)> ").strip()
        except EOFError:
            raise CheckInError(
                "The check-in was stopped before the end; nothing was saved.",
                "Run `advisor checkin` again, or use --from-file for a scripted check-in.",
            ) from None
    return ratings, notes


def history_text(checkins: list[CheckIn]) -> str:
    """The owner's check-ins, oldest first, with items demonstrated per level as a bar."""
    if not checkins:
        return "No check-ins yet. Run `advisor checkin --from <your role>` to make one."
    lines = []
    for point in progress(checkins):
        filled = round(10 * point.demonstrated / point.total) if point.total else 0
        lines.append(
            f"{point.created_at:%Y-%m-%d %H:%M}  {point.role:<32.32} "
            f"{'#' * filled}{'.' * (10 - filled)} {point.demonstrated}/{point.total} demonstrated"
        )
    return "\n".join(lines)


def _ladder(ladders: list[CareerLadder], name: str | None) -> CareerLadder:
    if name:
        from advisor.ladder_scope import find_ladder

        return find_ladder(ladders, name)
    if len(ladders) == 1:
        return ladders[0]
    if not ladders:
        raise CheckInError(
            "The index holds no ladder (no document with levels).",
            "Add a ladder document to the corpus and run `advisor index`.",
        )
    raise CheckInError(
        "Several ladders are loaded; say which one the check-in is for.",
        "Add --ladder NAME. Loaded: " + "; ".join(lad.name or lad.source for lad in ladders),
    )


def _next_up(ladder: CareerLadder, current: str) -> str:
    role = ladder.resolve(current)
    nxt = ladder.next_role(role)
    if nxt is None:
        raise CheckInError(
            f"{role.name} is the top of the ladder; there is no level above to rate against.",
            "Pick a lower --from level.",
        )
    return nxt.name


def _read_spec(path: str) -> dict[str, Any]:
    hint = (
        'Give {"from": "<role>", "to": "<role>", "ratings": [{"item": "<title>", '
        '"rating": "demonstrated", "note": "..."}]}.'
    )
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CheckInError(f"Cannot read the ratings file {path}: {exc}.", hint) from exc
    if not isinstance(data, dict) or not isinstance(data.get("ratings", []), list):
        raise CheckInError(f"The ratings file {path} is not shaped as expected.", hint)
    if not all(isinstance(e, dict) for e in data.get("ratings", [])):
        raise CheckInError(f"Each rating in {path} must be an object.", hint)
    return data
