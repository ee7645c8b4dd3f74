import pytest

from advisor.answering import Advisor
from advisor.retrieval import BM25


def test_bm25_ranks_matching_document_first() -> None:
    bm25 = BM25([["roadmap", "vision"], ["feedback", "customer"], ["roadmap"]])
    scores = bm25.scores(["customer"])
    assert scores[1] > 0 and scores[0] == scores[2] == 0


@pytest.mark.parametrize(
    ("question", "section_prefix"),
    [
        ("What does an APM do?", "1."),
        ("Who is in charge of the product roadmap?", "3."),
        ("Who engages with the board of directors and investors?", "5."),
        ("How do PMs decide which features to prioritize?", "2."),
        ("thought leadership at conferences", "4."),
    ],
)
def test_top_passage_comes_from_the_right_section(
    guide_advisor: Advisor, question: str, section_prefix: str
) -> None:
    top = guide_advisor.retriever.retrieve(question, 4)
    assert top[0].passage.section.startswith(section_prefix), [s.passage.section for s in top]


def test_alias_expansion_names_the_role(guide_advisor: Advisor) -> None:
    expanded = guide_advisor.retriever.expand("skills for an SPM")
    assert "3. Senior Product Manager" in expanded


def test_top_k_is_respected(guide_advisor: Advisor) -> None:
    assert len(guide_advisor.retriever.retrieve("leadership", 3)) == 3
