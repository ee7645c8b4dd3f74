"""Faithfulness judged independently of the advisor's verifier.

The verifier decides what the advisor says; if the eval reused it, it would only check the
verifier against itself. This judge is deliberately different: no embeddings, no role logic,
its own tokenisation (5-letter prefixes instead of the advisor's stemmer), and it checks each
sentence against exactly the passages that sentence cites. A sentence is faithful when at least
PRECISION_MIN of its content words and all of its numbers appear in the cited text.
"""

import re
from collections.abc import Callable, Iterable

PRECISION_MIN = 0.6
_WORD = re.compile(r"[a-z]+")
_NUM = re.compile(r"\d[\d,.]*")
_CITE = re.compile(r"\[(\d+)\]")
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "you",
        "your",
        "are",
        "can",
        "will",
        "from",
        "into",
        "their",
        "them",
        "they",
        "has",
        "have",
        "had",
        "was",
        "were",
        "been",
        "being",
        "its",
        "also",
        "such",
        "more",
        "most",
        "than",
        "then",
        "what",
        "when",
        "which",
        "who",
        "how",
        "why",
        "all",
        "any",
        "each",
        "both",
        "about",
        "over",
        "under",
        "our",
        "out",
        "may",
        "might",
        "must",
        "should",
        "would",
        "could",
        "not",
        "but",
        "too",
        "very",
        "well",
        "just",
        "other",
        "some",
        "these",
        "those",
        "there",
        "here",
        "own",
        "per",
        "via",
    ]
)

LlmJudge = Callable[[str, str, list[str]], bool]


def words(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP}


def figures(text: str) -> set[str]:
    return {n.replace(",", "").rstrip(".") for n in _NUM.findall(text)}


def sentence_supported(sentence: str, sources: Iterable[str]) -> bool:
    source = " ".join(sources)
    claimed = words(sentence)
    if not claimed:
        return True  # nothing asserted (a label such as "Skills to develop")
    precision = len(claimed & words(source)) / len(claimed)
    return precision >= PRECISION_MIN and figures(sentence) <= figures(source)


def answer_sentences(answer: str) -> list[tuple[str, list[int]]]:
    """(sentence, cited ids) for each claim of an answer; bold headings are structure."""
    out = []
    for raw in answer.splitlines():
        line = raw.strip()
        if not line or (line.startswith("**") and line.endswith("**")) or line.startswith("#"):
            continue
        line = re.sub(r"^(?:[-*•]\s+)?(?:\[[ xX]\]\s+)?", "", line)  # bullet, task box
        for part in re.split(r"(?<=[.!?\]])\s+(?=[A-Z\"“(])", line):
            if part.strip():
                ids = [int(n) for n in _CITE.findall(part)]
                out.append((_CITE.sub("", part).strip(), ids))
    return out


# "The guide doesn't cover ..." states an absence, not a fact from the guide: the refusal
# metrics judge it, this judge does not.
_ABSENCE = re.compile(r"^the guide (?:doesn't|does not) (?:cover|say)\b", re.IGNORECASE)


def faithfulness(answer: str, citations: dict[int, str]) -> tuple[int, int, list[str]]:
    """(supported, total, unsupported sentences) judging each sentence by what it cites."""
    supported, total, bad = 0, 0, []
    for sentence, ids in answer_sentences(answer):
        if not ids and _ABSENCE.match(sentence):
            continue
        total += 1
        sources = [citations[i] for i in ids if i in citations]
        if sources and sentence_supported(sentence, sources):
            supported += 1
        else:
            bad.append(sentence)
    return supported, total, bad


def raw_faithfulness(text: str, corpus: list[str]) -> tuple[int, int]:
    """(supported, total) of a model's raw sentences against the best single corpus passage."""
    supported = total = 0
    for sentence, _ in answer_sentences(text):
        total += 1
        if any(sentence_supported(sentence, [p]) for p in corpus):
            supported += 1
    return supported, total


def llama_index_judge(model: str, base_url: str | None, api_key: str | None) -> LlmJudge:
    """llama-index's FaithfulnessEvaluator over a judge model (ADVISOR_JUDGE_* settings)."""
    from llama_index.core.evaluation import FaithfulnessEvaluator
    from llama_index.llms.openai_like import OpenAILike

    llm = OpenAILike(
        model=model,
        api_base=base_url or "https://api.openai.com/v1",
        api_key=api_key or "none",
        is_chat_model=True,
        max_retries=0,
        timeout=120.0,
    )
    evaluator = FaithfulnessEvaluator(llm=llm)

    def judge(question: str, answer: str, contexts: list[str]) -> bool:
        result = evaluator.evaluate(query=question, response=answer, contexts=contexts)
        return bool(result.passing)

    return judge
