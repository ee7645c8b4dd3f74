"""What the eval runs: the advisor's pipeline, and a plain llama-index baseline to compare."""

import re
import time
from typing import Any

from advisor.answering import Advisor
from advisor.conversation import parse_history
from advisor.evaluation.dataset import EvalCase
from advisor.models import Answer, Citation

# How a plain chat engine says "not in the context"; used to count its refusals.
_BASELINE_REFUSAL = re.compile(
    r"\b(?:not (?:mentioned|provided|specified|stated|covered|available|included)|"
    r"(?:does|do) not (?:mention|provide|specify|say|contain|include)|no information|"
    r"i (?:don't|do not|cannot|can't) (?:know|answer|provide)|unable to (?:answer|provide))\b",
    re.IGNORECASE,
)


class PipelineAnswerer:
    """The advisor itself: scope gate, hybrid retrieval, composer/generator, verifier."""

    def __init__(self, advisor: Advisor) -> None:
        self.advisor = advisor
        self.name = advisor.backend

    def answer(self, case: EvalCase) -> tuple[Answer, list[str]]:
        history = parse_history(case.history)
        answer = self.advisor.ask(case.question, history)
        # Retrieval is scored on the passages this answer was built from.
        return answer, answer.retrieved_sections


class LlamaIndexBaseline:
    """`index.as_chat_engine()` over the same Chroma collection and model, default prompts.

    No scope gate, no verifier, no citations beyond the retrieved source nodes: the design's
    worth is the difference between this row and the pipeline's.
    """

    def __init__(self, collection: Any, embed_model: Any, llm: Any, top_k: int) -> None:
        from llama_index.core import VectorStoreIndex
        from llama_index.vector_stores.chroma import ChromaVectorStore

        from advisor.store import visible_where

        index = VectorStoreIndex.from_vector_store(
            ChromaVectorStore(chroma_collection=collection), embed_model=embed_model
        )
        # While an update is unfinished, the same passages as the advisor's: the committed ones.
        where = visible_where(collection.metadata or {})
        extra: dict[str, Any] = {"vector_store_kwargs": {"where": where}} if where else {}
        self.engine = index.as_chat_engine(llm=llm, similarity_top_k=top_k, **extra)
        self.name = "llama-index baseline"

    def answer(self, case: EvalCase) -> tuple[Answer, list[str]]:
        from llama_index.core.llms import ChatMessage

        history = [ChatMessage(role=m.role, content=m.content) for m in parse_history(case.history)]
        started = time.perf_counter()
        self.engine.reset()
        try:
            response = self.engine.chat(case.question, chat_history=history)
        except timeouts() as exc:
            # One slow reply must not end the whole comparison: the case is scored as a failure.
            return self._timed_out(case, time.perf_counter() - started, exc), []
        text = str(response.response).strip()
        nodes = response.source_nodes
        sections = [str(n.node.metadata.get("section", "")) for n in nodes]
        refused = not text or bool(_BASELINE_REFUSAL.search(text))
        citations = [
            Citation(id=i, section=s, text=n.node.get_content(), score=round(n.score or 0.0, 4))
            for i, (s, n) in enumerate(zip(sections, nodes, strict=True), 1)
        ]
        # The baseline writes no [n] markers; each sentence is judged against all its sources.
        marker = " " + "".join(f"[{c.id}]" for c in citations)
        cited = _mark_sentences(text, marker) if citations else text
        answer = Answer(
            question=case.question,
            answer=cited,
            refused=refused,
            backend=self.name,
            latency_s=round(time.perf_counter() - started, 4),
            citations=[] if refused else citations,
            grounding="generated",
            raw_generated=text,
        )
        return answer, sections

    def _timed_out(self, case: EvalCase, seconds: float, exc: BaseException) -> Answer:
        """An empty, unrefused answer: it fails every check an in-scope or out-of-scope case
        makes (no facts, no citations, not a refusal), so a timeout never scores as a pass."""
        return Answer(
            question=case.question,
            answer="",
            refused=False,
            backend=self.name,
            latency_s=round(seconds, 4),
            citations=[],
            grounding="generated",
            notice=f"{TIMEOUT_NOTICE} ({type(exc).__name__} after {seconds:.1f} s)",
        )


TIMEOUT_NOTICE = "the model call timed out"


def timeouts() -> tuple[type[BaseException], ...]:
    """What a model call that ran out of time raises: the OpenAI client's timeout (llama-index
    re-raises it after its retries), httpx's, or a plain TimeoutError."""
    import httpx
    import openai

    return (openai.APITimeoutError, httpx.TimeoutException, TimeoutError)


def _mark_sentences(text: str, marker: str) -> str:
    parts = re.split(r"(?<=[.!?])\s+", text)
    return " ".join(p + marker for p in parts if p.strip())
