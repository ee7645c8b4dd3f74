"""`/healthz` for a load balancer: whether the index, the model and the database can serve.

Cheap and secret-free: the index is counted (which reaches a Chroma server), the database gets
one `SELECT 1`, and the model is reported as configured or loaded without calling it (a model
request per probe would cost every user its latency). No URL, key or path is included.
"""

from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from advisor.records import Records

if TYPE_CHECKING:
    from advisor.answering import Advisor


def health(advisor: "Advisor", records: Records | None) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body): 200 when every part that is configured works, else 503."""
    checks: dict[str, dict[str, Any]] = {
        "index": _index(advisor),
        "model": _model(advisor),
        "database": _database(records),
    }
    ok = all(c["status"] in ("ok", "not configured") for c in checks.values())
    return (200 if ok else 503), {"status": "ok" if ok else "unavailable", **checks}


def _index(advisor: "Advisor") -> dict[str, Any]:
    try:
        count = int(advisor.retriever.store.collection.count())
    except Exception as exc:  # a server gone, a folder deleted: reported, never raised
        return {"status": "unavailable", "error": type(exc).__name__}
    ladders = len(advisor.scopes)
    return {"status": "ok" if count else "empty", "passages": count, "ladders": ladders}


def _model(advisor: "Advisor") -> dict[str, Any]:
    model = advisor.chat_model
    if model is None:
        return {"status": "ok", "backend": "extractive"}
    # The local model loads on the first question that needs it (or at start when warmed);
    # a remote model is always there to be asked.
    loaded = bool(getattr(model, "loaded", True))
    return {"status": "ok", "backend": model.name, "loaded": loaded}


def _database(records: Records | None) -> dict[str, Any]:
    if records is None:
        return {"status": "not configured"}
    try:
        with records.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return {"status": "unavailable", "error": type(exc).__name__}
    return {"status": "ok"}
