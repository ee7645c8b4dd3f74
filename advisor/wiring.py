"""The composition root: builds every collaborator from Settings, nothing else does."""

from typing import TYPE_CHECKING

from advisor.config import Settings
from advisor.embedding import EMBEDDING_MODEL_ID, Embedder, MiniLMEmbedder
from advisor.ladder import CareerLadder, load_extra_aliases
from advisor.parsing import PARSER_VERSION
from advisor.retrieval import HybridRetriever
from advisor.store import PassageStore, chroma_client

if TYPE_CHECKING:
    from advisor.answering import Advisor
    from advisor.llm import ChatModel

_EMBEDDER: MiniLMEmbedder | None = None


def embedder() -> Embedder:
    """One embedder per process: the ONNX session is read-only and thread-safe."""
    global _EMBEDDER
    if _EMBEDDER is None:
        _EMBEDDER = MiniLMEmbedder()
    return _EMBEDDER


def passage_store(settings: Settings) -> PassageStore:
    return PassageStore(
        chroma_client(settings), settings.collection, EMBEDDING_MODEL_ID, f"parser-{PARSER_VERSION}"
    )


def retriever(settings: Settings, store: PassageStore | None = None) -> HybridRetriever:
    """A retriever over the built index, with the ladder parsed from the stored passages."""
    store = store or passage_store(settings)
    passages = [s.passage for s in store.stored()]
    ladder = CareerLadder.from_passages(passages, load_extra_aliases(settings.corpus_dir))
    return HybridRetriever(store, embedder(), passages, store.vectors(), ladder)


def build_advisor(
    settings: Settings, backend: str | None = None, chat_model: "ChatModel | None" = None
) -> "Advisor":
    """The advisor over the built index, with every collaborator wired from settings.

    `backend` overrides ADVISOR_LLM; `chat_model` injects a model (tests, the eval baseline).
    """
    from advisor.answering import Advisor
    from advisor.llm import build_chat_model, resolve_backend
    from advisor.understand.meaning import Understanding
    from advisor.understand.normalise import Normaliser
    from advisor.understand.read import Reader
    from advisor.verifier import Verifier

    r = retriever(settings)
    passages = list(r.passages.values())
    understanding = Understanding(
        passages,
        r.ladder,
        r.embedder,
        settings.scope_threshold,
        settings.scope_unknown_threshold,
    )
    role_words = {
        w for role in r.ladder.roles for a in role.aliases + role.weak_aliases for w in a.split()
    }
    normaliser = Normaliser(understanding.corpus_words, understanding.framing | role_words)
    reader = Reader(r.ladder, understanding, normaliser)
    if chat_model is None:
        name = backend or resolve_backend(settings)
        chat_model = build_chat_model(settings, name)
    return Advisor(
        r,
        reader,
        Verifier(r.embedder, r.ladder),
        settings.top_k,
        settings.max_question_chars,
        chat_model,
    )
