"""The eval suite: its independent judge, its metrics, and that it catches an inventing model."""

import json
from pathlib import Path

import pytest

from advisor import wiring
from advisor.cli import main
from advisor.config import Settings
from advisor.errors import AdvisorError
from advisor.evaluation.answerers import LlamaIndexBaseline, PipelineAnswerer
from advisor.evaluation.command import DEFAULT_DATASET, run_eval
from advisor.evaluation.dataset import EvalCase, load_cases
from advisor.evaluation.judge import faithfulness, sentence_supported
from tests.conftest import CORPUS
from tests.fakes import InventingAnswerer
from tests.openai_stub import ModelStub

PASSAGE = (
    "Prioritization: At this stage, PMs make critical decisions on what features to prioritize."
)


def test_judge_accepts_quotes_and_rejects_inventions() -> None:
    assert sentence_supported(
        "PMs make critical decisions on what features to prioritize.", [PASSAGE]
    )
    assert not sentence_supported("The average salary of a PM is $100,000.", [PASSAGE])
    assert not sentence_supported("PMs make 3 critical decisions on features.", [PASSAGE])


def test_judge_checks_each_sentence_against_what_it_cites() -> None:
    answer = (
        "**Responsibilities**\n- PMs make critical decisions on features to prioritize. [1]\n"
        "- PMs make critical decisions on features to prioritize. [2]\n- Uncited claim here."
    )
    supported, total, bad = faithfulness(answer, {1: PASSAGE, 2: "Unrelated text about boards."})
    assert (supported, total) == (1, 3) and len(bad) == 2


def test_dataset_is_large_and_covers_every_category() -> None:
    cases = load_cases(DEFAULT_DATASET)
    assert len(cases) >= 60 and len({c.id for c in cases}) == len(cases)
    categories = {c.category for c in cases}
    for needed in ("responsibilities", "skills", "transition", "ordering", "comparison", "casual",
                   "multi_turn", "plan", "false_premise", "out_of_scope", "injection"):  # fmt: skip
        assert needed in categories
    assert sum(c.refuse for c in cases) >= 12 and any(c.history for c in cases)


def test_bad_dataset_line_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "q"}\n{"question": 3}\n', encoding="utf-8")
    with pytest.raises(AdvisorError, match=r"bad.jsonl:2"):
        load_cases(bad)


def test_extractive_pipeline_meets_the_thresholds(guide_settings: Settings, tmp_path: Path) -> None:
    outcome = run_eval(guide_settings, "extractive", report_dir=tmp_path / "report")
    assert outcome.misses == [], [str(m) for m in outcome.misses]
    report = outcome.report.read_text(encoding="utf-8")
    assert "| extractive |" in report and (tmp_path / "report" / "categories.svg").exists()


def test_eval_fails_when_a_backend_invents_a_salary(
    guide_settings: Settings, tmp_path: Path
) -> None:
    inventor = InventingAnswerer(PipelineAnswerer(wiring.build_advisor(guide_settings)))
    outcome = run_eval(
        guide_settings, "extractive", report_dir=tmp_path / "report", answerer=inventor
    )
    missed = {m.metric: m for m in outcome.misses}
    assert {"faithfulness", "refused_out_of_scope"} <= set(missed)
    assert "oos-salary" in missed["refused_out_of_scope"].cases
    assert "resp-apm" in missed["faithfulness"].cases


def test_cli_eval_writes_answers_and_exits_3_on_a_miss(
    guide_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("ADVISOR_INDEX_DIR", str(guide_settings.index_dir))
    monkeypatch.setenv("ADVISOR_CORPUS_DIR", str(CORPUS))
    dataset = tmp_path / "cases.jsonl"
    dataset.write_text(
        '{"id": "a", "question": "What does an APM do?", "sections": ["1."]}\n'
        '{"id": "b", "question": "What is the average salary of a PM?", "refuse": true}\n',
        encoding="utf-8",
    )
    out = tmp_path / "answers.jsonl"
    args = ["eval", "--dataset", str(dataset), "--out", str(out), "--report-dir", str(tmp_path)]
    assert main(args) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"] and rows[1]["refused"] is True
    strict = tmp_path / "strict.toml"
    strict.write_text("[default]\nlatency_p50_s = 0.0\n", encoding="utf-8")
    assert main([*args, "--thresholds", str(strict)]) == 3
    assert "THRESHOLD MISSED: latency_p50_s" in capsys.readouterr().out


def test_baseline_runs_over_the_same_collection(guide_settings: Settings) -> None:
    from llama_index.core.llms import MockLLM

    from advisor.llama_embedding import MiniLMEmbedding

    advisor = wiring.build_advisor(guide_settings)
    baseline = LlamaIndexBaseline(
        advisor.retriever.store.collection,
        MiniLMEmbedding(advisor.retriever.embedder),
        MockLLM(max_tokens=8),
        top_k=3,
    )
    answer, sections = baseline.answer(EvalCase(id="x", question="What does a Senior PM do?"))
    assert len(sections) == 3 and any(s.startswith("3.") for s in sections)
    assert answer.backend == "llama-index baseline" and answer.citations


def test_baseline_timeout_is_recorded_and_the_run_goes_on(guide_settings: Settings) -> None:
    from typing import Any

    import httpx
    import openai
    from llama_index.core.llms import MockLLM

    from advisor.evaluation.answerers import TIMEOUT_NOTICE
    from advisor.evaluation.runner import run_cases
    from advisor.llama_embedding import MiniLMEmbedding

    class TimingOutLLM(MockLLM):
        """Times out on prompts about one question, as a slow server would; echoes the rest."""

        def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> Any:
            if "Senior PM" in prompt:
                request = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")
                raise openai.APITimeoutError(request=request)
            return super().complete(prompt, formatted, **kwargs)

    advisor = wiring.build_advisor(guide_settings)
    baseline = LlamaIndexBaseline(
        advisor.retriever.store.collection,
        MiniLMEmbedding(advisor.retriever.embedder),
        TimingOutLLM(max_tokens=8),
        top_k=3,
    )
    cases = [
        EvalCase(id="slow", question="What does a Senior PM do?", facts=[["senior"]]),
        EvalCase(id="fine", question="What does a VP of Product do?"),
    ]
    slow, fine = run_cases(baseline, cases, [])
    assert slow.answer.notice and slow.answer.notice.startswith(TIMEOUT_NOTICE)
    assert slow.problems() and not slow.answer.refused and not slow.answer.citations
    assert fine.answer.notice is None and fine.answer.citations


def test_an_eval_whose_baseline_times_out_goes_on_and_records_it(
    guide_settings: Settings, stub_server: tuple[str, ModelStub], tmp_path: Path
) -> None:
    """`advisor eval --baseline` against a real server that never answers: each baseline case
    is recorded as timed out (and failed), the advisor's own answers fall back to the guide."""
    from advisor.evaluation.answerers import TIMEOUT_NOTICE

    url, stub = stub_server
    stub.mode = "hang"
    settings = guide_settings.model_copy(
        update={"llm": "openai-compatible", "openai_base_url": url, "llm_timeout_s": 0.5}
    )
    dataset = tmp_path / "cases.jsonl"
    cases = [
        {"id": "spm", "question": "What does a Senior PM do?", "facts": [["mentor"]]},
        {"id": "vp", "question": "What does a VP of Product do?"},
    ]
    dataset.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    outcome = run_eval(
        settings, None, dataset=dataset, report_dir=tmp_path / "report", baseline=True
    )
    baseline = outcome.rows["llama-index baseline"]
    assert [r.case.id for r in baseline] == ["spm", "vp"]
    for result in baseline:
        assert result.answer.notice and result.answer.notice.startswith(TIMEOUT_NOTICE)
        assert TIMEOUT_NOTICE in result.problems()
    assert all(
        r.answer.grounding == "extractive-fallback" for r in outcome.rows["openai-compatible"]
    )
    assert TIMEOUT_NOTICE in outcome.report.read_text(encoding="utf-8")
