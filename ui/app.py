"""The browser chat: a Gradio app built from an Advisor (chat, transition plans, the ladder)."""

import html
import logging
import re
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
from fastapi.responses import JSONResponse
from gradio.events import api as expose_api

from advisor import wiring
from advisor.config import Settings
from advisor.errors import AdvisorError
from advisor.ladder import Role, with_article
from advisor.planning import TransitionPlan
from advisor.records import Records
from ui import render
from ui.checkin_tab import CheckInTab, identify
from ui.downloads import download_folder
from ui.feedback import FeedbackPanel
from ui.health import health
from ui.ladder_svg import ladder_svg
from ui.ladder_tab import LadderTab
from ui.pending import PendingAdvisor

if TYPE_CHECKING:
    # Built on a thread while the page is served: the page itself needs none of answering.
    from advisor.answering import Advisor

log = logging.getLogger(__name__)

TITLE = "Career Advisor"


def question_safe(chatbot: gr.Chatbot) -> gr.Chatbot:
    """The chat, with the user's own turns escaped like any passage: an image or a link typed
    in a question is shown as text, never fetched (what the chat sends back is read with
    render.question_text, so escaping twice changes nothing)."""
    # Wrapped on the instance: a Chatbot subclass would make Gradio write a .pyi stub beside
    # this module at import.
    shown = chatbot.postprocess

    def postprocess(value: Any) -> Any:
        return shown([_safe_turn(m) for m in value] if value else value)

    chatbot.postprocess = postprocess  # type: ignore[method-assign]
    return chatbot


def _safe_turn(message: Any) -> Any:
    if not isinstance(message, dict) or message.get("role") != "user":
        return message
    content = message.get("content")
    if isinstance(content, str):
        return {**message, "content": render.question_markdown(render.question_text(content))}
    if isinstance(content, list):
        parts = [
            {**p, "text": render.question_markdown(render.question_text(str(p["text"])))}
            if isinstance(p, dict) and "text" in p
            else p
            for p in content
        ]
        return {**message, "content": parts}
    return message


def examples(roles: list[Role]) -> list[str]:
    """Example questions about the shown ladder's own roles."""
    if len(roles) < 2:
        return ["What does this guide cover?"]

    mid, top = roles[len(roles) // 2], roles[-1]
    return [
        f"What does {with_article(mid.name)} do?",
        f"Plan my move from {roles[0].name} to {roles[1].name}",
        f"What skills should {with_article(roles[0].name)} develop?",
        f"How is {with_article(top.name)} different from {with_article(mid.name)}?",
    ]


# System fonts only: the stock themes name Google or bundled web fonts, and the page must not
# reach for any host but its own.
SANS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
MONO = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"]
CSS = """
.gradio-container { max-width: 1180px !important; margin: 0 auto !important; }
#advisor-header { padding: 18px 4px 2px; }
#advisor-header h1 { font-size: 1.7rem; margin: 0 0 4px; letter-spacing: -0.01em; }
#advisor-header p { margin: 0; color: var(--body-text-color-subdued); }
.advisor-badge { display: inline-block; padding: 1px 10px; border-radius: 999px;
  background: var(--color-accent-soft); color: var(--color-accent); font-size: 0.8rem;
  font-weight: 600; margin-left: 8px; vertical-align: middle; }
.ladder-panel svg { width: 100%; height: auto; max-width: 420px; display: block; }
.side-note { font-size: 0.85rem; color: var(--body-text-color-subdued); }
.checkin-item { border-bottom: 1px solid var(--border-color-primary); padding: 4px 0; }
.checkin-text p { margin: 0; }
.checkin-text { flex: 5 1 0 !important; }
.checkin-rating { flex: 3 1 0 !important; min-width: 340px !important; }
.checkin-note { flex: 2 1 0 !important; }
.progress-chart { width: 100%; max-width: 560px; height: auto; }
"""
PROFILE_KEY_FILE = "browser-profile.key"


def theme() -> gr.themes.Base:
    """The page theme: indigo accents on system fonts, nothing fetched from elsewhere."""
    return gr.themes.Soft(
        primary_hue="indigo",
        secondary_hue="amber",
        neutral_hue="slate",
        font=SANS,
        font_mono=MONO,
    )


def profile_secret(data_dir: Path) -> str:
    """The key the browser's profile id is stored under, kept in the data folder: a new key
    at every start would orphan every browser's saved check-ins."""
    path = data_dir / PROFILE_KEY_FILE
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(24)
        path.write_text(key, encoding="utf-8")
        path.chmod(0o600)
        return key


def build_app(
    advisor: "Advisor | PendingAdvisor",
    *,
    concurrency_limit: int = 2,
    records: Records | None = None,
    logged_in: bool = False,
    secret: str | None = None,
    uploads: Settings | None = None,
) -> gr.Blocks:
    """The chat, the plan panel and the ladder picture for one advisor (no state shared); with
    `records`, also answer feedback and the "Where am I?" check-in tab, stored there; with
    `uploads` (the settings of the index and data folder), the "Your ladder" upload tab; with
    a PendingAdvisor, the page is built before the advisor and its handlers wait for it."""
    pending = advisor if isinstance(advisor, PendingAdvisor) else PendingAdvisor.ready(advisor)
    current = pending.get
    roles = pending.shown.roles
    plain_ladder = ladder_svg(roles)
    role_choices = [(r.name, str(r.level)) for r in roles]

    def plan_levels(plan: TransitionPlan) -> tuple[int | None, int | None]:
        by_section = {r.section: r.level for r in roles}
        if not plan.stages:
            return None, None
        return by_section.get(plan.stages[0].from_section), by_section.get(
            plan.stages[-1].to_section
        )

    def plan_ladder(plan: TransitionPlan) -> str:
        current, target = plan_levels(plan)
        return ladder_svg(roles, current, target)

    def respond(
        message: str, history: list[dict[str, Any]], ladder: str | None = None
    ) -> Iterator[tuple[list[dict[str, Any]], Any]]:
        for messages, plan in chat_replies(current(), message, history, ladder):
            yield messages, gr.skip() if plan is None else plan_ladder(plan)

    def ask(
        question: str, history: list[dict[str, Any]] | None = None, ladder: str | None = None
    ) -> dict[str, Any]:
        """Answer one question from the career guide, with numbered citations; `ladder` names
        the ladder to answer about when several are loaded and the question names none."""
        try:
            answer = current().ask(question, render.history_messages(history or []), ladder)
        except AdvisorError as exc:
            raise gr.Error(_error_text(exc)) from exc
        return answer.public_json()

    def plan(from_role: str, to_role: str) -> dict[str, Any]:
        """A transition plan between two roles of the ladder, with its Markdown document."""
        try:
            result = current().plan(from_role, to_role)
        except AdvisorError as exc:
            raise gr.Error(_error_text(exc)) from exc
        return {**result.model_dump(mode="json"), "markdown": result.to_markdown()}

    def show_plan(from_level: str, to_level: str) -> tuple[str, str, Any]:
        try:
            result = current().plan(from_level, to_level)
        except AdvisorError as exc:
            raise gr.Error(_error_text(exc)) from exc
        folder = Path(tempfile.mkdtemp(dir=downloads))
        path = folder / f"career-plan-{_slug(result.from_role)}-to-{_slug(result.to_role)}.md"
        path.write_text(result.to_markdown(), encoding="utf-8")
        body = render.plan_markdown(result) + "\n\n" + render.plan_sources_markdown(result)
        return body, plan_ladder(result), gr.DownloadButton(value=str(path), visible=True)

    app = gr.Blocks(title=TITLE, analytics_enabled=False)
    downloads = download_folder(app, "advisor-plans-")
    checkin_tab = CheckInTab(pending, records, logged_in=logged_in) if records else None
    feedback_panel = FeedbackPanel(records, pending.backend) if records else None
    ladder_tab = None
    if uploads is not None:
        settings = uploads

        def reindex() -> None:
            wiring.reindex(settings)
            wiring.refresh(current(), settings)

        ladder_tab = LadderTab(settings, reindex, lambda: [s.name for s in current().scopes])
    with app:
        # Whose check-ins and feedback: the login's, else this browser's profile id.
        profile = gr.BrowserState(None, storage_key="advisor-profile", secret=secret)
        owner = gr.State("")
        gr.HTML(
            f'<div id="advisor-header"><h1>{TITLE}'
            f'<span class="advisor-badge">backend: {html.escape(pending.backend)}</span></h1>'
            f"<p>{html.escape(_about(pending))}, grounded in the guides: every sentence cites "
            "its source, and questions they do not cover are declined.</p></div>"
        )
        with gr.Tabs():
            with gr.Tab("Ask the guide", id="chat"):
                # Rendered in the side column below, but needed now as the chat's extra output.
                chat_ladder = gr.HTML(plain_ladder, elem_classes="ladder-panel", render=False)
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=420):
                        chatbot = gr.Chatbot(
                            label="Conversation",
                            show_label=False,
                            height=620,
                            sanitize_html=True,
                            allow_tags=False,
                            latex_delimiters=[],
                            buttons=["copy", "copy_all"],
                            feedback_options=("Like", "Dislike") if records else None,
                            elem_id="advisor-chat",
                            placeholder="**Ask about any level of the ladder.**\n\n"
                            "Answers quote the career guide; open *Sources* under an answer "
                            "to read the passages.",
                        )
                        question_safe(chatbot)
                        names = pending.names
                        picker = gr.Dropdown(
                            names,
                            value=names[0],
                            label="Ladder (when a question names no role)",
                            visible=len(names) > 1,
                            elem_id="advisor-ladder",
                        )
                        gr.ChatInterface(
                            respond,
                            additional_inputs=[picker],
                            chatbot=chatbot,
                            textbox=gr.Textbox(
                                placeholder="Ask about a role, its skills, or how to move up…",
                                show_label=False,
                                submit_btn="Ask",
                                stop_btn="Stop",
                                elem_id="advisor-input",
                            ),
                            additional_outputs=[chat_ladder],
                            examples=[[e, names[0]] for e in examples(roles)],
                            concurrency_limit=concurrency_limit,
                            api_visibility="undocumented",
                            fill_height=False,
                        )
                        if feedback_panel is not None:
                            box, reason, send, said, rated = feedback_panel.build()
                            chatbot.like(
                                feedback_panel.rate,
                                [owner, chatbot],
                                [box, rated, said],
                                api_visibility="private",
                            )
                            send.click(
                                feedback_panel.explain,
                                [owner, rated, reason],
                                [box, reason, said],
                                api_visibility="private",
                            )
                    with gr.Column(scale=2, min_width=300):
                        gr.Markdown("### The ladder")
                        chat_ladder.render()  # type: ignore[no-untyped-call]
                        gr.Markdown(
                            f"Ask *“{examples(roles)[1]}”* to see your move on the "
                            "ladder, or open the **Plan a move** tab.",
                            elem_classes="side-note",
                        )
                chatbot.clear(lambda: plain_ladder, None, chat_ladder, api_visibility="private")
            with gr.Tab("Plan a move", id="plan"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=2, min_width=300):
                        start = gr.Dropdown(
                            role_choices, value=role_choices[0][1], label="Your current role"
                        )
                        goal = gr.Dropdown(
                            role_choices,
                            value=role_choices[min(1, len(role_choices) - 1)][1],
                            label="The role you want",
                        )
                        build = gr.Button("Build my plan", variant="primary")
                        plan_ladder_view = gr.HTML(plain_ladder, elem_classes="ladder-panel")
                        download = gr.DownloadButton(
                            "Download plan (Markdown)", visible=False, variant="secondary"
                        )
                    with gr.Column(scale=3, min_width=420):
                        plan_view = gr.Markdown(
                            "Pick your current role and the one you want, then **Build my "
                            "plan**. Each stage lists what changes, the skills to build, "
                            "actions to take and signs you are ready, all cited.",
                            elem_id="plan-view",
                        )
                build.click(
                    show_plan,
                    [start, goal],
                    [plan_view, plan_ladder_view, download],
                    api_visibility="private",
                    concurrency_limit=concurrency_limit,
                )
            if checkin_tab is not None:
                checkin_tab.build(owner)
            if ladder_tab is not None:
                ladder_tab.build(picker)
        opened = app.load(identify, profile, [profile, owner], api_visibility="private")
        if ladder_tab is not None:  # ladders added since the page was built
            app.load(ladder_tab.picker, None, picker, api_visibility="private")
        if checkin_tab is not None:
            opened.then(
                checkin_tab.latest,
                checkin_tab.load_inputs,
                checkin_tab.load_outputs,
                api_visibility="private",
            )
        # The documented API: JSON in, JSON out, for scripts and gradio_client.
        expose_api(ask, api_name="ask", concurrency_limit=concurrency_limit)
        expose_api(plan, api_name="plan", concurrency_limit=concurrency_limit)
    return app


def chat_replies(
    advisor: "Advisor", message: str, history: list[dict[str, Any]], ladder: str | None = None
) -> Iterator[tuple[list[dict[str, Any]], TransitionPlan | None]]:
    """The assistant's messages as they change: provisional text, then the verified answer."""
    from advisor.answering import Final, Token

    # The history comes from this browser's Chatbot: nothing is kept between requests.
    text = ""
    yield [render.streaming_message(text)], None
    try:
        # Closed when the page stops listening (Stop, a closed tab): the model reply ends now.
        with closing(advisor.stream(message, render.history_messages(history), ladder)) as events:
            for event in events:
                if isinstance(event, Token):
                    text += event.text
                    yield [render.streaming_message(text)], None
                elif isinstance(event, Final):
                    answer = event.answer
                    plan = (
                        None if answer.plan is None else TransitionPlan.model_validate(answer.plan)
                    )
                    yield render.answer_messages(answer), plan
    except AdvisorError as exc:
        yield render.error_messages(exc.message, exc.hint), None
    except Exception:
        log.exception("chat request failed")
        yield render.error_messages("Something went wrong on our side.", "Please try again."), None


HealthCheck = Callable[[], tuple[int, dict[str, Any]]]


def start(
    app: gr.Blocks,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    *,
    block: bool = True,
    quiet: bool | None = None,
    health_check: HealthCheck | None = None,
) -> str:
    """Serve the app (blocking unless block=False) and return its local URL; with a
    health_check, also GET /healthz (open without login, like any load balancer probe)."""
    _, url, _ = app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        inbrowser=False,
        prevent_thread_lock=True,
        show_error=False,
        footer_links=["api"],
        theme=theme(),
        css=CSS,
        ssr_mode=False,
        quiet=not block if quiet is None else quiet,
    )
    if health_check is not None:
        check = health_check

        def healthz() -> JSONResponse:
            status, body = check()
            return JSONResponse(body, status_code=status)

        app.server_app.add_api_route("/healthz", healthz, methods=["GET"], include_in_schema=False)
    if block:
        app.block_thread()
    return str(url)


def launch(
    advisor: "Advisor | PendingAdvisor",
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    concurrency_limit: int = 2,
    records: Records | None = None,
    secret: str | None = None,
    uploads: Settings | None = None,
    queue_size: int | None = None,
    warm_model: bool = False,
) -> None:
    """Build the app for `advisor` and serve it until interrupted (`advisor serve`); a
    PendingAdvisor that fails to build stops the server and raises its error."""
    pending = advisor if isinstance(advisor, PendingAdvisor) else PendingAdvisor.ready(advisor)
    app = build_app(
        pending,
        concurrency_limit=concurrency_limit,
        records=records,
        logged_in=auth is not None,
        secret=secret,
        uploads=uploads,
    )
    # A bounded queue: past queue_size waiting requests, a user is told the app is busy and
    # to try again, instead of every request waiting longer and longer.
    app.queue(default_concurrency_limit=concurrency_limit, max_size=queue_size)
    start(
        app,
        host,
        port,
        auth,
        block=False,
        quiet=False,
        health_check=lambda: health(pending.get(), records),
    )
    try:
        built = pending.get()
    except BaseException:
        app.close()
        raise
    # Once the page is served, in the background: the first questions then need no set-up,
    # and with warm_model the local model is loaded before anyone asks (~3.5 s otherwise).
    threading.Thread(target=_warm, args=(built, warm_model), daemon=True).start()
    app.block_thread()


def _about(pending: PendingAdvisor) -> str:
    """What the header says the app answers about: the one ladder's levels, or the ladders."""
    if len(pending.ladders) == 1:
        return "Answers about the career ladder " + " → ".join(r.name for r in pending.shown.roles)
    return "Answers about the career ladders " + "; ".join(pending.names)


def _warm(advisor: "Advisor", warm_model: bool) -> None:
    try:
        advisor.warm_up()
        llm = getattr(advisor.chat_model, "llm", None) if warm_model else None
        log.debug("model warmed: %s", type(llm).__name__)
    except Exception:  # a warm-up that fails costs the first question its time, nothing else
        log.exception("warm-up failed")


def _error_text(exc: AdvisorError) -> str:
    # Quotes stay: the message names what the user typed ('Senior Keeper'), shown as plain text.
    return html.escape(f"{exc.message} {exc.hint}".strip(), quote=False)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "role"
