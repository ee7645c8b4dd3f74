"""The composition root: builds every collaborator from Settings, nothing else does."""

from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING

from advisor.config import Settings
from advisor.embedding import EMBEDDING_MODEL_ID, Embedder, MiniLMEmbedder
from advisor.index_snapshot import SNAPSHOT_FILE, Snapshot, load_snapshot, save_snapshot
from advisor.ladder import CareerLadder, ladders_from_passages, load_extra_aliases
from advisor.lexicon import tokens
from advisor.models import Passage
from advisor.parsing import PARSER_VERSION
from advisor.phrase_cache import CACHE_FILE, PhraseCache
from advisor.retrieval import HybridRetriever, passage_terms
from advisor.store import PassageStore, chroma_client

if TYPE_CHECKING:
    from advisor.answering import Advisor
    from advisor.indexing import IndexReport, ProgressFactory
    from advisor.ladder_scope import LadderScope, ScopeParts
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
    """A retriever over the built index, with the ladders parsed from the stored passages (its
    own `ladder` is the first of them, for callers that know only one)."""
    store = store or passage_store(settings)
    snapshot = stored_passages(store)
    ladders = ladders_from_passages(snapshot.passages, load_extra_aliases(settings.corpus_dir))
    first = ladders[0] if ladders else CareerLadder([])
    r = HybridRetriever(
        store, embedder(), snapshot.passages, snapshot.vectors, first, snapshot.terms
    )
    r.ladders = ladders or [first]
    return r


def stored_passages(store: PassageStore) -> Snapshot:
    """The visible passages, vectors and keyword terms: from the snapshot beside an embedded
    index when it was written for the collection as it is now, else read from Chroma (and the
    snapshot written for the next start)."""
    state = store.state()
    path = store.local_file(SNAPSHOT_FILE) if state is not None else None
    snapshot = load_snapshot(path, state or {})
    if snapshot is None:
        passages = [s.passage for s in store.stored()]
        snapshot = Snapshot(passages, store.vectors(), passage_terms(passages))
        if state is not None:
            save_snapshot(path, state, snapshot)
    return snapshot


def ladders(settings: Settings) -> list[CareerLadder]:
    """The ladders of the built index, without what answering needs (check-ins, reports)."""
    passages = [s.passage for s in passage_store(settings).stored()]
    return ladders_from_passages(passages, load_extra_aliases(settings.corpus_dir))


def scopes(r: HybridRetriever, settings: Settings) -> "list[LadderScope]":
    """One answering scope per ladder: its reader, answerer and verifier, over its own document
    and the reference documents that hold no ladder, each built when its ladder is first read
    (start-up does not grow with the number of ladders)."""
    from advisor.ladder_scope import LadderScope
    from advisor.understand.meaning import framing_words
    from advisor.understand.normalise import Normaliser

    passages = list(r.passages.values())
    ladder_sources = {ladder.source for ladder in r.ladders if ladder.source}
    reference = {p.source for p in passages} - ladder_sources
    several = len(r.ladders) > 1
    role_words = {
        w
        for ladder in r.ladders
        for role in ladder.roles
        for a in role.aliases + role.weak_aliases
        for w in a.split()
    }
    corpus_words = {w for p in passages for w in tokens(f"{p.section} {p.text}")}
    # Role names only: the guide's running text pairs common words ("have a") that would turn
    # "hire a" into "have a".
    phrases = {
        f"{a} {b}"
        for ladder_ in r.ladders
        for role in ladder_.roles
        for alias in role.aliases
        for a, b in pairwise(alias.split())
    }
    normaliser = Normaliser(corpus_words, framing_words() | role_words, phrases)
    # The embedded store's folder keeps the phrase vectors too; a server's index has no local
    # folder of its own, so it embeds them when a ladder is first read.
    cache = PhraseCache(
        None if settings.chroma_url else settings.index_dir / CACHE_FILE, r.embedder.model_id
    )
    by_source: dict[str, list[Passage]] = {}
    for p in passages:
        by_source.setdefault(p.source, []).append(p)
    shared = [p for source in sorted(reference) for p in by_source[source]]
    position = {p.id: i for i, p in enumerate(passages)}  # the retriever's (corpus) order
    built: list[str] = []
    out: list[LadderScope] = []

    def parts(ladder: CareerLadder, sources: frozenset[str] | None) -> "ScopeParts":
        from advisor.direct import Answerer
        from advisor.ladder_scope import ScopeParts
        from advisor.understand.meaning import Understanding
        from advisor.understand.read import Reader
        from advisor.verifier import Verifier

        own = (
            passages
            if sources is None
            else sorted([*by_source.get(ladder.source, []), *shared], key=lambda p: position[p.id])
        )
        understanding = Understanding(
            own,
            ladder,
            r.embedder,
            settings.scope_threshold,
            settings.scope_unknown_threshold,
            cache,
        )
        built.append(ladder.source)
        # Unused vectors are dropped only once every ladder has been read.
        cache.save(prune=len(built) >= len(out))
        return ScopeParts(
            Reader(ladder, understanding, normaliser),
            Answerer(ladder, r.embedder),
            Verifier(r.embedder, ladder),
        )

    for ladder in r.ladders:
        sources = frozenset({ladder.source} | reference) if several else None
        out.append(
            LadderScope(
                ladder,
                sources,
                partial(parts, ladder, sources),
                normaliser,
            )
        )
    return out


def reindex(
    settings: Settings, rebuild: bool = False, progress: "ProgressFactory | None" = None
) -> "IndexReport":
    """Bring the index up to date with the corpus folder and the ladders added from the
    browser: `advisor index` and the browser's uploads run this one update."""
    from advisor.indexing import update_index
    from advisor.uploads import uploads_dir

    return update_index(
        settings.corpus_dir,
        passage_store(settings),
        embedder(),
        rebuild=rebuild,
        progress=progress,
        max_file_mb=settings.max_file_mb,
        uploads=uploads_dir(settings),  # ladders added in the browser stay indexed
    )


def refresh(advisor: "Advisor", settings: Settings) -> None:
    """Point a running advisor at the index as it is now (a ladder added or removed)."""
    r = retriever(settings)
    advisor.use_index(r, scopes(r, settings))


def build_advisor(
    settings: Settings,
    backend: str | None = None,
    chat_model: "ChatModel | None" = None,
    ladder: str | None = None,
) -> "Advisor":
    """The advisor over the built index, with every collaborator wired from settings.

    `backend` overrides ADVISOR_LLM; `chat_model` injects a model (tests, the eval baseline);
    `ladder` selects the ladder answered about when a question names none.
    """
    from advisor.answering import Advisor
    from advisor.llm import build_chat_model, resolve_backend

    r = retriever(settings)
    if chat_model is None:
        name = backend or resolve_backend(settings)
        chat_model = build_chat_model(settings, name)
    return Advisor(
        r,
        scopes(r, settings),
        settings.top_k,
        settings.max_question_chars,
        chat_model,
        selected=ladder,
    )
