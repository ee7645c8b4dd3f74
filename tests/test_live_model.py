"""The real embedded model, end to end (slow: deselect with -m 'not live_model'; CI runs it)."""

import pytest

from advisor import wiring
from advisor.config import Settings
from advisor.local_model import shared_server

pytestmark = pytest.mark.live_model


def test_local_backend_answers_apm_to_pm_with_sections_1_and_2(guide_settings: Settings) -> None:
    advisor = wiring.build_advisor(guide_settings, backend="local")
    answer = advisor.ask("What changes when I go from APM to PM?")
    assert answer.backend == "local" and not answer.refused
    assert {c.section[:2] for c in answer.citations} >= {"1.", "2."}
    assert answer.grounding in ("generated", "generated+trimmed", "extractive-fallback")
    ids = {c.id for c in answer.citations}
    for line in answer.answer.splitlines():
        if line and not line.startswith("**"):
            assert any(f"[{i}]" in line for i in ids), line


def test_openai_compatible_backend_against_a_real_loopback_server(
    guide_settings: Settings,
) -> None:
    url = shared_server().base_url  # llama.cpp's OpenAI-compatible HTTP server on 127.0.0.1
    assert url.startswith("http://127.0.0.1:")
    settings = guide_settings.model_copy(
        update={"llm": "openai-compatible", "openai_base_url": url, "llm_model": "qwen"}
    )
    advisor = wiring.build_advisor(settings)
    answer = advisor.ask("What does a Senior PM do?")
    assert answer.backend == "openai-compatible"
    # The server was reached and wrote something the verifier judged (kept or dropped).
    assert answer.generated_sentences > 0
    assert answer.grounding != "extractive-fallback" or "supported" in (answer.notice or "")
    assert answer.citations and all(c.section.startswith("3.") for c in answer.citations)
    assert "salary" not in answer.answer.lower()


def test_embedded_default_answers_apm_question_with_its_duties(guide_settings: Settings) -> None:
    advisor = wiring.build_advisor(guide_settings, backend="local")
    answer = advisor.ask("What does an Associate Product Manager do?")
    assert answer.backend == "local"
    assert {c.section[:2] for c in answer.citations} == {"1."}
    text = answer.answer.lower()
    for fact in ("define features", "customer feedback", "launch"):
        assert fact in text
