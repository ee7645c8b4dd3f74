"""Time to first token of the advisor's prompts on the local model, against another prompt builder.

Run: .venv/bin/python benchmarks/bench_prompt.py [--against OLD_GENERATION_PY] [--rounds 2]
e.g. `git show HEAD~1:advisor/generation.py > /tmp/old_generation.py` then
`--against /tmp/old_generation.py`: both builders get the same questions, passages and roles
(captured from the advisor's own answering path), in ABBA blocks in one process and on one
server, so load on the shared machine falls on both.

Per prompt, llama.cpp's own timings: prompt tokens it had to prefill (prompt_n: those after the
cached prefix), tokens it reused from its prompt cache (cache_n), and the client's time to the
first token of a 1-token reply (prefill plus the HTTP round trip).
"""

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import advisor  # noqa: E402,F401  (telemetry switches first)
from advisor import answering, generation, wiring  # noqa: E402
from advisor.config import Settings  # noqa: E402
from advisor.indexing import update_index  # noqa: E402
from advisor.llm import ChatTurn  # noqa: E402
from benchmarks.bench_core import QUESTIONS  # noqa: E402

Builder = Callable[..., list[ChatTurn]]


def load_builder(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("other_generation", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def captured_arguments(settings: Settings) -> list[tuple[Any, ...]]:
    """(question, passages, roles) the advisor hands its prompt builder, per answerable question."""
    calls: list[tuple[Any, ...]] = []

    def record(*args: Any) -> list[ChatTurn]:
        calls.append(args)
        return generation.build_prompt(*args)

    class Silent:
        name = "local"

        def stream(self, turns: list[ChatTurn]) -> Any:
            yield ""

    advisor_ = wiring.build_advisor(settings, backend="extractive")
    advisor_.chat_model = Silent()
    answering.build_prompt = record  # type: ignore[assignment]
    try:
        for question in QUESTIONS:
            advisor_.ask(question)
    finally:
        answering.build_prompt = generation.build_prompt
    return calls


def first_token(client: Any, turns: list[ChatTurn]) -> dict[str, float]:
    started = time.perf_counter()
    first = None
    timings: dict[str, Any] = {}
    stream = client.chat.completions.create(
        model="local",
        messages=[{"role": t.role, "content": t.content} for t in turns],
        stream=True,
        max_tokens=1,
        temperature=0,
    )
    for chunk in stream:
        if first is None and chunk.choices and chunk.choices[0].delta.content is not None:
            first = time.perf_counter()
        if chunk.model_extra and "timings" in chunk.model_extra:
            timings = chunk.model_extra["timings"]
    end = time.perf_counter()
    return {
        "ttft_s": (first or end) - started,
        "prompt_n": float(timings.get("prompt_n", 0)),
        "cache_n": float(timings.get("cache_n", 0)),
        "prompt_ms": float(timings.get("prompt_ms", 0.0)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="another generation.py to compare with")
    parser.add_argument("--rounds", type=int, default=2, help="ABBA rounds (2 = AB then BA)")
    args = parser.parse_args()
    import openai

    from advisor.local_model import shared_server

    builders: dict[str, Builder] = {"current": generation.build_prompt}
    if args.against:
        builders[f"against ({args.against.name})"] = load_builder(args.against).build_prompt
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp), show_progress=False, llm="extractive")
        update_index(settings.corpus_dir, wiring.passage_store(settings), wiring.embedder())
        calls = captured_arguments(settings)
    client = openai.OpenAI(base_url=shared_server().base_url, api_key="none", max_retries=0)
    results: dict[str, list[dict[str, float]]] = {name: [] for name in builders}
    names = list(builders)
    for round_ in range(args.rounds):
        for name in names if round_ % 2 == 0 else names[::-1]:
            build = builders[name]
            first_token(client, build(*calls[0]))  # this builder's fixed prefix into the cache
            results[name] += [first_token(client, build(*call)) for call in calls]
    med = statistics.median
    print(f"{len(calls)} prompts (the answerable questions of bench_core) x {args.rounds} round(s)")
    for name, rows in results.items():
        prefill = [r["prompt_n"] / (r["prompt_ms"] / 1000) for r in rows if r["prompt_ms"] > 0]
        print(
            f"{name}: TTFT p50 {med(r['ttft_s'] for r in rows):.2f} s | prefilled tokens p50 "
            f"{med(r['prompt_n'] for r in rows):.0f} (max {max(r['prompt_n'] for r in rows):.0f})"
            f" | cached p50 {med(r['cache_n'] for r in rows):.0f} | prefill "
            f"{med(prefill) if prefill else 0:.0f} tok/s"
        )
    if len(results) == 2:
        a, b = (med(r["ttft_s"] for r in rows) for rows in results.values())
        print(f"TTFT ratio current/against: {a / b:.2f}")


if __name__ == "__main__":
    main()
