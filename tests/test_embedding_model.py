"""The embedder's int8-arithmetic model: converted once, cached, and close to the float model."""

from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import pytest

from advisor.embedding import MiniLMEmbedder
from advisor.embedding_model import _quantised_nodes, compute_model, packaged_model

SENTENCES = [
    "Mentoring junior colleagues and leading small teams.",
    "Owning the roadmap for a product line and presenting it to executives.",
    "Keeps the stock room tidy and rotates perishable goods first in, first out.",
    "What skills does a senior engineer need?",
    "Write a poem about cats.",
    "Coordinates the crew's response to an emergency at the site gate.",
]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compute_model(cache_dir=tmp_path_factory.mktemp("cache"))


def test_converted_once_then_read_from_the_cache(converted: Path) -> None:
    cache = converted.parent.parent
    before = converted.stat().st_mtime_ns
    again = compute_model(cache_dir=cache)
    assert again == converted
    assert again.stat().st_mtime_ns == before
    # Nothing half-written is left beside it.
    assert [p.name for p in converted.parent.iterdir()] == [converted.name]


def test_dense_products_run_on_integer_kernels(converted: Path) -> None:
    ops = Counter(node.op_type for node in onnx.load(str(converted)).graph.node)
    packaged = Counter(node.op_type for node in onnx.load(str(packaged_model())).graph.node)
    integer = ops["MatMulInteger"] + ops["DynamicQuantizeMatMul"]
    assert packaged["MatMulInteger"] + packaged["DynamicQuantizeMatMul"] == 0
    # 6 layers x (query, key, value, attention output, feed-forward up) = 30.
    assert integer == 30
    # The feed-forward down-projections (6) and the attention products stay float.
    assert ops["MatMul"] >= 6


def test_down_projections_and_activation_products_are_left_float() -> None:
    graph = onnx.helper.make_graph(
        [
            onnx.helper.make_node("MatMul", ["x", "up"], ["h"], name="up"),
            onnx.helper.make_node("MatMul", ["h", "down"], ["y"], name="down"),
            onnx.helper.make_node("MatMul", ["y", "yt"], ["s"], name="scores"),
            onnx.helper.make_node("Gather", ["table", "ids"], ["e"], name="lookup"),
        ],
        "g",
        [],
        [],
        initializer=[
            onnx.numpy_helper.from_array(np.zeros((4, 16), np.float32), "up"),
            onnx.numpy_helper.from_array(np.zeros((16, 4), np.float32), "down"),
            onnx.numpy_helper.from_array(np.zeros((10, 4), np.float32), "table"),
        ],
    )
    assert _quantised_nodes(graph) == ["up", "lookup"]


def test_vectors_stay_close_to_the_float_model(converted: Path) -> None:
    fast = MiniLMEmbedder(model_path=converted).embed(SENTENCES)
    exact = MiniLMEmbedder(model_path=packaged_model()).embed(SENTENCES)
    cosines = (fast * exact).sum(axis=1)
    assert cosines.min() > 0.99

    # Each sentence's nearest other sentence is the same under both models.
    def nearest(vectors: np.ndarray) -> list[int]:
        similar = vectors @ vectors.T - 2 * np.eye(len(vectors))
        return [int(i) for i in np.argmax(similar, axis=1)]

    assert nearest(fast) == nearest(exact)


def test_a_cache_that_cannot_be_written_still_gets_the_model(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go", encoding="utf-8")
    path = compute_model(cache_dir=blocked)
    assert path.is_file()
    assert not path.is_relative_to(blocked)
    assert Counter(n.op_type for n in onnx.load(str(path)).graph.node)["MatMulInteger"] > 0


def test_many_texts_run_on_parallel_sessions_with_the_same_vectors(
    converted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import advisor.embedding as embedding

    texts = [f"{s} (variant {i})" for i in range(12) for s in SENTENCES]  # 72 texts, 9 batches
    embedder = MiniLMEmbedder(model_path=converted)
    parallel = embedder.embed(texts)
    assert len(embedder._parallel) == 2
    monkeypatch.setattr(embedding, "PARALLEL_BATCHES", 10**9)
    single = MiniLMEmbedder(model_path=converted).embed(texts)
    np.testing.assert_allclose(parallel, single, atol=1e-6)
    # A question stays on the one session that uses every thread.
    one = MiniLMEmbedder(model_path=converted)
    one.embed(["What does a senior engineer do?"])
    assert one._parallel == []
