"""Where an out-of-scope question's time goes, step by step, over a kept bench_scale corpus.

Run: .venv/bin/python benchmarks/bench_refusal.py --keep DIR --size 1000 [--rounds 300]
after `benchmarks/bench_scale.py --sizes 1000 --keep DIR` (or any size it kept). In one
process: each step of `Advisor.ask` that a refusal passes through is wrapped with a timer, and
each out-of-scope question of bench_scale is asked `rounds` times; medians per step (ms). A
step's time includes the steps it calls ("choose_scope" holds "nearest" and "read"), and a
step taken twice in one ask is summed ("read": every ladder read for it).
Repeated questions are answered partly from the embedder's and normaliser's memories, at every
size alike, as in bench_scale.
"""

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_scale import QUESTIONS  # noqa: E402


def timed(owner: Any, name: str, label: str, spent: dict[str, float]) -> None:
    """Replace owner.name by a wrapper adding its wall time to spent[label]."""
    inner: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - started

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, required=True, help="bench_scale's --keep folder")
    parser.add_argument("--size", type=int, required=True, help="copies of the guide (kept)")
    parser.add_argument("--rounds", type=int, default=300, help="asks of each question")
    args = parser.parse_args()

    import advisor  # noqa: F401  (telemetry switches first)
    from advisor import answering, wiring
    from advisor.config import Settings
    from advisor.understand.read import Reader

    folder = args.keep / f"{args.size}x"
    settings = Settings(
        corpus_dir=folder / "corpus",
        index_dir=folder / "index",
        show_progress=False,
        llm="extractive",
    )
    advisor_ = wiring.build_advisor(settings, backend="extractive")
    for questions in QUESTIONS.values():  # what a process builds once, as bench_scale warms up
        advisor_.ask(questions[0])
    spent: dict[str, float] = defaultdict(float)
    timed(answering, "choose_scope", "choose_scope", spent)  # as answering imported it
    timed(answering.Advisor, "_nearest_documents", "nearest", spent)
    timed(Reader, "read", "read", spent)
    timed(answering.Advisor, "_plan_request", "plan_request", spent)
    timed(answering.Advisor, "_refusal", "refusal", spent)
    for question in QUESTIONS["out of scope"]:
        steps: dict[str, list[float]] = defaultdict(list)
        totals = []
        for _ in range(args.rounds):
            spent.clear()
            started = time.perf_counter()
            advisor_.ask(question)
            totals.append(time.perf_counter() - started)
            for label, seconds in spent.items():
                steps[label].append(seconds)
        parts = ", ".join(
            f"{label} {statistics.median(values) * 1000:.3f}" for label, values in steps.items()
        )
        print(
            f"{args.size}x {question!r}: ask {statistics.median(totals) * 1000:.3f} ms; "
            f"steps (median ms): {parts}"
        )


if __name__ == "__main__":
    main()
