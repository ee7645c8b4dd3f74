import pytest

from advisor.answering import Advisor
from advisor.models import Passage


@pytest.fixture(scope="module")
def passages(guide_advisor: Advisor) -> list[Passage]:
    return list(guide_advisor.retriever.passages.values())


def _kept(guide_advisor: Advisor, text: str, passages: list[Passage]) -> list[str]:
    result = guide_advisor.verifier.verify(text, passages)
    return [s for line in result.lines for s, _ in line.sentences]


def test_planted_salary_is_dropped_and_the_rest_kept(
    guide_advisor: Advisor, passages: list[Passage]
) -> None:
    text = (
        "As an APM, you will help define features and prioritize tasks. "
        "The average salary of a PM is $100,000. "
        "Senior PMs mentor junior PMs."
    )
    result = guide_advisor.verifier.verify(text, passages)
    kept = [s for line in result.lines for s, _ in line.sentences]
    assert "The average salary of a PM is $100,000." not in kept
    assert result.dropped == 1 and len(kept) == 2
    sections = {ps[0].section[:2] for line in result.lines for _, ps in line.sentences}
    assert sections == {"1.", "3."}


@pytest.mark.parametrize(
    "invented",
    [
        "A PM does not have the ability to assist with product development.",
        "APMs engage with the board of directors and investors.",
        "Google expects Senior PMs to drive the product roadmap.",
        "Senior PMs mentor 5 junior PMs each.",
        "Product managers should learn to cook Italian food.",
    ],
)
def test_unsupported_claims_are_dropped(
    guide_advisor: Advisor, passages: list[Passage], invented: str
) -> None:
    assert _kept(guide_advisor, invented, passages) == []


def test_faithful_paraphrase_is_kept(guide_advisor: Advisor, passages: list[Passage]) -> None:
    text = "Senior PMs communicate with executives and stakeholders to align product plans."
    assert _kept(guide_advisor, text, passages) == [text]


def test_heading_without_content_is_dropped(
    guide_advisor: Advisor, passages: list[Passage]
) -> None:
    result = guide_advisor.verifier.verify("**Salaries**\n- PMs earn $200k.", passages)
    assert result.lines == []


def test_summary_across_items_cites_every_item(
    guide_advisor: Advisor, passages: list[Passage]
) -> None:
    text = (
        "A principal product manager is responsible for strategic leadership, cross-functional "
        "leadership, and thought leadership."
    )
    result = guide_advisor.verifier.verify(text, passages)
    [(_, cited)] = [s for line in result.lines for s in line.sentences]
    assert len(cited) == 3 and {p.section[:2] for p in cited} == {"4."}


@pytest.mark.parametrize(
    "text",
    [
        "However, the lead PM is seen as an expert in their field, while the CPO is seen as an "
        "expert in their field.",
        "Leading teams.",
        "An APM is a product management role that involves:",
    ],
)
def test_role_mixups_fragments_and_lead_ins_are_dropped(
    guide_advisor: Advisor, passages: list[Passage], text: str
) -> None:
    assert _kept(guide_advisor, text, passages) == []


def test_repeated_sentence_is_dropped(guide_advisor: Advisor, passages: list[Passage]) -> None:
    line = "Senior PMs mentor junior PMs and guide less experienced colleagues."
    result = guide_advisor.verifier.verify(f"{line}\n{line}\n{line}", passages)
    assert result.kept == 1 and result.dropped == 2


@pytest.mark.parametrize(
    "misattributed",
    [
        # A senior PM's duty given to associates, though the passage names "junior PMs".
        "Associate PMs are responsible for mentoring junior PMs and less experienced colleagues.",
        # The VP's board duty given to the principal PM.
        "Principal PMs engage with the board of directors and investors.",
        # A lead PM's duty given to the mid-level PM.
        "Product Managers help shape the direction of the product portfolio.",
    ],
)
def test_a_duty_given_to_the_wrong_level_is_dropped(
    guide_advisor: Advisor, passages: list[Passage], misattributed: str
) -> None:
    assert _kept(guide_advisor, misattributed, passages) == []


def test_a_restated_false_premise_is_dropped(
    guide_advisor: Advisor, passages: list[Passage]
) -> None:
    # The premise restated against the very passage that contradicts it.
    senior = [p for p in passages if p.section.startswith("3.")]
    restated = "Senior PMs do not communicate with executives and stakeholders."
    assert _kept(guide_advisor, restated, senior) == []
    assert _kept(guide_advisor, "Senior PMs communicate with executives.", senior)
