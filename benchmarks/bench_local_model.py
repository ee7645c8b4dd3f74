"""Benchmark the embedded local model: GGUF assembly, server load, and streamed RAG-like answers.

Run: .venv/bin/python benchmarks/bench_local_model.py [--threads 2 1] [--skip-cold]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
from openai.types.chat import ChatCompletionMessageParam

from advisor.local_model import LocalModelServer, model_file

CONTEXT = """[1] Associate Product Manager (APM): owns a well-scoped feature under close guidance;
writes user stories, runs standups, learns discovery methods. Typical tenure 1-2 years.
[2] Product Manager (PM): owns a product area end to end; sets the quarterly roadmap with
engineering and design; measured on adoption and retention outcomes, not output.
[3] Senior Product Manager: owns a strategy across several teams, mentors PMs, and is expected
to influence without authority across sales, marketing and support.
[4] Group Product Manager: manages PMs, owns a portfolio, hires, and sets the product vision."""

SYSTEM = (
    "You are a career advisor for product managers. Answer only from the numbered sources "
    "below and cite them like [1]. If the sources do not answer, say you don't know.\n\n" + CONTEXT
)

QUESTIONS = [
    "What does a Product Manager own?",
    "How is a Senior PM different from a PM?",
    "What should an APM learn before promotion?",
    "Does a Group Product Manager manage people?",
    "How long do people usually stay APMs?",
]

MAX_TOKENS = 96


@dataclass
class Sample:
    """One streamed answer's timings."""

    ttft_s: float
    decode_tps: float
    prompt_tps: float
    prompt_tokens: int
    completion_tokens: int
    finish: str | None
    text: str
    server_prompt_tps: float
    server_decode_tps: float
    cached_tokens: int


def messages(question: str) -> list[ChatCompletionMessageParam]:
    """The chat messages for one RAG-like question."""
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}]


def stream_once(
    client: openai.OpenAI, question: str, max_tokens: int = MAX_TOKENS, cache_prompt: bool = False
) -> Sample:
    """Stream one answer; time it client-side and keep llama.cpp's own timings."""
    start = time.perf_counter()
    first: float | None = None
    parts: list[str] = []
    usage: Any = None
    finish: str | None = None
    chunks = 0
    timings: dict[str, Any] = {}
    stream = client.chat.completions.create(
        model="local",
        messages=messages(question),
        stream=True,
        temperature=0,
        max_tokens=max_tokens,
        stream_options={"include_usage": True},
        # llama.cpp reuses a matching prompt prefix by default; off, prefill is timed honestly.
        extra_body={"cache_prompt": cache_prompt},
    )
    for chunk in stream:
        if chunk.model_extra and "timings" in chunk.model_extra:
            timings = chunk.model_extra["timings"]
        if chunk.usage is not None:
            usage = chunk.usage
        for choice in chunk.choices:
            if choice.delta.content:
                if first is None:
                    first = time.perf_counter()
                parts.append(choice.delta.content)
                chunks += 1
            finish = choice.finish_reason or finish
    end = time.perf_counter()
    first = first or end
    prompt_tokens = usage.prompt_tokens if usage else 0
    completion = usage.completion_tokens if usage else chunks
    # The first token's time is prefill; the rest is decode.
    decode_tps = (completion - 1) / (end - first) if completion > 1 and end > first else 0.0
    return Sample(
        ttft_s=first - start,
        decode_tps=decode_tps,
        prompt_tps=prompt_tokens / (first - start) if first > start else 0.0,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion,
        finish=finish,
        text="".join(parts),
        server_prompt_tps=float(timings.get("prompt_per_second", 0.0)),
        server_decode_tps=float(timings.get("predicted_per_second", 0.0)),
        cached_tokens=int(timings.get("cache_n", 0)),
    )


def run_prompts(client: openai.OpenAI, cache_prompt: bool = False) -> list[Sample]:
    """Warm up once, then stream each question; returns the timed samples."""
    stream_once(client, "Say hello.", max_tokens=4, cache_prompt=cache_prompt)
    return [stream_once(client, q, cache_prompt=cache_prompt) for q in QUESTIONS]


def report(label: str, samples: list[Sample]) -> None:
    """Print the medians of a run."""
    med = statistics.median
    print(
        f"{label}: TTFT {med(s.ttft_s for s in samples) * 1000:.0f} ms | "
        f"decode {med(s.decode_tps for s in samples):.1f} tok/s | "
        f"prompt {med(s.prompt_tps for s in samples):.0f} tok/s | "
        f"prompt tokens {med(s.prompt_tokens for s in samples):.0f} | "
        f"completion tokens {med(s.completion_tokens for s in samples):.0f}\n"
        f"    server timings: prompt {med(s.server_prompt_tps for s in samples):.0f} tok/s, "
        f"decode {med(s.server_decode_tps for s in samples):.1f} tok/s, "
        f"prefix-cached tokens {med(s.cached_tokens for s in samples):.0f}"
    )


def check_options(client: openai.OpenAI, base_url: str) -> None:
    """Check max_tokens, temperature, the client timeout, the chat template and stop tokens."""
    q = QUESTIONS[0]
    short = client.chat.completions.create(
        model="local",
        messages=messages(q),
        max_tokens=5,
        temperature=0,
    )
    assert short.usage is not None
    print(
        f"max_tokens=5 -> completion_tokens={short.usage.completion_tokens}, "
        f"finish_reason={short.choices[0].finish_reason}"
    )
    outs = [
        client.chat.completions.create(
            model="local",
            messages=messages(q),
            max_tokens=40,
            temperature=t,
        )
        .choices[0]
        .message.content
        for t in (0, 0, 1.5, 1.5)
    ]
    print(
        f"temperature=0 twice identical: {outs[0] == outs[1]}; "
        f"temperature=1.5 twice identical: {outs[2] == outs[3]}; "
        f"t0 vs t1.5 same: {outs[0] == outs[2]}"
    )
    hasty = openai.OpenAI(base_url=base_url, api_key="none", timeout=0.3, max_retries=0)
    start = time.perf_counter()
    try:
        hasty.chat.completions.create(
            model="local",
            messages=messages("Write a 300-word essay on PM careers."),
            max_tokens=400,
        )
        print("timeout=0.3s: no error (unexpected)")
    except openai.APITimeoutError:
        print(f"timeout=0.3s: APITimeoutError after {time.perf_counter() - start:.2f}s")
    # With one slot, an abandoned non-streamed request may keep the slot busy; time the next one.
    start = time.perf_counter()
    client.chat.completions.create(
        model="local", messages=[{"role": "user", "content": "Hi"}], max_tokens=4
    )
    print(f"next request after the timeout took {time.perf_counter() - start:.2f}s")
    start = time.perf_counter()
    stream = hasty.chat.completions.create(
        model="local",
        messages=messages("Write a 300-word essay on PM careers."),
        max_tokens=400,
        stream=True,
    )
    try:
        for _ in stream:
            pass
        print("streamed with timeout=0.3s: finished without error")
    except openai.APITimeoutError:
        print(
            f"streamed with timeout=0.3s: APITimeoutError after {time.perf_counter() - start:.2f}s"
        )
    except Exception as exc:  # mid-stream, the read timeout surfaces as a raw httpx error
        print(
            f"streamed with timeout=0.3s: {type(exc).__name__} after "
            f"{time.perf_counter() - start:.2f}s"
        )
    start = time.perf_counter()
    client.chat.completions.create(
        model="local", messages=[{"role": "user", "content": "Hi"}], max_tokens=4
    )
    print(f"next request after the streamed timeout took {time.perf_counter() - start:.2f}s")
    root = base_url.removesuffix("/v1")
    with urllib.request.urlopen(root + "/props", timeout=5) as response:
        props = json.loads(response.read())
    template = str(props.get("chat_template", ""))
    print(
        f"chat template: {len(template)} chars, ChatML (<|im_start|>): {'<|im_start|>' in template}"
    )
    settings = props.get("default_generation_settings", {})
    params = settings.get("params", settings)
    print(f"server default n_predict={params.get('n_predict')}, stop={params.get('stop')}")


def main() -> None:
    """Run the benchmark and print medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--skip-cold", action="store_true", help="don't time a cold assembly")
    args = parser.parse_args()
    wall = time.perf_counter()

    if not args.skip_cold:
        with tempfile.TemporaryDirectory(dir=Path.home() / ".cache") as tmp:
            start = time.perf_counter()
            model_file(Path(tmp))
            print(f"GGUF assembly, cold (stream + sha256): {time.perf_counter() - start:.2f}s")
            start = time.perf_counter()
            model_file(Path(tmp))
            print(
                f"GGUF cached check (size + sidecar): {(time.perf_counter() - start) * 1000:.2f} ms"
            )
    start = time.perf_counter()
    path = model_file()
    print(f"model_file() on the default cache: {time.perf_counter() - start:.2f}s -> {path}")

    decode: dict[int, float] = {}
    for index, threads in enumerate(args.threads):
        server = LocalModelServer(path, n_threads=threads)
        start = time.perf_counter()
        server.start()
        print(f"[n_threads={threads}] server load: {time.perf_counter() - start:.2f}s")
        client = openai.OpenAI(base_url=server.base_url, api_key="none", timeout=120, max_retries=0)
        samples = run_prompts(client)
        report(f"[n_threads={threads}] medians over {len(samples)}", samples)
        decode[threads] = statistics.median(s.decode_tps for s in samples)
        if index == 0:
            report(
                f"[n_threads={threads}] same, cache_prompt=True (shared system prefix reused)",
                run_prompts(client, cache_prompt=True),
            )
            print(f"sample answer: {samples[0].text[:160]!r} (finish={samples[0].finish})")
            check_options(client, server.base_url)
        start = time.perf_counter()
        server.stop()
        print(f"[n_threads={threads}] stop: {(time.perf_counter() - start) * 1000:.0f} ms")
    if len(decode) > 1:
        best = max(decode, key=lambda k: decode[k])
        print(f"fastest decode: n_threads={best} ({decode[best]:.1f} tok/s)")
    print(f"total wall time: {time.perf_counter() - wall:.1f}s")


if __name__ == "__main__":
    main()
