"""The "Your ladder" tab: upload a ladder, see what was parsed, add it, ask and plan on it
without a restart; remove it again. The same reading, parsing and indexing as `advisor index`.
"""

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from advisor import uploads
from advisor.config import Settings
from advisor.errors import AdvisorError
from advisor.indexing import DocumentReport
from advisor.ladder import with_article
from ui import render

FILE_TYPES = [".md", ".txt", ".csv", ".docx", ".pdf"]


def report_markdown(report: DocumentReport) -> str:
    """The parse of one document as the page shows it: ladder, levels, item counts, warnings."""
    lines = [
        f"**{render.safe(report.ladder or report.name)}**: {len(report.levels)} levels, "
        f"{report.passages} passages.",
        "",
        "| Level | Name | Responsibilities | Skills |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {lv.level} | {render.safe(lv.name)} | {lv.responsibilities} | {lv.skills} |"
        for lv in report.levels
    ]
    lines += [f"\n> Warning: {render.safe(w)}" for w in report.warnings]
    return "\n".join(lines)


class LadderTab:
    """Upload, preview, add and remove ladders; `reindex` brings the index and the advisor up
    to date with the corpus and the uploads folder."""

    def __init__(
        self, settings: Settings, reindex: Callable[[], None], ladder_names: Callable[[], list[str]]
    ) -> None:
        self.settings = settings
        self.reindex = reindex
        self.ladder_names = ladder_names
        self._lock = threading.Lock()  # one change to the index at a time in this process

    def build(self, picker: gr.Dropdown) -> None:
        limit = f"{self.settings.max_file_mb:g} MB"
        with gr.Tab("Your ladder", id="ladder"):
            gr.Markdown(
                "Add your company's ladder: a Markdown or text file with a heading per level, "
                "a competency table (.csv or Markdown), a Word document or a PDF, up to "
                f"{limit}. You see what was read before it is added; then ask about it in the "
                "chat and plan on it. Added ladders are kept until you remove them.",
                elem_classes="side-note",
            )
            upload = gr.File(
                label=f"Your ladder ({', '.join(FILE_TYPES)}; up to {limit})",
                file_types=FILE_TYPES,
                type="filepath",
                interactive=True,
                elem_id="upload-file",
            )
            preview = gr.Markdown("", elem_id="upload-preview")
            add = gr.Button(
                "Add this ladder", variant="primary", visible=False, elem_id="upload-add"
            )
            status = gr.Markdown("", elem_id="upload-status")
            with gr.Row():
                added = gr.Dropdown(
                    uploads.uploaded(self.settings),
                    label="Ladders you added",
                    interactive=True,
                    elem_id="upload-list",
                    scale=3,
                )
                remove = gr.Button("Remove", variant="stop", elem_id="upload-remove", scale=1)
            pending = gr.State(None)
        private: dict[str, Any] = {"api_visibility": "private"}
        upload.upload(self.check, upload, [preview, add, pending, status], **private)
        upload.clear(lambda: ("", gr.Button(visible=False), None), None, [preview, add, pending])
        add.click(self.add, pending, [status, add, added, picker, preview, upload], **private)
        remove.click(self.remove, added, [status, added, picker], **private)

    def check(self, path: str | None) -> tuple[Any, ...]:
        """Read the file as the indexer would; show the parse, or say why it cannot be added."""
        if not path:
            return "", gr.Button(visible=False), None, ""
        try:
            found = uploads.preview(Path(path), Path(path).name, self.settings)
        except AdvisorError as exc:
            return "", gr.Button(visible=False), None, _problem(exc)
        text = "### What was read\n\n" + report_markdown(found.report)
        return text, gr.Button(visible=True), [path, found.file_name], ""

    def add(self, pending: list[str] | None) -> tuple[Any, ...]:
        if not pending:
            return ("Choose a file first.",) + (gr.skip(),) * 5
        path, _ = pending
        try:
            with self._lock:
                found = uploads.preview(Path(path), Path(path).name, self.settings)
                kept = uploads.keep(Path(path), found, self.settings)
                try:
                    self.reindex()
                except AdvisorError:
                    kept.unlink()  # the index did not take it: keep nothing
                    raise
        except AdvisorError as exc:
            return (_problem(exc),) + (gr.skip(),) * 5
        levels = found.report.levels
        name = levels[min(1, len(levels) - 1)].name if levels else ""
        example = f"What does {with_article(name)} do?" if name else ""
        done = (
            f"**Added {render.safe(found.report.ladder or found.file_name)}.** Ask about it in "
            f"the chat (*“{render.safe(example)}”*) or plan a move on it."
        )
        return (
            done,
            gr.Button(visible=False),
            gr.Dropdown(choices=uploads.uploaded(self.settings), value=found.file_name),
            self.picker(),
            "",
            None,
        )

    def remove(self, file_name: str | None) -> tuple[Any, ...]:
        if not file_name:
            return "Pick a ladder you added.", gr.skip(), gr.skip()
        try:
            with self._lock:
                uploads.remove(file_name, self.settings)
                self.reindex()
        except AdvisorError as exc:
            return _problem(exc), gr.skip(), gr.skip()
        names = uploads.uploaded(self.settings)
        return (
            f"**Removed {render.safe(file_name)}.**",
            gr.Dropdown(choices=names, value=names[0] if names else None),
            self.picker(),
        )

    def picker(self) -> Any:
        """The chat's ladder picker, listing the ladders loaded now."""
        names = self.ladder_names()
        return gr.Dropdown(choices=names, value=names[0], visible=len(names) > 1)


def _problem(exc: AdvisorError) -> str:
    return f"> **{render.safe(exc.message)}** {render.safe(exc.hint)}"
