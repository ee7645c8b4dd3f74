"""Import-time work that chromadb, gradio and httpx do for their own developers, skipped.

Importing chromadb and gradio costs most of a cold `advisor ask` and of `advisor serve`'s time
to first page, and much of that is work done for the libraries' developers, not their users:

- chromadb decorates ~160 methods with `overrides.override`, which, at import, disassembles
  each calling frame to find the base classes and compares signatures: a check of chromadb's
  own code that can only fail on a broken chromadb release. Inside chromadb's modules the
  decorator only marks the method (what `EnforceOverrides` reads), as it does after the check.
- chromadb's tracing module imports the OTLP gRPC span exporter (grpc, protobuf), which it
  only constructs when an OpenTelemetry collector is configured, and httpx imports its
  command-line client (rich, click, pygments) to expose `httpx.main`: each is imported when it
  is first called instead.
- gradio, while defining each component class, parses its module's source and rewrites the
  `.pyi` stub beside it when it differs (it never does for the installed package): 81 source
  parses per process. Here it is not run.

None of this changes what the libraries do once imported. The hooks touch only the modules
named here, leave the installed files alone, and do nothing for a library imported before
`advisor`; if a new release renames what they patch, the import is slower, not wrong
(tests/test_startup.py says which hook stopped working).
"""

import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

GRADIO_COMPONENT_META = "gradio.component_meta"
# module whose body imports a submodule only to bind a callable -> (submodule, callable)
DEFERRED = {
    "chromadb.telemetry.opentelemetry": (
        "opentelemetry.exporter.otlp.proto.grpc.trace_exporter",
        "OTLPSpanExporter",
    ),
    "httpx": ("httpx._main", "main"),
}


def _mark_override(method: Any = None, **_options: Any) -> Any:
    """`overrides.override` without the import-time signature check: marks the method only."""

    def mark(fn: Any) -> Any:
        fn.__override__ = True
        return fn

    return mark if method is None else mark(method)


_state = threading.Lock()  # held only to swap the decorator, never across an import
_depth = 0  # chromadb module bodies running now (they import each other)
_saved: tuple[Any, Any] | None = None


@contextmanager
def _lean_override() -> Iterator[None]:
    """`overrides.override` (and its old name `overrides`) only marks, while chromadb's
    modules bind it."""
    import overrides

    global _depth, _saved
    with _state:
        if _depth == 0:
            _saved = overrides.override, overrides.overrides
            overrides.override = overrides.overrides = _mark_override
        _depth += 1
    try:
        yield
    finally:
        with _state:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                overrides.override, overrides.overrides = _saved
                _saved = None


def _deferred(module: str, name: str) -> Callable[..., Any]:
    """A stand-in for `module.name` that imports the module when first called."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"{module}.{name}, imported when first called."
    return call


@contextmanager
def _stand_in(module: str, name: str) -> Iterator[None]:
    """While a module body runs, `from module import name` binds a deferred stand-in; the
    real module stays importable afterwards."""
    if module in sys.modules:
        yield
        return
    stub = types.ModuleType(module)
    setattr(stub, name, _deferred(module, name))
    sys.modules[module] = stub
    try:
        yield
    finally:
        if sys.modules.get(module) is stub:
            del sys.modules[module]


def _loading(fullname: str, run: Callable[[], None]) -> None:
    """Run one hooked module's body."""
    with ExitStack() as stack:
        if fullname == "chromadb" or fullname.startswith("chromadb."):
            stack.enter_context(_lean_override())
        if fullname in DEFERRED:
            stack.enter_context(_stand_in(*DEFERRED[fullname]))
        run()
    module = sys.modules.get(fullname)
    if fullname == GRADIO_COMPONENT_META and hasattr(module, "create_or_modify_pyi"):
        setattr(module, "create_or_modify_pyi", _no_stub)  # noqa: B010


def _no_stub(*_args: Any, **_kwargs: Any) -> None:
    """gradio's stub writer, not run: the installed stubs are gradio's own."""


def _hooked(fullname: str) -> bool:
    return (
        fullname == "chromadb"
        or fullname.startswith("chromadb.")
        or fullname in DEFERRED
        or fullname == GRADIO_COMPONENT_META
    )


class _LeanImports(importlib.abc.MetaPathFinder):
    """Finds the modules above with the finders after it, and wraps running their bodies."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if not _hooked(fullname):
            return None
        spec = _find_elsewhere(self, fullname, path, target)
        exec_module = getattr(spec.loader, "exec_module", None) if spec else None
        if spec is None or exec_module is None:
            return spec

        def wrapped(module: types.ModuleType) -> None:
            _loading(fullname, lambda: exec_module(module))

        # On the loader instance (one per module), so the module keeps its own loader type
        # for tracebacks and inspect.
        setattr(spec.loader, "exec_module", wrapped)  # noqa: B010
        return spec


def _find_elsewhere(
    finder: object, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None
) -> importlib.machinery.ModuleSpec | None:
    for other in sys.meta_path:
        find_spec = getattr(other, "find_spec", None)
        if other is finder or find_spec is None:
            continue
        spec: importlib.machinery.ModuleSpec | None = find_spec(fullname, path, target)
        if spec is not None:
            return spec
    return None


def install() -> None:
    """Put the hooks in front of the import system (once per process)."""
    if not any(isinstance(f, _LeanImports) for f in sys.meta_path):
        sys.meta_path.insert(0, _LeanImports())
