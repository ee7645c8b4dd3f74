"""Start-up figures: a cold `advisor ask --backend extractive` and `advisor serve` to first page.

Run: .venv/bin/python benchmarks/bench_start.py [--runs N]   (or `make bench-start`)

Each run is a fresh process, timed on the wall clock from spawn to exit (ask) or to the first
HTTP 200 of `/` (serve), against an index of the guide built once in a temporary folder (the
first ask, which stores the phrase vectors beside the index, is not counted). For serve, the
time from the first page to the first answer of the page's `ask` API is reported too: the first
question may wait for work deferred until after the page is served. Medians of N runs in one
session; the machine may be shared, so the load average is printed with the figures.
"""

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "What does a senior PM do?"
ASK_TARGET_S, SERVE_TARGET_S = 1.0, 3.0


def advisor_command() -> list[str]:
    """The console script beside this interpreter (what users run), else `python -m advisor`."""
    script = Path(sys.executable).parent / "advisor"
    return [str(script)] if script.exists() else [sys.executable, "-m", "advisor"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_ask(env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds) of one `advisor ask` process."""
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run(
        [*advisor_command(), "ask", "--backend", "extractive", QUESTION],
        env=env,
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start, _children_cpu() - cpu


def _process_cpu(pid: int) -> float:
    """CPU seconds a running process has used so far (Linux; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _get(url: str, timeout: float = 5.0) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as reply:
        reply.read()
        return int(reply.status)


def first_answer(base: str) -> str:
    """Ask the page's documented API one question; the answer text."""
    request = urllib.request.Request(
        f"{base}/gradio_api/call/ask",
        data=json.dumps({"data": [QUESTION, [], None]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        event_id = json.loads(reply.read())["event_id"]
    with urllib.request.urlopen(f"{base}/gradio_api/call/ask/{event_id}", timeout=120) as reply:
        event = ""
        for raw in reply:
            line = raw.decode().strip()
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                if event == "error":
                    raise RuntimeError(f"the first question failed: {line}")
                return str(json.loads(line[5:])[0]["answer"])
    raise RuntimeError("the ask API closed without an answer")


def serve_ready(env: dict[str, str], cwd: Path, backend: str) -> tuple[float, float, float]:
    """(seconds to the first HTTP 200 of /, CPU seconds used by then, then seconds to the
    first answer)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [*advisor_command(), "serve", "--port", str(port), "--backend", backend]
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"advisor serve exited: {process.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                if _get(base + "/", timeout=2.0) == 200:
                    break
            except OSError:
                time.sleep(0.01)
        ready, cpu = time.perf_counter() - start, _process_cpu(process.pid)
        asked = time.perf_counter()
        if not first_answer(base):
            raise RuntimeError("the first question got an empty answer")
        return ready, cpu, time.perf_counter() - asked
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def summary(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):.2f} s "
        f"(min {min(values):.2f}, max {max(values):.2f}, n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per figure")
    parser.add_argument("--backend", default="extractive", help="backend of `advisor serve`")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-start-"))
    env = {
        **os.environ,
        "ADVISOR_CORPUS_DIR": str(ROOT / "corpus"),
        "ADVISOR_INDEX_DIR": str(work / "index"),
        "ADVISOR_DATA_DIR": str(work / "data"),
        "ADVISOR_SHOW_PROGRESS": "false",
    }
    try:
        subprocess.run(
            [*advisor_command(), "index"], env=env, cwd=work, check=True, stdout=subprocess.DEVNULL
        )
        cold_ask(env, work)  # stores the phrase vectors beside the index: not a cold start
        load_before = os.getloadavg()[0]
        asks = [cold_ask(env, work) for _ in range(args.runs)]
        serves = [serve_ready(env, work, args.backend) for _ in range(args.runs)]
        load_after = os.getloadavg()[0]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    ready = [r for r, _, _ in serves]
    ready_cpu = [c for _, c, _ in serves]
    answered = [a for _, _, a in serves]
    print(
        f"Start-up, {os.cpu_count()} cores, load average {load_before:.1f} before / "
        f"{load_after:.1f} after (a shared machine: compare within one run)"
    )
    print(f"| figure | wall clock, {args.runs} fresh processes | CPU time, median | target |")
    print("|---|---|---|---|")
    print(
        f"| cold `advisor ask --backend extractive` (whole process) | "
        f"{summary([w for w, _ in asks])} | {statistics.median(c for _, c in asks):.2f} s | "
        f"< {ASK_TARGET_S:g} s |"
    )
    print(
        f"| `advisor serve --backend {args.backend}` to first page (HTTP 200 of /) | "
        f"{summary(ready)} | {statistics.median(ready_cpu):.2f} s | < {SERVE_TARGET_S:g} s |"
    )
    print(f"| then the first answer from the page's `ask` API | {summary(answered)} | | |")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "cold_ask_s": [w for w, _ in asks],
                    "cold_ask_cpu_s": [c for _, c in asks],
                    "serve_ready_cpu_s": ready_cpu,
                    "serve_ready_s": ready,
                    "first_answer_after_ready_s": answered,
                    "load_average": [load_before, load_after],
                    "cores": os.cpu_count(),
                },
                indent=2,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
