"""Start-up: what a cold `advisor ask` imports, the lean import hooks, and `advisor serve`
serving the real page before the advisor is built. Nothing here is timed: the figures are
benchmarks/bench_start.py's."""

import asyncio
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from advisor import wiring
from advisor.answering import Advisor
from advisor.config import Settings
from advisor.errors import IndexNotBuiltError
from tests.conftest import CORPUS, ROOT, free_port, serve_app
from ui.app import build_app
from ui.pending import PendingAdvisor

# Libraries the extractive ask path has no use for (the web app, the LLM frameworks, the
# database), and what the lean import hooks keep from loading.
NOT_ON_THE_ASK_PATH = ("gradio", "llama_index", "openai", "sqlalchemy", "fastapi", "pandas")
DEFERRED = ("opentelemetry.exporter.otlp.proto.grpc.trace_exporter", "httpx._main", "rich")


def _python(code: str, env: dict[str, str] | None = None) -> str:
    """Run code in a fresh interpreter (this process has imported everything already)."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_extractive_ask_path_imports_no_web_app_llm_framework_or_database(
    guide_settings: Settings,
) -> None:
    out = _python(
        "import json, sys\n"
        "from advisor.cli import main\n"
        "code = main(['ask', '--backend', 'extractive', '--json', 'What does a senior PM do?'])\n"
        "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}))\n",
        {
            "ADVISOR_INDEX_DIR": str(guide_settings.index_dir),
            "ADVISOR_CORPUS_DIR": str(CORPUS),
            "ADVISOR_LLM": "auto",  # the flag, not the setting, picks the extractive backend
        },
    )
    answer_line, result_line = out.strip().splitlines()[-2:]
    result = json.loads(result_line)
    assert result["code"] == 0 and json.loads(answer_line)["citations"]
    top = {name.split(".")[0] for name in result["modules"]}
    assert {"chromadb", "onnxruntime"} <= top  # it did answer from the index
    assert not top & set(NOT_ON_THE_ASK_PATH)
    assert not set(result["modules"]) & set(DEFERRED)


def test_the_lean_import_hooks_take_effect_and_change_nothing_else(tmp_path: Path) -> None:
    out = _python(
        "import json, sys\n"
        "import advisor\n"
        "from advisor import lean_imports\n"
        "import chromadb, gradio, httpx, overrides\n"
        "import chromadb.api.rust as rust, gradio.component_meta as meta\n"
        "import chromadb.telemetry.opentelemetry as tracing\n"
        "deferred = {module for module, _ in lean_imports.DEFERRED.values()}\n"
        "before = sorted(m for m in sys.modules if m in deferred)\n"
        "exporter = tracing.OTLPSpanExporter(endpoint='http://127.0.0.1:4317')\n"
        "exporter.shutdown()\n"
        f"client = chromadb.PersistentClient(path={str(tmp_path)!r})\n"
        "docs = client.create_collection('docs')\n"
        "docs.add(ids=['a', 'b'], embeddings=[[1.0, 0.0], [0.0, 1.0]], documents=['x', 'y'])\n"
        "print(json.dumps({\n"
        "  'deferred_loaded_at_import': before,\n"
        "  'exporter': type(exporter).__module__,\n"
        "  'nearest': docs.query(query_embeddings=[[0.9, 0.1]], n_results=1)['ids'][0],\n"
        "  'chromadb_override_lean': rust.override is lean_imports._mark_override,\n"
        "  'override_restored': overrides.override is not lean_imports._mark_override,\n"
        "  'no_stub_writer': meta.create_or_modify_pyi is lean_imports._no_stub,\n"
        "  'httpx_main': httpx.main.__module__,\n"
        "}))\n"
    )
    result = json.loads(out.strip().splitlines()[-1])
    # Each hook still finds what it patches in this release (if not, the import is slower).
    assert result["deferred_loaded_at_import"] == []
    assert result["chromadb_override_lean"] and result["override_restored"]
    assert result["no_stub_writer"]
    # The deferred exporter is the real one once constructed; Chroma stores and queries.
    assert result["exporter"] == "opentelemetry.exporter.otlp.proto.grpc.trace_exporter"
    assert result["nearest"] == ["a"]
    assert result["httpx_main"] == "httpx"


@pytest.fixture
def unbuilt() -> Iterator[Future[Advisor]]:
    building: Future[Advisor] = Future()
    yield building
    if not building.done():
        building.cancel()


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as reply:
        return int(reply.status), reply.read().decode()


def test_the_page_is_served_before_the_advisor_is_built_and_questions_wait_for_it(
    guide_settings: Settings, guide_advisor: Advisor, unbuilt: Future[Advisor]
) -> None:
    from gradio_client import Client

    ladders = wiring.ladders(guide_settings)
    pending = PendingAdvisor(ladders, "extractive", unbuilt)
    app, url = serve_app(lambda: build_app(pending))
    try:
        status, _ = _get(url)
        assert status == 200
        assert not unbuilt.done()
        # The real app: its configuration names the guide's roles and the chat.
        config = json.loads(_get(url.rstrip("/") + "/config")[1])
        shown = json.dumps(config)
        assert all(role.name in shown for role in ladders[0].roles)
        assert "advisor-chat" in shown

        with ThreadPoolExecutor(1) as pool:
            asked = pool.submit(
                lambda: Client(url, verbose=False).predict(
                    "What does a Senior PM do?", None, api_name="/ask"
                )
            )
            assert not asked.done()  # waits for the advisor
            unbuilt.set_result(guide_advisor)
            answer: dict[str, Any] = asked.result(timeout=120)
        assert answer["citations"] and not answer["refused"]
        assert pending.ladders == [s.ladder for s in guide_advisor.scopes]
    finally:
        app.close()


def test_serve_stops_with_the_build_error_when_the_advisor_cannot_be_built(
    guide_settings: Settings,
) -> None:
    from ui.app import launch

    failed: Future[Advisor] = Future()
    failed.set_exception(IndexNotBuiltError("The index was removed.", "Run `advisor index`."))
    pending = PendingAdvisor(wiring.ladders(guide_settings), "extractive", failed)

    async def serve() -> None:  # in a running loop, as tests.conftest.serve_app explains
        launch(pending, port=free_port())

    with ThreadPoolExecutor(1) as pool, pytest.raises(IndexNotBuiltError):
        pool.submit(asyncio.run, serve()).result(timeout=120)


def test_serve_refuses_an_index_not_built_before_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ui.app
    from tests.conftest import run_cli

    launched: list[Any] = []
    monkeypatch.setattr(ui.app, "launch", lambda *a, **kw: launched.append(a))
    monkeypatch.setenv("ADVISOR_INDEX_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    code, _, err = run_cli(capsys, "serve", "--port", str(free_port()))
    assert code == 2 and "advisor index" in err
    assert not launched
