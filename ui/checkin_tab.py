"""The "Where am I?" tab: rate yourself against your level and the next, save, see the gap, the
gap-ordered plan and progress over time, and download it for a 1:1.

Whose check-ins: with a login (ADVISOR_SERVE_AUTH) the logged-in user's; without one, this
browser's, under a random profile id kept in the browser's local storage.
"""

import hashlib
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from advisor.assessment import (
    CheckIn,
    LadderItem,
    Rating,
    changes,
    checkin_items,
    make_checkin,
    progress,
)
from advisor.checkin_export import checkin_html, checkin_markdown
from advisor.errors import AdvisorError
from advisor.ladder import CareerLadder
from advisor.ladder_scope import find_ladder
from advisor.planning import plan_transition
from advisor.records import Records
from ui import render
from ui.downloads import download_folder
from ui.pending import PendingAdvisor
from ui.progress_svg import progress_svg

RATINGS = [r.label for r in Rating]
_BY_LABEL = {r.label: r for r in Rating}
INTRO = (
    "Rate each responsibility and skill of your level and of the one you want: *not yet*, "
    "*working on it* or *demonstrated*, with a note of evidence if you like. Saving shows what "
    "is left to demonstrate, a plan ordered by it, and your progress since the last check-in."
)
PRIVACY = {
    True: "Check-ins are saved for your login.",
    False: "Check-ins are saved for this browser (no login): another browser starts afresh.",
}


def identify(profile: str | None, request: gr.Request) -> tuple[str, str]:
    """(the browser's profile id, the owner of this session's check-ins and feedback)."""
    try:
        profile = uuid.UUID(str(profile)).hex
    except ValueError:
        profile = uuid.uuid4().hex
    user = getattr(request, "username", None)
    return profile, f"user:{user}" if user else f"browser:{profile}"


class CheckInTab:
    """The tab's components and handlers, for one advisor and one database."""

    def __init__(self, advisor: PendingAdvisor, records: Records, *, logged_in: bool) -> None:
        self.advisor = advisor
        self.records = records
        self.logged_in = logged_in
        self.downloads = download_folder(self, "advisor-checkins-")

    def _download_folder(self, checkin: CheckIn) -> Path:
        """One folder per saved check-in, named by a hash of its owner and id (an owner is an
        unguessable browser key or a login, so no one reaches another's files by name)."""
        if checkin.id is None:
            return Path(tempfile.mkdtemp(dir=self.downloads))
        key = hashlib.sha256(f"{checkin.owner}\n{checkin.id}".encode()).hexdigest()[:24]
        folder = self.downloads / key
        folder.mkdir(exist_ok=True)
        return folder

    @property
    def ladders(self) -> list[CareerLadder]:
        """The ladders loaded now (a ladder may be added or removed while serving)."""
        return self.advisor.ladders

    def ladder(self, name: str | None) -> CareerLadder:
        return find_ladder(self.ladders, name) if name else self.ladders[0]

    def level_choices(self, name: str | None) -> list[tuple[str, str]]:
        return [(r.name, str(r.level)) for r in self.ladder(name).roles]

    def build(self, owner: gr.State) -> None:
        ladders = [lad.name or lad.source for lad in self.ladders]
        levels = self.level_choices(None)
        with gr.Tab("Where am I?", id="checkin"):
            gr.Markdown(f"{INTRO}\n\n*{PRIVACY[self.logged_in]}*", elem_classes="side-note")
            with gr.Row():
                ladder = gr.Dropdown(
                    ladders, value=ladders[0], label="Ladder", visible=len(ladders) > 1
                )
                current = gr.Dropdown(
                    levels, value=levels[0][1], label="Your level now", elem_id="checkin-current"
                )
                target = gr.Dropdown(
                    levels,
                    value=levels[min(1, len(levels) - 1)][1],
                    label="The level you want",
                    elem_id="checkin-target",
                )
            saved = gr.State({})  # item id -> [rating label, note] of the last check-in
            status = gr.Markdown("", elem_id="checkin-status", render=False)
            chart = gr.HTML("", elem_id="checkin-progress", render=False)
            result = gr.Markdown("", elem_id="checkin-result", render=False)
            markdown_file = gr.DownloadButton(
                "Download for my 1:1 (Markdown)",
                visible=False,
                elem_id="checkin-download",
                render=False,
            )
            print_file = gr.DownloadButton(
                "Print-friendly page", visible=False, variant="secondary", render=False
            )
            outputs = [status, chart, result, markdown_file, print_file, saved]

            @gr.render(inputs=[ladder, current, target, saved])  # type: ignore[untyped-decorator]
            def form(name: str, now: str, goal: str, rated: dict[str, list[str]]) -> None:
                try:
                    items = checkin_items(self.ladder(name), now, goal)
                except AdvisorError as exc:
                    gr.Markdown(f"**{render.safe(exc.message)}** {render.safe(exc.hint)}")
                    return
                radios, notes = self._rows(items, rated)
                save = gr.Button("Save check-in", variant="primary", elem_id="checkin-save")
                save.click(
                    self.save,
                    [owner, ladder, current, target, *radios, *notes],
                    outputs,
                    api_visibility="private",
                )

            status.render()  # type: ignore[no-untyped-call]
            with gr.Row():
                markdown_file.render()  # type: ignore[no-untyped-call]
                print_file.render()  # type: ignore[no-untyped-call]
            chart.render()  # type: ignore[no-untyped-call]
            result.render()  # type: ignore[no-untyped-call]
        ladder.input(self.pick_ladder, ladder, [current, target], api_visibility="private")
        self.load_inputs, self.load_outputs = [owner], [ladder, current, target, *outputs]

    def _rows(
        self, items: Sequence[LadderItem], rated: dict[str, list[str]]
    ) -> tuple[list[gr.Radio], list[gr.Textbox]]:
        radios, notes = [], []
        role = ""
        for item in items:
            if item.role != role:
                role = item.role
                gr.Markdown(f"### {render.safe(role)}")
            label, note = (rated.get(item.id) or [Rating.NOT_YET.label, ""])[:2]
            with gr.Row(equal_height=True, elem_classes="checkin-item"):
                gr.Markdown(
                    f"**{render.safe(item.title)}** · {render.safe(item.text)}  \n"
                    f"<small>Source: {render.safe(item.section)}</small>",
                    elem_classes="checkin-text",
                )
                radios.append(
                    gr.Radio(
                        RATINGS,
                        value=label if label in _BY_LABEL else RATINGS[0],
                        show_label=False,
                        container=False,
                        interactive=True,  # inputs made in a render are static by default
                        elem_classes="checkin-rating",
                    )
                )
                notes.append(
                    gr.Textbox(
                        note,
                        placeholder="Evidence (optional)",
                        show_label=False,
                        container=False,
                        max_length=280,
                        interactive=True,
                        elem_classes="checkin-note",
                    )
                )
        return radios, notes

    def pick_ladder(self, name: str) -> tuple[Any, Any]:
        levels = self.level_choices(name)
        return (
            gr.Dropdown(choices=levels, value=levels[0][1]),
            gr.Dropdown(choices=levels, value=levels[min(1, len(levels) - 1)][1]),
        )

    def save(self, owner: str, name: str, now: str, goal: str, *values: str) -> tuple[Any, ...]:
        """Store the ratings as a new check-in and show the gap, plan and progress."""
        ladder = self.ladder(name)
        try:
            items = checkin_items(ladder, now, goal)
            half = len(values) // 2
            labels, notes = values[:half], values[half:]
            if len(items) != half:  # the ladder changed under an open page
                raise AdvisorError("The ladder changed since this page loaded.", "Reload it.")
            earlier = self.records.checkins(owner, ladder.source)
            checkin = self.records.save_checkin(
                make_checkin(
                    ladder,
                    owner,
                    now,
                    goal,
                    {
                        i.id: _BY_LABEL.get(v, Rating.NOT_YET)
                        for i, v in zip(items, labels, strict=True)
                    },
                    {i.id: n or "" for i, n in zip(items, notes, strict=True)},
                )
            )
        except AdvisorError as exc:
            raise gr.Error(f"{exc.message} {exc.hint}".strip()) from exc
        return self.show(checkin, [*earlier, checkin], "Saved")

    def latest(self, owner: str) -> tuple[Any, ...]:
        """The owner's last check-in, shown as saved, when the page opens."""
        found = [
            c
            for c in self.records.checkins(owner)
            if any(lad.source == c.source for lad in self.ladders)
        ]
        if not found:
            return (gr.skip(),) * 3 + ("*No check-in saved yet.*",) + (gr.skip(),) * 5
        last = found[-1]
        ladder = next(lad for lad in self.ladders if lad.source == last.source)
        history = [c for c in found if c.source == last.source]
        levels = self.level_choices(ladder.name or ladder.source)
        return (
            gr.Dropdown(value=ladder.name or ladder.source),
            gr.Dropdown(choices=levels, value=str(last.current_level)),
            gr.Dropdown(choices=levels, value=str(last.target_level)),
            *self.show(last, history, "Your last check-in"),
        )

    def show(self, checkin: CheckIn, history: list[CheckIn], verb: str) -> tuple[Any, ...]:
        ladder = next(lad for lad in self.ladders if lad.source == checkin.source)
        plan = plan_transition(
            ladder, str(checkin.current_level), str(checkin.target_level), checkin.ratings()
        )
        previous = history[-2] if len(history) > 1 else None
        moved = changes(previous, checkin) if previous else []
        page = checkin_markdown(checkin, plan, previous, moved, escape=render.safe)
        document = checkin_markdown(checkin, plan, previous, moved)
        stem = f"check-in-{checkin.created_at:%Y-%m-%d-%H%M}"
        folder = self._download_folder(checkin)
        if not (folder / f"{stem}.html").exists():
            # A saved check-in's documents never change: each page load that restores it reuses
            # them instead of writing two more files.
            (folder / f"{stem}.md").write_text(document, encoding="utf-8")
            title = f"Check-in: {checkin.current_role} → {checkin.target_role}"
            (folder / f"{stem}.html").write_text(checkin_html(document, title), encoding="utf-8")
        status = (
            f"**{verb}: {checkin.created_at:%Y-%m-%d %H:%M} UTC.** "
            f"{len(history)} check-in(s) on this ladder."
        )
        return (
            status,
            progress_svg(progress(history)),
            page,
            gr.DownloadButton(value=str(folder / f"{stem}.md"), visible=True),
            gr.DownloadButton(value=str(folder / f"{stem}.html"), visible=True),
            {i.id: [i.rating.label, i.note] for i in checkin.items},
        )
