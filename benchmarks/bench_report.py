"""`make bench`: the advisor-vs-baseline table, the growth series, and a report with plots.

Run: .venv/bin/python benchmarks/bench_report.py [--sizes 1,10,100] [--with-1000x]
     [--skip-compare] [--compare-args "--questions 12 --rounds 2"]
(or `make bench`, with SCALE_ARGS=--with-1000x for the 1000x point). Needs the `bench` extra
(matplotlib) for the plots; without it the tables and the report are still written.

1. benchmarks/bench_compare.py: the advisor and the plain llama-index chat engine on the same
   questions, index and local model (-> results/compare.{md,json}).
2. The growth series of benchmarks/bench_scale.py, one child process per corpus size (its own
   peak RSS, no cache carried over) (-> results/scale.{md,json}).
3. results/report.md: both tables, a PNG per curve, and for each curve its growth exponent
   between neighbouring sizes, where it bends, and why.
Every figure comes from this one run on a shared 2-core machine: the load average at the start
and end is in the report; compare sizes and ratios, not single values.
"""

import argparse
import itertools
import json
import math
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import bench_scale  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def run_compare(extra: list[str]) -> str:
    """Run the advisor-vs-baseline benchmark in its own process; its Markdown table."""
    print("== advisor vs llama-index baseline", file=sys.stderr, flush=True)
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_compare.py"), *extra],
        check=True,
        cwd=ROOT,
    )
    return (RESULTS / "compare.md").read_text(encoding="utf-8")


def run_scale(sizes: list[int], repeats: int) -> list[dict[str, Any]]:
    """bench_scale's measurement, one child process per size; the rows as it reports them."""
    rows = []
    for size in sizes:
        print(f"== growth series: {size}x", file=sys.stderr, flush=True)
        child = subprocess.run(
            [sys.executable, bench_scale.__file__, "--one", str(size), "--repeats", str(repeats)],
            env={**os.environ, "ADVISOR_SHOW_PROGRESS": "false"},
            check=True,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        rows.append(json.loads(child.stdout.strip().splitlines()[-1]))
    return rows


# Each curve: file stem, title, y label, how to read its values from a row, and why it bends.
Curve = tuple[str, str, str, Callable[[dict[str, Any]], dict[str, float | None]], str]
CURVES: list[Curve] = [
    (
        "cold_index",
        "Cold index time",
        "seconds",
        lambda r: {"cold index": r["cold_s"]},
        "Fixed costs (collection creation, parsing, the embedder's first batches) dominate the "
        "smallest corpora, so the curve starts flatter than linear; past them the time is the "
        "embedding of every passage, linear in passages. Steeper than N^1 means work per "
        "passage that grows with the corpus (whole-collection reads or diffs).",
    ),
    (
        "passages_per_s",
        "Indexing throughput",
        "passages / s",
        lambda r: {"passages/s": r["passages_per_s"]},
        "Rises while fixed costs are amortised and levels off at the embedder's own rate (MiniLM "
        "int8 on 2 cores); a fall at the large end is work around the embedding that grows "
        "faster than the corpus (batching limits, reading back what was written).",
    ),
    (
        "reindex",
        "Unchanged re-index",
        "seconds",
        lambda r: {"unchanged re-index": r["unchanged_s"]},
        "Nothing to embed: what remains is deciding that nothing changed. Linear growth means "
        "every file is read, parsed or compared against the collection; a flat curve means the "
        "decision is made from file hashes alone.",
    ),
    (
        "ask_by_kind",
        "Ask p50 by question kind (extractive, in-process)",
        "milliseconds",
        lambda r: {k: v * 1000 for k, v in r["ask_p50_by_kind_s"].items()},
        "Retrieval itself is bounded (top-k), so a kind whose curve rises does per-question "
        "work over the corpus: role and comparison questions merging the same level of every "
        "document, and the verifier checking sentences against every passage. Refusals stop at "
        "the scope gate and should stay flat.",
    ),
    (
        "startup",
        "Advisor start-up (index open, ladders, scope gate)",
        "seconds",
        lambda r: {"start-up": r["startup_s"]},
        "Linear growth is per-passage work at every start: reading the whole collection, "
        "parsing ladders, and embedding titles and sentences for the scope gate unless their "
        "vectors are stored with the index.",
    ),
    (
        "rss",
        "Peak RSS of the process",
        "MB",
        lambda r: {"peak RSS": r["peak_rss_mb"]},
        "A base of libraries and the embedding model (~0.3-0.4 GB) dominates small corpora; "
        "past it the curve follows what is held per passage in memory (texts, vectors, token "
        "sets, BM25 statistics).",
    ),
    (
        "disk",
        "Index on disk",
        "MB",
        lambda r: {"disk": r["disk_mb"]},
        "Linear in passages (vectors, texts, Chroma's HNSW and SQLite files) after Chroma's "
        "fixed files.",
    ),
]


def exponents(xs: list[float], ys: list[float]) -> list[float | None]:
    """The growth exponent k (y ~ x^k) between each pair of neighbouring sizes."""
    out: list[float | None] = []
    for (x1, y1), (x2, y2) in itertools.pairwise(zip(xs, ys, strict=True)):
        ok = x1 > 0 and x2 > x1 and y1 > 0 and y2 > 0
        out.append(math.log(y2 / y1) / math.log(x2 / x1) if ok else None)
    return out


def describe(k: float | None) -> str:
    if k is None:
        return "n/a"
    if k < 0.3:
        return f"N^{k:.2f} (flat)"
    if k < 0.8:
        return f"N^{k:.2f} (sublinear)"
    if k <= 1.2:
        return f"N^{k:.2f} (linear)"
    return f"N^{k:.2f} (superlinear)"


def bend(labels: list[str], ks: list[float | None]) -> str:
    """Where the exponent changes most between neighbouring intervals."""
    known = [(i, k) for i, k in enumerate(ks) if k is not None]
    if len(known) < 2:
        return "one interval only: no bend to locate."
    changes = [(abs(b[1] - a[1]), a, b) for a, b in itertools.pairwise(known)]
    size, (i, ka), (_, kb) = max(changes, key=lambda c: c[0])
    if size < 0.25:
        return f"no clear bend: the exponent stays within {size:.2f} across the sizes."
    way = "steepens" if kb > ka else "flattens"
    return f"it {way} at {labels[i + 1]}: N^{ka:.2f} up to it, N^{kb:.2f} after it."


def plot(rows: list[dict[str, Any]], curve: Curve, folder: Path) -> str | None:
    """One PNG (log-log, against passages); None when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    stem, title, unit, read, _ = curve
    xs = [float(r["passages"]) for r in rows]
    try:
        series = points(rows, read)
    except KeyError:
        return None  # rows of an older bench_scale, without this figure
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    for name, found in series.items():
        ax.plot([x for _, x, _ in found], [y for _, _, y in found], marker="o", label=name)
    for x, r in zip(xs, rows, strict=True):
        ax.annotate(f"{r['copies']}x", (x, 0), xycoords=("data", "axes fraction"), fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("passages in the index (synthetic ladders, log)")
    ax.set_ylabel(f"{unit} (log)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    if len(series) > 1:
        ax.legend(fontsize=8)
    fig.tight_layout()
    name = f"scale_{stem}.png"
    fig.savefig(folder / name)
    plt.close(fig)
    return name


def points(
    rows: list[dict[str, Any]], read: Callable[[dict[str, Any]], dict[str, float | None]]
) -> dict[str, list[tuple[str, float, float]]]:
    """Each series' (size label, passages, value), leaving out sizes without the value: a
    kept index (bench_scale --keep) has no cold-index figures."""
    series: dict[str, list[tuple[str, float, float]]] = {}
    for r in rows:
        for name, value in read(r).items():
            found = series.setdefault(name, [])
            if value is not None:
                found.append((f"{r['copies']}x", float(r["passages"]), value))
    return series


def curve_section(rows: list[dict[str, Any]], curve: Curve, image: str | None) -> str:
    _, title, unit, read, why = curve
    out = [f"### {title}", ""]
    if image:
        out += [f"![{title}]({image})", ""]
    try:
        series = points(rows, read)
    except KeyError as exc:
        return "\n".join([*out, f"(not measured by this bench_scale: {exc})", ""])
    for name, found in series.items():
        labels = [label for label, _, _ in found]
        xs = [x for _, x, _ in found]
        ys = [y for _, _, y in found]
        ks = exponents(xs, ys)
        steps = ", ".join(f"{labels[i]}->{labels[i + 1]} {describe(k)}" for i, k in enumerate(ks))
        values = ", ".join(f"{labels[i]} {y:.3g} {unit}" for i, y in enumerate(ys))
        out.append(f"- **{name}**: {values}. Growth: {steps}; {bend(labels, ks)}")
    out += ["", f"Why: {why}", ""]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100", help="copies of the guide, comma-separated")
    parser.add_argument("--with-1000x", action="store_true", help="add 1000x (takes minutes)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of the ask questions")
    parser.add_argument("--skip-compare", action="store_true", help="reuse results/compare.md")
    parser.add_argument(
        "--skip-scale", action="store_true", help="reuse results/scale.json (redraw the report)"
    )
    parser.add_argument("--compare-args", default="", help="arguments for bench_compare.py")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.with_1000x and 1000 not in sizes:
        sizes.append(1000)
    load_start = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M")
    if args.skip_compare:
        compare = (RESULTS / "compare.md").read_text(encoding="utf-8")
    else:
        compare = run_compare(shlex.split(args.compare_args))
    command = " ".join(["python benchmarks/bench_report.py", *sys.argv[1:]])
    if args.skip_scale:
        saved = json.loads((RESULTS / "scale.json").read_text(encoding="utf-8"))
        # bench_scale.py writes its rows alone; this script wraps them with its command.
        if isinstance(saved, list):
            rows, scale_command = saved, "python benchmarks/bench_scale.py (see scale.md)"
        else:
            rows, scale_command = saved["rows"], saved["command"]
    else:
        rows, scale_command = run_scale(sizes, args.repeats), command
    scale_table = bench_scale.table(rows)
    print(scale_table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    scale_note = (
        f"`{command}` (bench_scale.py's measurement per size), {os.cpu_count()} CPUs, {started}. "
        f"Ask latency: in-process, extractive backend, {args.repeats} round(s) of "
        f"{sum(len(q) for q in bench_scale.QUESTIONS.values())} questions after one warm-up."
    )
    if not args.skip_scale:
        (RESULTS / "scale.md").write_text(
            "# Scale benchmark (synthetic ladders: copies of the PM guide)\n\n"
            + scale_note
            + "\n\n"
            + scale_table
            + "\n",
            encoding="utf-8",
        )
        (RESULTS / "scale.json").write_text(
            json.dumps({"command": command, "rows": rows}, indent=1) + "\n", encoding="utf-8"
        )
    sections = [curve_section(rows, c, plot(rows, c, RESULTS)) for c in CURVES]
    load_end = os.getloadavg()
    report = [
        "# Performance report",
        "",
        f"Made by `{command}` (growth series: `{scale_command}`), {started}, on a "
        f"{os.cpu_count()}-core machine shared with other work: load average "
        f"{load_start[0]:.1f} at the start and {load_end[0]:.1f} at the end (2.0 means both "
        "cores busy). Absolute times move with that load; the ratios within one table and the "
        "growth exponents are the figures to compare across runs.",
        "",
        "## Advisor vs plain llama-index on the local model",
        "",
        compare.split("\n", 2)[2].strip() if compare.startswith("# ") else compare.strip(),
        "",
        "## Growth series",
        "",
        "Synthetic corpora: N copies of the PM guide, each marked as synthetic in its first line "
        "and made distinct by a copy tag, generated by benchmarks/bench_scale.py.",
        "",
        scale_table,
        "",
        "Each curve is plotted against passages on log-log axes, where y ~ N^k is a line of "
        "slope k; the exponent between neighbouring sizes says how it grows there.",
        "",
        *sections,
    ]
    (RESULTS / "report.md").write_text("\n".join(report), encoding="utf-8")
    print(f"written to {(RESULTS / 'report.md').relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
