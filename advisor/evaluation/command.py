"""`advisor eval`: run the suite on a backend (and the baseline), report, check thresholds."""

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from advisor.config import Settings
from advisor.errors import ConfigError
from advisor.evaluation.answerers import LlamaIndexBaseline, PipelineAnswerer
from advisor.evaluation.dataset import load_cases
from advisor.evaluation.judge import LlmJudge, llama_index_judge
from advisor.evaluation.report import summary_table, write_report
from advisor.evaluation.runner import Answerer, CaseResult, run_cases
from advisor.evaluation.thresholds import Miss, check, load_thresholds

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATASET = ROOT / "evals" / "datasets" / "career_eval.jsonl"
DEFAULT_THRESHOLDS = ROOT / "evals" / "thresholds.toml"


@dataclass
class EvalOutcome:
    rows: dict[str, list[CaseResult]]
    misses: list[Miss]
    report: Path


def run_eval(
    settings: Settings,
    backend: str | None,
    dataset: Path = DEFAULT_DATASET,
    out: Path | None = None,
    report_dir: Path = Path("reports/eval"),
    thresholds_file: Path = DEFAULT_THRESHOLDS,
    baseline: bool = False,
    answerer: Answerer | None = None,
    command: str = "advisor eval",
) -> EvalOutcome:
    """Run every case; `answerer` overrides the pipeline (used to test that the eval bites)."""
    from advisor import wiring

    cases = load_cases(dataset)
    advisor = wiring.build_advisor(settings, backend=backend)
    pipeline = answerer or PipelineAnswerer(advisor)
    corpus = [p.text for p in advisor.retriever.passages.values()]
    judge = _judge(settings)
    rows = {pipeline.name: run_cases(pipeline, cases, corpus, judge, _progress(pipeline.name))}
    if baseline:
        if advisor.chat_model is None or not hasattr(advisor.chat_model, "llm"):
            raise ConfigError(
                "The baseline needs a language model backend.",
                "Run with --backend local (or another LLM backend) and --baseline.",
            )
        from advisor.llama_embedding import MiniLMEmbedding

        plain = LlamaIndexBaseline(
            advisor.retriever.store.collection,
            MiniLMEmbedding(advisor.retriever.embedder),
            advisor.chat_model.llm,
            settings.top_k,
        )
        rows[plain.name] = run_cases(plain, cases, corpus, judge, _progress(plain.name))
    results = rows[pipeline.name]
    if out is not None:
        with out.open("w", encoding="utf-8") as fh:
            for r in results:
                fh.write(json.dumps({"id": r.case.id, **r.answer.public_json()}) + "\n")
    from advisor.evaluation.runner import summarise

    misses = check(summarise(results), load_thresholds(thresholds_file, pipeline.name), results)
    report = write_report(report_dir, rows, misses, command)
    return EvalOutcome(rows, misses, report)


def print_outcome(outcome: EvalOutcome) -> None:
    print(summary_table(outcome.rows))
    print(f"\nReport: {outcome.report}")
    for miss in outcome.misses:
        print(f"THRESHOLD MISSED: {miss}")
    if not outcome.misses:
        print("All thresholds met.")


def _judge(settings: Settings) -> LlmJudge | None:
    if not settings.judge_model:
        return None
    return llama_index_judge(settings.judge_model, settings.judge_base_url, settings.judge_api_key)


def _progress(name: str) -> Callable[[int, int], None]:
    def show(n: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{name}: {n}/{total} cases", end="" if n < total else "\n", file=sys.stderr)
        elif n % 10 == 0 or n == total:  # CI logs: a line now and then shows it is alive
            print(f"{name}: {n}/{total} cases", file=sys.stderr, flush=True)

    return show
