"""The advisor against the plain llama-index chat engine: same questions, index and local model.

Run: .venv/bin/python benchmarks/bench_compare.py [--questions 12] [--rounds 2] [--cold-runs 3]
(or `make bench`). Prints the table and writes benchmarks/results/compare.{md,json}.

- Cold start to first answer: a new process per run, from spawn to exit after one answer
  (imports, index open, model server start, the answer), advisor (`advisor ask --backend
  local`) and baseline (this file's --baseline-once) alternating; its peak RSS is the child's
  own (wait4), so the model's weights count for both.
- Warm figures: one process, one local model server shared by both, the questions asked by
  each side in turn in rounds (advisor, baseline, then baseline, advisor: drift on the shared
  machine falls on both). Time to first token is to the first streamed text piece; tokens/s
  counts the streamed pieces after the first (one piece is one token on llama.cpp's server).
- Only questions the advisor answers reach its model (refusals never do), so both sides are
  timed on the questions the advisor answers from the guide.
- A baseline call that times out is recorded (as a timeout count, and at the timeout's length
  in the latencies), not fatal.
Figures are medians/p95 of one run on a shared 2-core machine: compare ratios, not single values.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results"
COLD_QUESTION = "What does a Senior PM do?"
WARM_UP = "What does a PM do?"
ENV = {
    "ORT_DISABLE_TELEMETRY": "1",
    "HF_HUB_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "ADVISOR_SHOW_PROGRESS": "false",
}


@dataclass
class Side:
    """What one side (advisor or baseline) measured."""

    name: str
    cold_s: list[float] = field(default_factory=list)
    cold_rss_mb: list[float] = field(default_factory=list)
    ttft_s: list[float] = field(default_factory=list)
    total_s: list[float] = field(default_factory=list)
    tokens_per_s: list[float] = field(default_factory=list)
    timeouts: int = 0
    errors: list[str] = field(default_factory=list)
    groundings: dict[str, int] = field(default_factory=dict)


def pct(values: list[float], q: float) -> float:
    """The q-quantile by nearest rank (what the other benchmarks report)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cold_run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds from spawn to exit, peak RSS in MB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(
        argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the max over all of them).
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if child.stderr:
        child.stderr.close()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {child.returncode}: {stderr[-2000:]}")
    return seconds, usage.ru_maxrss / 1024  # KiB on Linux


def baseline_once(index_dir: Path, question: str) -> None:
    """A cold baseline process: open the collection, load the model, answer one question."""
    import advisor  # noqa: F401  (telemetry switches first)
    from advisor import wiring
    from advisor.config import Settings
    from advisor.evaluation.answerers import LlamaIndexBaseline
    from advisor.evaluation.dataset import EvalCase
    from advisor.llama_embedding import MiniLMEmbedding
    from advisor.llm import LazyLocalChatModel

    settings = Settings(index_dir=index_dir, llm="local", show_progress=False)
    baseline = LlamaIndexBaseline(
        wiring.passage_store(settings).collection,
        MiniLMEmbedding(wiring.embedder()),
        LazyLocalChatModel(settings).llm,
        settings.top_k,
    )
    answer, _ = baseline.answer(EvalCase(id="cold", question=question))
    print(json.dumps({"answer": answer.answer, "notice": answer.notice}))


def measure_cold(index_dir: Path, runs: int, advisor_: Side, baseline: Side) -> None:
    env = {**os.environ, **ENV, "ADVISOR_INDEX_DIR": str(index_dir), "ADVISOR_LLM": "local"}
    commands = {
        advisor_.name: [
            sys.executable,
            "-m",
            "advisor",
            "ask",
            "--backend",
            "local",
            COLD_QUESTION,
        ],
        baseline.name: [sys.executable, __file__, "--baseline-once", str(index_dir), COLD_QUESTION],
    }
    for run in range(runs):
        # Alternate which side goes first, so a neighbour's burst does not fall on one side.
        order = [advisor_, baseline] if run % 2 == 0 else [baseline, advisor_]
        for side in order:
            seconds, rss = cold_run(commands[side.name], env)
            side.cold_s.append(seconds)
            side.cold_rss_mb.append(rss)
            print(f"  cold {side.name}: {seconds:.2f} s, {rss:.0f} MB", file=sys.stderr)


def stream_advisor(advisor_: Any, question: str, side: Side) -> None:
    from advisor.answering import Final, Token

    started = time.perf_counter()
    first = last = None
    pieces = 0
    for event in advisor_.stream(question):
        now = time.perf_counter()
        if isinstance(event, Token):
            first = first or now
            last = now
            pieces += 1
        elif isinstance(event, Final):
            grounding = event.answer.grounding
            side.groundings[grounding] = side.groundings.get(grounding, 0) + 1
    _record(side, started, first, last, pieces)


def stream_baseline(engine: Any, question: str, side: Side, timeout_s: float) -> None:
    from advisor.evaluation.answerers import timeouts

    started = time.perf_counter()
    first = last = None
    pieces = 0
    engine.reset()
    try:
        response = engine.stream_chat(question)
        for delta in response.response_gen:
            now = time.perf_counter()
            if delta:
                first = first or now
                last = now
                pieces += 1
    except timeouts():
        side.timeouts += 1
        side.total_s.append(max(timeout_s, time.perf_counter() - started))
        return
    _record(side, started, first, last, pieces)


def _record(side: Side, started: float, first: float | None, last: float | None, n: int) -> None:
    side.total_s.append(time.perf_counter() - started)
    if first is not None and last is not None:
        side.ttft_s.append(first - started)
        if n > 1 and last > first:
            side.tokens_per_s.append((n - 1) / (last - first))


def measure_warm(
    index_dir: Path, questions: int, rounds: int, timeout_s: float, a: Side, b: Side
) -> list[str]:
    import advisor  # noqa: F401
    from advisor import wiring
    from advisor.config import Settings
    from advisor.evaluation.answerers import LlamaIndexBaseline
    from advisor.llama_embedding import MiniLMEmbedding
    from benchmarks.bench_core import QUESTIONS

    settings = Settings(
        index_dir=index_dir, llm="local", show_progress=False, llm_timeout_s=timeout_s
    )
    advisor_ = wiring.build_advisor(settings, backend="local")
    assert advisor_.chat_model is not None
    llm = advisor_.chat_model.llm  # type: ignore[attr-defined]
    baseline = LlamaIndexBaseline(
        advisor_.retriever.store.collection,
        MiniLMEmbedding(advisor_.retriever.embedder),
        llm,
        settings.top_k,
    )
    asked = [q for q in QUESTIONS if advisor_.reader.read(q).covered][:questions]
    # Warm-up: the server's first request, and each side's fixed prompt prefix in its cache.
    stream_advisor(advisor_, WARM_UP, Side("warm-up"))
    stream_baseline(baseline.engine, WARM_UP, Side("warm-up"), timeout_s)
    for round_ in range(rounds):
        order = [a, b] if round_ % 2 == 0 else [b, a]
        for side in order:
            print(f"  round {round_ + 1}: {side.name}", file=sys.stderr, flush=True)
            for q in asked:
                if side is a:
                    stream_advisor(advisor_, q, side)
                else:
                    stream_baseline(baseline.engine, q, side, timeout_s)
    return asked


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.1f} tok/s"


def rows(a: Side, b: Side) -> list[tuple[str, float | None, float | None, str]]:
    def med(values: list[float]) -> float | None:
        return statistics.median(values) if values else None

    def q(values: list[float], p: float) -> float | None:
        return pct(values, p) if values else None

    return [
        ("cold start to first answer (median)", med(a.cold_s), med(b.cold_s), "s"),
        ("time to first token p50", med(a.ttft_s), med(b.ttft_s), "s"),
        ("end-to-end p50", q(a.total_s, 0.5), q(b.total_s, 0.5), "s"),
        ("end-to-end p95", q(a.total_s, 0.95), q(b.total_s, 0.95), "s"),
        ("tokens/s (streamed, median)", med(a.tokens_per_s), med(b.tokens_per_s), "tok/s"),
        ("peak RSS of a cold process (median)", med(a.cold_rss_mb), med(b.cold_rss_mb), "MB"),
    ]


def table(a: Side, b: Side) -> str:
    lines = [f"| figure | {a.name} | {b.name} | ratio {a.name}/{b.name} |", "|---|---|---|---|"]
    for label, x, y, unit in rows(a, b):
        ratio = f"{x / y:.2f}" if x is not None and y else "-"
        lines.append(f"| {label} | {_fmt(x, unit)} | {_fmt(y, unit)} | {ratio} |")
    lines.append(f"| model calls timed out | {a.timeouts} | {b.timeouts} | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=12, help="answerable questions asked")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over the questions")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold processes per side")
    parser.add_argument("--timeout", type=float, default=60.0, help="model call deadline, s")
    parser.add_argument("--baseline-once", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_once:
        baseline_once(Path(args.baseline_once[0]), args.baseline_once[1])
        return
    os.environ.update(ENV)
    a, b = Side("advisor"), Side("llama-index baseline")
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        import advisor  # noqa: F401
        from advisor import wiring
        from advisor.config import Settings
        from advisor.indexing import update_index

        settings = Settings(index_dir=index_dir, show_progress=False)
        update_index(settings.corpus_dir, wiring.passage_store(settings), wiring.embedder())
        print("cold processes ...", file=sys.stderr, flush=True)
        measure_cold(index_dir, args.cold_runs, a, b)
        print("warm, one process ...", file=sys.stderr, flush=True)
        asked = measure_warm(index_dir, args.questions, args.rounds, args.timeout, a, b)
    out = table(a, b)
    command = " ".join(["python benchmarks/bench_compare.py", *sys.argv[1:]])
    note = (
        f"`{command}`, {os.cpu_count()} CPUs (shared with other work), "
        f"{time.strftime('%Y-%m-%d %H:%M')}. {len(asked)} answerable questions x {args.rounds} "
        f"round(s) per side, {args.cold_runs} cold process(es) per side; local model "
        "(Qwen2.5-Coder-0.5B Q4_K_M, llama.cpp in-process), one Chroma index of the guide.\n"
        "Advisor answers: " + ", ".join(f"{k} {v}" for k, v in sorted(a.groundings.items())) + "."
    )
    print(out)
    print(note)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "compare.md").write_text(
        "# Advisor vs plain llama-index (local model)\n\n" + note + "\n\n" + out + "\n",
        encoding="utf-8",
    )
    (RESULTS / "compare.json").write_text(
        json.dumps(
            {"command": command, "questions": asked, "sides": [asdict(a), asdict(b)]}, indent=1
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"written to {(RESULTS / 'compare.md').relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
