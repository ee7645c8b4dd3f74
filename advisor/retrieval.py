"""Hybrid retrieval: dense (MiniLM in Chroma) and keyword (BM25) rankings, fused by rank."""

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from advisor.embedding import EMBEDDING_DIM, Embedder, Vectors
from advisor.ladder import CareerLadder
from advisor.lexicon import content_terms
from advisor.models import Passage
from advisor.parsing import embedding_text
from advisor.store import PassageStore

RRF_K = 60  # the usual reciprocal-rank-fusion constant; damps the weight of the very top ranks


@dataclass(frozen=True)
class ScoredPassage:
    """A retrieved passage with its dense cosine similarity and keyword score."""

    passage: Passage
    dense: float
    keyword: float
    fused: float


class BM25:
    """Okapi BM25 over content terms (stemmed, stopwords removed)."""

    def __init__(self, documents: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.docs = [Counter(d) for d in documents]
        self.lengths = [len(d) for d in documents]
        self.avg_length = sum(self.lengths) / max(len(documents), 1)
        df = Counter(t for d in self.docs for t in d)
        n = len(documents)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def scores(self, query: list[str], among: Sequence[int] | None = None) -> list[float]:
        """Each document's score, or only those of the documents at the `among` positions
        (in that order): the statistics stay the whole corpus's."""
        out = []
        for i in range(len(self.docs)) if among is None else among:
            doc, length = self.docs[i], self.lengths[i]
            s = 0.0
            for term in set(query):
                tf = doc.get(term, 0)
                if tf:
                    norm = tf + self.k1 * (1 - self.b + self.b * length / self.avg_length)
                    s += self.idf[term] * tf * (self.k1 + 1) / norm
            out.append(s)
        return out


def passage_terms(passages: list[Passage]) -> list[list[str]]:
    """The keyword terms BM25 indexes for each passage."""
    return [content_terms(embedding_text(p)) for p in passages]


class HybridRetriever:
    """Dense + BM25 over the stored passages; role names in the question are expanded first."""

    def __init__(
        self,
        store: PassageStore,
        embedder: Embedder,
        passages: list[Passage],
        vectors: dict[str, Vectors],
        ladder: CareerLadder,
        terms: list[list[str]] | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.passages = {p.id: p for p in passages}
        self.ladder = ladder
        self.ladders = [ladder]  # every loaded ladder; set by the composition root
        self.vectors = vectors
        self._ids = [p.id for p in passages]
        self._position = {pid: i for i, pid in enumerate(self._ids)}
        self._by_source: dict[str, list[int]] = {}
        for i, p in enumerate(passages):
            self._by_source.setdefault(p.source, []).append(i)
        # Each document's passage vectors as one matrix, stacked on its first query.
        self._matrices: dict[str, Vectors] = {}
        # `terms`: each passage's keyword terms computed before (kept beside the index).
        self.bm25 = BM25(terms if terms is not None else passage_terms(passages))

    def _positions(self, sources: frozenset[str] | None) -> list[int] | None:
        """The positions of the given documents' passages, in corpus order (None: all)."""
        if sources is None:
            return None
        return sorted(i for source in sources for i in self._by_source.get(source, []))

    def general(self, sources: frozenset[str] | None = None) -> list[Passage]:
        """The passages outside any level (a document's introduction and conclusion) of the
        given documents (None: all), in corpus order: found by document, not by a scan of
        every passage of the corpus."""
        positions = range(len(self._ids)) if sources is None else self._positions(sources) or []
        passages = [self.passages[self._ids[i]] for i in positions]
        return [p for p in passages if p.level is None]

    def expand(self, question: str, ladder: CareerLadder | None = None) -> str:
        """Append the full names of roles the question names by alias ('APM' -> its heading)."""
        roles = {m.role.level: m.role for m in (ladder or self.ladder).mentions(question)}
        return " ".join([question, *(r.section for r in roles.values())])

    def retrieve(
        self,
        question: str,
        k: int,
        sources: frozenset[str] | None = None,
        ladder: CareerLadder | None = None,
    ) -> list[ScoredPassage]:
        """The k best passages, from the given documents only (one ladder and the reference
        text) when `sources` is given, so answers never mix ladders."""
        expanded = self.expand(question, ladder)
        vector = self.embedder.embed([expanded])[0]
        pool = max(k * 3, 20)
        dense = self.nearest(vector, pool, sources)
        # Only the given documents' passages are scored: a question about one ladder costs
        # the same however many other ladders are loaded.
        among = self._positions(sources)
        keyword = self.bm25.scores(content_terms(expanded), among)
        keyword_by_id = dict(
            zip(self._ids if among is None else [self._ids[i] for i in among], keyword, strict=True)
        )
        keyword_rank = sorted(
            (i for i, s in keyword_by_id.items() if s > 0), key=lambda i: -keyword_by_id[i]
        )
        fused: dict[str, float] = {}
        for rank, (pid, _) in enumerate(dense):
            fused[pid] = fused.get(pid, 0.0) + 1 / (RRF_K + rank + 1)
        for rank, pid in enumerate(keyword_rank[:pool]):
            fused[pid] = fused.get(pid, 0.0) + 1 / (RRF_K + rank + 1)
        dense_by_id = dict(dense)
        for pid in fused:  # keyword-only hits still need a cosine for the gate and the citation
            if pid not in dense_by_id:
                dense_by_id[pid] = float(self.vectors[pid] @ vector)
        ranked = sorted(fused, key=lambda pid: -fused[pid])[:k]
        return [
            ScoredPassage(
                self.passages[pid], dense_by_id[pid], keyword_by_id.get(pid, 0.0), fused[pid]
            )
            for pid in ranked
        ]

    def nearest(
        self, vector: Vectors, k: int, sources: frozenset[str] | None = None
    ) -> list[tuple[str, float]]:
        """The k passages nearest the vector (id, cosine), best first, from the given documents
        only when `sources` is given.

        Within given documents the search is exact and in-process, over the vectors already
        loaded: a ladder's documents are a few dozen passages, while Chroma's filtered search
        walks its whole graph for them (~40 ms a query at 38k passages) and, that selective,
        can miss true neighbours. The whole corpus is searched in Chroma's index.
        """
        if sources is None:
            return [(pid, s) for pid, s in self.store.query(vector, k) if pid in self.passages]
        named = sorted(sources)
        positions = np.array([i for source in named for i in self._by_source.get(source, [])])
        if not len(positions):
            return []
        scores = np.concatenate([self._matrix(source) @ vector for source in named])
        # Best first; equal scores in corpus order.
        best = np.lexsort((positions, -scores))[:k]
        return [(self._ids[positions[i]], float(scores[i])) for i in best]

    def _matrix(self, source: str) -> Vectors:
        matrix = self._matrices.get(source)
        if matrix is None:
            rows = [self.vectors[self._ids[i]] for i in self._by_source.get(source, [])]
            matrix = np.stack(rows) if rows else np.zeros((0, EMBEDDING_DIM), np.float32)
            self._matrices[source] = matrix
        return matrix

    def rank_for_topic(self, topic: str, passages: list[Passage]) -> dict[str, float]:
        """Fused rank scores of the given passages for a short topic ("developer", "talk")."""
        if not passages or not topic.strip():
            return {p.id: 0.0 for p in passages}
        vector = self.embedder.embed([topic])[0]
        dense = sorted(passages, key=lambda p: -float(self.vectors[p.id] @ vector))
        terms = content_terms(topic)
        among = sorted({self._position[p.id] for p in passages if p.id in self._position})
        keyword_all = dict(
            zip([self._ids[i] for i in among], self.bm25.scores(terms, among), strict=True)
        )
        keyword = sorted(passages, key=lambda p: -keyword_all.get(p.id, 0.0))
        scores = {p.id: 0.0 for p in passages}
        for rank, p in enumerate(dense):
            scores[p.id] += 1 / (RRF_K + rank + 1)
        for rank, p in enumerate(keyword):
            if keyword_all.get(p.id, 0.0) > 0:
                scores[p.id] += 1 / (RRF_K + rank + 1)
        return scores
