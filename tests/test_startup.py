"""Start-up: what a cold `advisor ask` imports, and the lean import hooks. Nothing here is
timed: the figures are benchmarks/bench_start.py's."""

import json
import os
import subprocess
import sys
from pathlib import Path

from advisor.config import Settings
from tests.conftest import CORPUS, ROOT

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
