"""The `advisor` command line: index, ask, chat (and plan, serve, eval as they land)."""

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import advisor  # noqa: F401  (sets the telemetry switches before any library import)
from advisor.config import Settings
from advisor.errors import AdvisorError

if TYPE_CHECKING:
    from concurrent.futures import Future

    from advisor.answering import Advisor

T = TypeVar("T")
EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_THRESHOLD = 0, 1, 2, 3
BACKENDS = ("auto", "local", "openai", "openai-compatible", "extractive")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        settings = Settings()
        if getattr(args, "corpus", None):
            settings.corpus_dir = Path(args.corpus)
        handler: Callable[[argparse.Namespace, Settings], int] = args.handler
        return handler(args, settings)
    except AdvisorError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`advisor plan ... | head`); nothing left to say to it.
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:
        # pydantic's ValidationError for a bad ADVISOR_* value is a configuration problem.
        from pydantic import ValidationError

        if isinstance(exc, ValidationError):
            print(
                f"error: invalid setting: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}",
                file=sys.stderr,
            )
            print("hint: check the ADVISOR_* variables and .env (see README).", file=sys.stderr)
            return EXIT_USAGE
        from advisor.redact import scrub_text

        # An exception's text can quote a URL or header it was given: never a secret.
        print(f"internal error: {type(exc).__name__}: {scrub_text(str(exc))}", file=sys.stderr)
        return EXIT_INTERNAL


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="advisor", description="A grounded career advisor for the career ladders it indexes."
    )
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("index", help="build or update the index from the corpus")
    p.add_argument("--corpus", help="folder of .md/.txt documents (default: ADVISOR_CORPUS_DIR)")
    p.add_argument("--rebuild", action="store_true", help="drop the index and embed everything")
    p.set_defaults(handler=_index)

    p = sub.add_parser("ask", help="one grounded answer")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.add_argument("--backend", choices=BACKENDS, help="override ADVISOR_LLM for this call")
    p.add_argument("--history", help="JSON file of earlier messages [{role, content}, ...]")
    p.add_argument("--ladder", help="the ladder to answer about when several are loaded")
    p.set_defaults(handler=_ask)

    p = sub.add_parser("plan", help="a transition plan from one role to a higher one")
    p.add_argument("--from", dest="from_role", required=True, help='current role, e.g. "APM"')
    p.add_argument("--to", dest="to_role", required=True, help='target role, e.g. "senior pm"')
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.add_argument("--out", help="also save the Markdown plan to this file")
    p.add_argument("--force", action="store_true", help="let --out replace an existing file")
    p.add_argument("--ladder", help="the ladder to answer about when several are loaded")
    p.set_defaults(handler=_plan)

    p = sub.add_parser("serve", help="the browser chat (Gradio)")
    p.add_argument("--host", help="address to listen on (default ADVISOR_SERVE_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default ADVISOR_SERVE_PORT, 7860)")
    p.add_argument("--backend", choices=BACKENDS, help="override ADVISOR_LLM")
    p.set_defaults(handler=_serve)

    p = sub.add_parser("eval", help="run the eval suite; exit 3 when a threshold is missed")
    p.add_argument("--dataset", help="JSONL cases (default evals/datasets/career_eval.jsonl)")
    p.add_argument("--out", help="write one JSON answer per case to this file")
    p.add_argument("--backend", choices=BACKENDS, help="override ADVISOR_LLM")
    p.add_argument("--baseline", action="store_true", help="also run a plain llama-index engine")
    p.add_argument("--report-dir", default="reports/eval", help="where report.md goes")
    p.add_argument("--thresholds", help="TOML thresholds (default evals/thresholds.toml)")
    p.set_defaults(handler=_eval)

    p = sub.add_parser("chat", help="a conversation in the terminal")
    p.add_argument("--backend", choices=BACKENDS, help="override ADVISOR_LLM")
    p.add_argument("--ladder", help="the ladder to answer about when several are loaded")
    p.set_defaults(handler=_chat)

    from advisor.checkin_cli import add_parsers

    add_parsers(sub)
    return parser


def _index(args: argparse.Namespace, settings: Settings) -> int:
    from advisor import wiring

    report = wiring.reindex(
        settings,
        rebuild=args.rebuild,
        progress=_progress_bar if settings.show_progress and sys.stderr.isatty() else None,
    )
    print(report.summary())
    if report.skipped:
        # The readable files are indexed; the exit code still tells scripts that input was bad.
        names = ", ".join(name for name, _ in report.skipped)
        print(f"error: could not read {names}; the other documents were indexed.", file=sys.stderr)
        print(
            "hint: fix or remove them (the reason is on each `Skipped` line above) and run "
            "`advisor index` again.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return EXIT_OK


def _progress_bar(total: int) -> Callable[[int], None]:
    from tqdm import tqdm

    bar = tqdm(total=total, desc="Embedding passages", unit="passage", file=sys.stderr)

    def advance(n: int) -> None:
        bar.update(n)
        if bar.n >= total:
            bar.close()

    return advance


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from advisor.cli_input import read_history, text_arg

    question = text_arg(args.question, "question")
    history = read_history(args.history) if args.history else []
    advisor_ = _build_advisor(settings, backend=_backend(args), ladder=args.ladder)
    answer = advisor_.ask(question, history)
    if args.json:
        print(json.dumps(answer.public_json(), ensure_ascii=False))
    else:
        print(
            format_answer_text(answer.answer, [(c.id, c.section, c.text) for c in answer.citations])
        )
    return EXIT_OK


def _plan(args: argparse.Namespace, settings: Settings) -> int:
    from advisor.cli_input import check_output, text_arg, write_output

    roles = text_arg(args.from_role, "--from role"), text_arg(args.to_role, "--to role")
    out = check_output(args.out, args.force) if args.out else None
    plan = _build_advisor(settings, ladder=args.ladder).plan(*roles)
    markdown = plan.to_markdown()
    if out is not None:
        write_output(out, markdown, args.force)
    print(plan.model_dump_json(indent=2) if args.json else markdown)
    return EXIT_OK


def _build_advisor(
    settings: Settings, backend: str | None = None, ladder: str | None = None
) -> "Advisor":
    """wiring.build_advisor, with the embedding model loading on a thread while chromadb is
    imported: onnxruntime builds its session in native code, without holding the GIL."""
    from advisor import wiring

    loading = _start(wiring.embedder)
    import chromadb  # noqa: F401  (imported here, while the model loads)

    loading.result()  # its error, if any, is the one build_advisor would have raised
    return wiring.build_advisor(settings, backend=backend, ladder=ladder)


def format_answer_text(text: str, citations: list[tuple[int, str, str]]) -> str:
    """An answer for the terminal: the text, then its numbered sources."""
    lines = [text]
    if citations and "\n## Sources" not in text:
        lines.append("\nSources:")
        lines += [f"  [{n}] {section}: {quote}" for n, section, quote in citations]
    return "\n".join(lines)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from advisor import wiring
    from advisor.errors import ConfigError
    from advisor.llm import build_chat_model, resolve_backend

    auth = None
    if settings.serve_auth:
        user, sep, password = settings.serve_auth.partition(":")
        if not (sep and user and password):
            raise ConfigError(
                "ADVISOR_SERVE_AUTH must look like user:password.",
                "Set both parts, or unset it to serve without a login.",
            )
        auth = (user, password)
    backend = _backend(args) or resolve_backend(settings)
    # The page needs only the ladders and the backend: a bad backend setting or an index not
    # built stops here, before serving. The rest of the advisor (the embedding model, each
    # ladder's reader) is built on a thread while the web app is imported and the page
    # served; the first questions wait for it.
    chat_model = build_chat_model(settings, backend)
    ladders = wiring.ladders(settings)
    building = _start(wiring.build_advisor, settings, backend=backend, chat_model=chat_model)
    from advisor.records import Records
    from ui.app import launch, profile_secret
    from ui.pending import PendingAdvisor

    records = Records.from_settings(settings)
    host, port = args.host or settings.serve_host, args.port or settings.serve_port
    local = _loopback(host)
    if not local and auth is None:
        print(
            f"warning: serving on {host} without a login: anyone who can reach this address "
            "can use the advisor; adding ladders from the browser is off. Set "
            "ADVISOR_SERVE_AUTH=user:password.",
            file=sys.stderr,
        )
    print(f"Serving the career advisor ({backend} backend) on http://{host}:{port}")
    launch(
        PendingAdvisor(ladders, backend, building),
        host=host,
        port=port,
        auth=auth,
        concurrency_limit=settings.serve_concurrency,
        records=records,
        secret=profile_secret(settings.data_dir),
        # Adding ladders changes what every user is answered from: only behind a login, or
        # for a server only this machine can reach.
        uploads=settings if auth is not None or local else None,
        queue_size=settings.serve_queue_size,
        warm_model=settings.warm_model,
    )
    return EXIT_OK


def _start(build: "Callable[..., T]", *args: Any, **kwargs: Any) -> "Future[T]":
    """`build(*args, **kwargs)` running on its own thread from now; its result (or error) is
    the future's."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="advisor-start")
    future = pool.submit(build, *args, **kwargs)
    pool.shutdown(wait=False)
    return future


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from advisor.evaluation import command

    outcome = command.run_eval(
        settings,
        _backend(args),
        dataset=Path(args.dataset) if args.dataset else command.DEFAULT_DATASET,
        out=Path(args.out) if args.out else None,
        report_dir=Path(args.report_dir),
        thresholds_file=Path(args.thresholds) if args.thresholds else command.DEFAULT_THRESHOLDS,
        baseline=args.baseline,
        command="advisor " + " ".join(sys.argv[1:]),
    )
    command.print_outcome(outcome)
    return EXIT_THRESHOLD if outcome.misses else EXIT_OK


def _backend(args: argparse.Namespace) -> str | None:
    backend = getattr(args, "backend", None)
    return None if backend in (None, "auto") else str(backend)


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from advisor.answering import Final, Token
    from advisor.cli_input import text_arg
    from advisor.conversation import Message
    from advisor.redact import scrub_text

    advisor_ = _build_advisor(settings, backend=_backend(args), ladder=args.ladder)
    history: list[Message] = []
    ladders = "; ".join(" -> ".join(r.name for r in s.ladder.roles) for s in advisor_.scopes)
    print(f"Ask about the career ladder(s) {ladders} ({advisor_.backend} backend).")
    print("Empty line or Ctrl-D to quit.")
    while True:
        try:
            question = input("\nyou> ").strip()
        except EOFError:
            print()
            return EXIT_OK
        except UnicodeDecodeError:
            print("advisor> That line is not valid UTF-8 text; set a UTF-8 locale or retype it.")
            continue
        if not question:
            return EXIT_OK
        try:
            question = text_arg(question, "question")
            streamed = False
            for event in advisor_.stream(question, history):
                if isinstance(event, Token):
                    if not streamed:
                        print("draft> ", end="", flush=True)
                        streamed = True
                    print(event.text, end="", flush=True)
                elif isinstance(event, Final):
                    answer = event.answer
        except AdvisorError as exc:
            print(f"advisor> {scrub_text(str(exc))}")
            continue
        if streamed:
            print("\n(draft replaced by the verified answer below)")
        cites = [(c.id, c.section, c.text) for c in answer.citations]
        note = f"\n[{answer.notice}]" if answer.notice else ""
        print("advisor> " + format_answer_text(answer.answer, cites) + note)
        history += [Message("user", question), Message("assistant", answer.answer)]


if __name__ == "__main__":
    sys.exit(main())
