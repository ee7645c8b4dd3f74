"""The local backend end to end: model load, first token, decode speed, verified latency, drops.

Run: .venv/bin/python benchmarks/bench_llm.py [--questions 20] [--backend local]
Figures are medians/p95 from this one run; the machine is shared, so quote ratios with care.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import advisor  # noqa: E402,F401
from advisor import wiring  # noqa: E402
from advisor.answering import Final, Token  # noqa: E402
from advisor.config import Settings  # noqa: E402
from advisor.indexing import update_index  # noqa: E402
from benchmarks.bench_core import QUESTIONS, pct  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--backend", default="local")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp), corpus_dir=ROOT / "corpus", show_progress=False)
        update_index(settings.corpus_dir, wiring.passage_store(settings), wiring.embedder())
        started = time.perf_counter()
        advisor_ = wiring.build_advisor(settings, backend=args.backend)
        load = time.perf_counter() - started
        advisor_.ask("What does a PM do?")  # warm-up: fills llama.cpp's cache of the fixed prefix
        ttfts, rates, totals, generated, dropped = [], [], [], 0, 0
        groundings: dict[str, int] = {}
        # Refusals never reach the model: time only answerable questions.
        asked = [q for q in QUESTIONS if advisor_.reader.read(q).covered]
        asked = asked[: args.questions]
        for q in asked:
            started = time.perf_counter()
            first = last = None
            deltas = 0
            for event in advisor_.stream(q):
                now = time.perf_counter()
                if isinstance(event, Token):
                    first = first or now
                    last = now
                    deltas += 1
                elif isinstance(event, Final):
                    answer = event.answer
            totals.append(time.perf_counter() - started)
            if first is not None and last is not None:
                ttfts.append(first - started)
                if deltas > 1 and last > first:
                    rates.append((deltas - 1) / (last - first))
            generated += answer.generated_sentences
            dropped += answer.dropped_sentences if answer.generated_sentences else 0
            groundings[answer.grounding] = groundings.get(answer.grounding, 0) + 1
    print(f"backend {args.backend}: model load (build_advisor incl. server start) {load:.2f} s")
    print(
        f"time to first token over {len(ttfts)} questions: median {statistics.median(ttfts):.2f} s"
    )
    print(f"decode: median {statistics.median(rates):.1f} tokens/s (streamed deltas)")
    print(
        f"end-to-end verified answer over {len(totals)} questions: "
        f"p50 {pct(totals, 0.5):.2f} s, p95 {pct(totals, 0.95):.2f} s"
    )
    share = dropped / generated if generated else 0.0
    print(f"generated sentences dropped by the verifier: {dropped}/{generated} = {share:.0%}")
    print(
        "grounding of the answers: " + ", ".join(f"{k} {v}" for k, v in sorted(groundings.items()))
    )


if __name__ == "__main__":
    main()
