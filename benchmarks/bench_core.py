"""Core figures on this machine: index build, unchanged re-index, ask latency, embedding speed.

Run: .venv/bin/python benchmarks/bench_core.py   (or `make bench`)
Reports medians and p95 measured in this one run; the machine is shared, so compare ratios.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import advisor  # noqa: E402,F401  (telemetry switches first)
from advisor import wiring  # noqa: E402
from advisor.config import Settings  # noqa: E402
from advisor.indexing import update_index  # noqa: E402

QUESTIONS = [
    "What does an Associate Product Manager do?",
    "What skills does a PM need?",
    "What does a Senior PM do?",
    "What comes after Senior PM?",
    "What does a VP of Product do?",
    "What changes when I go from APM to PM?",
    "How is a principal PM different from a senior PM?",
    "What skills should a CPO have?",
    "Who mentors junior PMs?",
    "What is stakeholder management?",
    "How do PMs prioritize features?",
    "What is thought leadership?",
    "What does a lead PM do?",
    "What comes before the senior level?",
    "Do APMs need to code?",
    "What is the average salary of a PM?",
    "How many years until I become a senior PM?",
    "Which companies hire APMs?",
    "What is business acumen?",
    "Who engages with the board of directors?",
    "waht does an assocate pm do",
    "What skills do entry-level PMs build?",
    "What does a product manager own?",
    "How do I move from senior PM to principal PM?",
    "What is the career path for a product manager?",
    "Who drives the product roadmap?",
    "What is visionary thinking?",
    "Write a poem about cats.",
    "What do principal PMs present at conferences?",
    "What is the first step in product management?",
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cold_process_index(runs: int = 3) -> float:
    """Wall time of `advisor index` in a new process on an empty index (imports included)."""
    import os
    import subprocess

    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "ADVISOR_INDEX_DIR": tmp, "ADVISOR_SHOW_PROGRESS": "false"}
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "advisor", "index"],
                env=env,
                check=True,
                capture_output=True,
                cwd=ROOT,
            )
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    cold = cold_process_index()
    embedder = wiring.embedder()
    builds, reindex = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(5):
            settings = Settings(index_dir=Path(tmp) / f"i{run}", show_progress=False)
            store = wiring.passage_store(settings)
            started = time.perf_counter()
            update_index(settings.corpus_dir, store, embedder)
            builds.append(time.perf_counter() - started)
        for _ in range(10):
            started = time.perf_counter()
            report = update_index(settings.corpus_dir, wiring.passage_store(settings), embedder)
            reindex.append(time.perf_counter() - started)
            assert report.added == 0
        advisor_ = wiring.build_advisor(settings, backend="extractive")
        for q in QUESTIONS[:5]:  # warm-up
            advisor_.ask(q)
        latencies = []
        for q in QUESTIONS:
            started = time.perf_counter()
            advisor_.ask(q)
            latencies.append(time.perf_counter() - started)
    texts = [p.text for p in advisor_.retriever.passages.values()] * 8
    rates = []
    for _ in range(5):
        started = time.perf_counter()
        embedder.embed(texts)
        rates.append(len(texts) / (time.perf_counter() - started))

    print(
        f"cold `advisor index` in a new process (imports, model load, embed), median of 3: "
        f"{cold:.2f} s"
    )
    print(
        f"index build of the guide ({report.unchanged} passages), median of 5: "
        f"{statistics.median(builds):.2f} s"
    )
    print(f"unchanged re-index, median of 10: {statistics.median(reindex) * 1000:.0f} ms")
    print(
        f"ask (retrieval + extractive + verify), {len(latencies)} questions after warm-up: "
        f"p50 {pct(latencies, 0.5) * 1000:.1f} ms, p95 {pct(latencies, 0.95) * 1000:.1f} ms"
    )
    print(
        f"embedding throughput ({len(texts)} guide passages), median of 5: "
        f"{statistics.median(rates):.0f} passages/s"
    )


if __name__ == "__main__":
    main()
