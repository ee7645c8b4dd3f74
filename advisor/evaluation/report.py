"""The eval report: a summary table per answerer, per-category scores and latency, as Markdown
with two small SVG charts written beside it (no plotting library needed)."""

from html import escape
from pathlib import Path

from advisor.evaluation.runner import CaseResult, per_category, refusal_by_category, summarise
from advisor.evaluation.thresholds import Miss

COLUMNS = [
    ("faithfulness", "faithful"),
    ("raw_model_faithfulness", "raw model faithful"),
    ("citation_precision", "cite P"),
    ("citation_recall", "cite R"),
    ("fact_recall", "facts"),
    ("refused_out_of_scope", "refused OOS"),
    ("answered_in_scope", "answered IS"),
    ("retrieval_hit_rate", "hit@k"),
    ("retrieval_mrr", "MRR"),
    ("plan_accuracy", "plans"),
    ("premise_corrected", "premise"),
    ("compound_coverage", "compound"),
    ("first_sentence_answers", "1st answers"),
    ("answer_words_p50", "words p50"),
    ("forbidden_phrases", "forbidden"),
    ("latency_p50_s", "p50 s"),
    ("latency_p95_s", "p95 s"),
]
_COLOURS = ["#2563eb", "#f97316", "#16a34a", "#9333ea"]


def fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if value == int(value) and value > 1 else f"{value:.2f}"


def summary_table(rows: dict[str, list[CaseResult]]) -> str:
    head = "| answerer | " + " | ".join(label for _, label in COLUMNS) + " |"
    rule = "|---" * (len(COLUMNS) + 1) + "|"
    lines = [head, rule]
    for name, results in rows.items():
        s = summarise(results)
        lines.append(f"| {name} | " + " | ".join(fmt(s[k]) for k, _ in COLUMNS) + " |")
    return "\n".join(lines)


def write_report(
    folder: Path, rows: dict[str, list[CaseResult]], misses: list[Miss], command: str
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    categories = {name: per_category(results) for name, results in rows.items()}
    (folder / "categories.svg").write_text(_category_chart(categories), encoding="utf-8")
    latencies = {name: [r.seconds for r in results] for name, results in rows.items()}
    (folder / "latency.svg").write_text(_latency_chart(latencies), encoding="utf-8")
    first = next(iter(rows.values()))
    out = [
        "# Eval report",
        "",
        f"Command: `{command}`; {len(first)} cases.",
        "",
        summary_table(rows),
        "",
        "Metric definitions: evals/README.md.",
        "",
        "## Pass rate per category",
        "",
        "![per-category pass rate](categories.svg)",
        "",
        "| category | " + " | ".join(categories) + " |",
        "|---" * (len(categories) + 1) + "|",
    ]
    for cat in next(iter(categories.values())):
        out.append(f"| {cat} | " + " | ".join(fmt(c.get(cat)) for c in categories.values()) + " |")
    first_name = next(iter(rows))
    out += ["", f"## Refusal accuracy per category ({first_name})", ""]
    out += ["| category | refused (must refuse) | answered (must answer) |", "|---|---|---|"]
    for cat, (refused, answered) in refusal_by_category(rows[first_name]).items():
        out.append(f"| {cat} | {fmt(refused)} | {fmt(answered)} |")
    out += ["", "## Latency", "", "![latency histogram](latency.svg)", ""]
    out += ["## Thresholds", ""]
    out += [f"- MISSED {m}" for m in misses] or ["All thresholds met."]
    for name, results in rows.items():
        failing = [r for r in results if r.problems()]
        out += ["", f"## Cases with problems: {name} ({len(failing)})", ""]
        for r in failing:
            out.append(f"- `{r.case.id}` ({r.case.category}): {'; '.join(r.problems())}")
    path = folder / "report.md"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _category_chart(categories: dict[str, dict[str, float]]) -> str:
    names = list(categories)
    cats = list(next(iter(categories.values())))
    bar, gap, left, width = 10, 8, 130, 360
    height = len(cats) * (len(names) * bar + gap) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 60}" height="{height}" '
        'font-family="sans-serif" font-size="11">'
    ]
    y = 10
    for cat in cats:
        parts.append(f'<text x="4" y="{y + bar}">{escape(cat)}</text>')
        for i, name in enumerate(names):
            value = categories[name].get(cat, 0.0)
            parts.append(
                f'<rect x="{left}" y="{y}" width="{value * width:.1f}" height="{bar - 1}" '
                f'fill="{_COLOURS[i % len(_COLOURS)]}"/>'
                f'<text x="{left + value * width + 4:.1f}" y="{y + bar - 1}">{value:.2f}</text>'
            )
            y += bar
        y += gap
    for i, name in enumerate(names):
        x = left + i * 150
        parts.append(
            f'<rect x="{x}" y="{y + 4}" width="10" height="10" fill="{_COLOURS[i % 4]}"/>'
            f'<text x="{x + 14}" y="{y + 13}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _latency_chart(latencies: dict[str, list[float]]) -> str:
    top = max((max(v) for v in latencies.values() if v), default=1.0) or 1.0
    bins = 12
    edges = [top * i / bins for i in range(bins + 1)]
    w, h, left = 480, 160, 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w + left + 20}" height="{h + 60}" '
        'font-family="sans-serif" font-size="11">'
    ]
    names = list(latencies)
    counts = {
        n: [
            sum(edges[i] <= x < edges[i + 1] or (i == bins - 1 and x == top) for x in v)
            for i in range(bins)
        ]
        for n, v in latencies.items()
    }
    peak = max((max(c) for c in counts.values()), default=1) or 1
    slot = w / bins
    for j, name in enumerate(names):
        for i, c in enumerate(counts[name]):
            bh = h * c / peak
            x = left + i * slot + j * slot / len(names)
            parts.append(
                f'<rect x="{x:.1f}" y="{h - bh + 10:.1f}" width="{slot / len(names) - 1:.1f}" '
                f'height="{bh:.1f}" fill="{_COLOURS[j % 4]}"/>'
            )
    for i in range(0, bins + 1, 3):
        parts.append(f'<text x="{left + i * slot:.1f}" y="{h + 24}">{edges[i]:.2f}s</text>')
    for j, name in enumerate(names):
        parts.append(
            f'<rect x="{left + j * 160}" y="{h + 34}" width="10" height="10" '
            f'fill="{_COLOURS[j % 4]}"/>'
            f'<text x="{left + j * 160 + 14}" y="{h + 43}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
