"""Several ladders in one corpus: each answers for itself, never mixed (a real Chroma index)."""

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from advisor import wiring
from advisor.answering import Advisor
from advisor.config import Settings
from advisor.errors import AdvisorError
from advisor.indexing import update_index
from tests.conftest import CORPUS, ROOT, make_settings

DATA = ROOT / "tests" / "data"
PM = "pm-career-path.txt"
KEEPER = "lighthouse-keeper-ladder.md"
BEES = "urban-beekeeping.md"
GARDEN = "garden-notes.md"


@pytest.fixture(scope="module")
def multi_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    tmp = tmp_path_factory.mktemp("multi")
    corpus = tmp / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / PM, corpus / PM)
    shutil.copy(CORPUS / "aliases.toml", corpus / "aliases.toml")
    shutil.copy(DATA / KEEPER, corpus / KEEPER)
    shutil.copy(DATA / "ladders_unseen" / BEES, corpus / BEES)
    shutil.copy(DATA / "ladders_unseen" / GARDEN, corpus / GARDEN)
    settings = make_settings(tmp, corpus)
    update_index(settings.corpus_dir, wiring.passage_store(settings), wiring.embedder())
    yield settings


@pytest.fixture(scope="module")
def multi(multi_settings: Settings) -> Advisor:
    return wiring.build_advisor(multi_settings)


def _cited(advisor: Advisor, question: str) -> set[tuple[str, str]]:
    answer = advisor.ask(question)
    sources = {p.id: p.source for p in advisor.retriever.passages.values()}
    by_text = {p.text: p for p in advisor.retriever.passages.values()}
    out = set()
    for c in answer.citations:
        passage = by_text.get(c.text)
        assert passage is not None and passage.id in sources
        out.add((passage.source, c.section))
    return out


def test_each_document_with_levels_is_its_own_ladder(multi: Advisor) -> None:
    sources = sorted(s.ladder.source for s in multi.scopes)
    assert sources == sorted([PM, KEEPER, BEES])  # the garden notes hold no ladder
    pm = next(s.ladder for s in multi.scopes if s.ladder.source == PM)
    assert [r.level for r in pm.roles] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("question", "source", "section"),
    [
        ("What does a Senior PM do?", PM, "3."),
        ("what does an apprentice beekeeper do", BEES, "Level 1"),
        ("What skills should an Apprentice Keeper develop?", KEEPER, "1."),
    ],
)
def test_role_questions_cite_their_own_ladder_and_level(
    multi: Advisor, question: str, source: str, section: str
) -> None:
    cited = _cited(multi, question)
    assert cited and all(s == source and sec.startswith(section) for s, sec in cited), cited


def test_a_role_word_several_ladders_share_gets_a_clarifying_question(multi: Advisor) -> None:
    answer = multi.ask("what skills does a senior need?")
    assert answer.grounding == "clarification" and not answer.citations
    assert "Which ladder" in answer.answer and "Product Manager" in answer.answer


def test_the_conversation_keeps_its_ladder(multi: Advisor) -> None:
    history = [
        {"role": "user", "content": "what does an apprentice beekeeper do?"},
        {"role": "assistant", "content": "Hive inspections and equipment care."},
    ]
    from advisor.conversation import parse_history

    answer = multi.ask("and what skills does it need?", parse_history(history))
    assert answer.citations
    assert {p.source for p in multi.retriever.passages.values() if p.text in
            {c.text for c in answer.citations}} == {BEES}  # fmt: skip


def test_a_selected_ladder_answers_unnamed_questions(multi_settings: Settings) -> None:
    # "master" names a level on two ladders; the selected one answers.
    advisor = wiring.build_advisor(multi_settings, ladder="lighthouse")
    cited = _cited(advisor, "what does a master do?")
    assert cited and all(source == KEEPER for source, _ in cited)


def test_plans_stay_within_one_ladder(multi: Advisor) -> None:
    plan = multi.plan("APM", "Senior PM")
    assert [s.to_section[:2] for s in plan.stages] == ["2.", "3."]
    with pytest.raises(AdvisorError, match="within one ladder"):
        multi.plan("APM", "Master Keeper")
    answer = multi.ask("plan my move from APM to master keeper")
    assert answer.refused and "within one ladder" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "What is the average salary of a PM?",
        "how many years until I'm a master keeper?",
        "Who won the football world cup?",
    ],
)
def test_out_of_scope_stays_refused_with_several_ladders(multi: Advisor, question: str) -> None:
    answer = multi.ask(question)
    assert answer.refused and not answer.citations


def test_unknown_ladder_name_is_a_clear_error(multi_settings: Settings) -> None:
    with pytest.raises(AdvisorError, match="not one of the loaded ladders"):
        wiring.build_advisor(multi_settings, ladder="astronaut")


def test_reference_text_is_answerable_and_cited(multi: Advisor) -> None:
    garden = [p for p in multi.retriever.passages.values() if p.source == GARDEN]
    assert garden
    sample = garden[0].section
    answer = multi.ask(f"what does the guide say about {sample.lower()}?")
    assert not answer.refused
    assert any(c.section == sample for c in answer.citations), answer.answer


def test_index_report_says_what_each_document_holds(multi_settings: Settings) -> None:
    report = update_index(
        multi_settings.corpus_dir, wiring.passage_store(multi_settings), wiring.embedder()
    )
    found = {d.name: d for d in report.found}
    assert found[GARDEN].ladder is None
    assert "reference text" in report.summary()
    pm = found[PM]
    assert pm.ladder == "Product Manager" and [lv.level for lv in pm.levels] == [1, 2, 3, 4, 5]
    assert all(lv.responsibilities == 3 and lv.skills == 3 for lv in pm.levels)
    bees = found[BEES]
    # Lead-ins worded "To grow, focus on:" / "What we look for:" introduce growth items, and a
    # top level written only as prose still has duties to plan on.
    assert all(lv.skills for lv in bees.levels[:4])
    assert bees.levels[-1].responsibilities > 0
    assert not bees.warnings


def test_the_browser_api_takes_the_ladder_per_call(multi: Advisor) -> None:
    # Each browser session picks its ladder; nothing is set on the shared advisor.
    from ui.app import chat_replies

    replies = list(chat_replies(multi, "what does a master do?", [], "lighthouse"))
    final = replies[-1][0]
    assert "Master Keeper" in str(final) and multi.selected is None
    asked = multi.ask("what does a master do?", (), "beekeeping")
    assert "Master Apiarist" in asked.answer


@pytest.mark.parametrize(
    "question",
    ["list every level from the bottom up", "what is this guide about?", "who sits at the top?"],
)
def test_a_question_about_a_ladder_that_names_none_asks_which(
    multi: Advisor, question: str
) -> None:
    answer = multi.ask(question)
    assert answer.grounding == "clarification" and not answer.citations
    assert "Which ladder do you mean" in answer.answer


@pytest.mark.parametrize(
    ("question", "source"),
    [
        ("what is the highest job in product and what does it involve?", PM),
        ("who runs things at the top of a lighthouse?", KEEPER),
        ("what do the first-year people at the apiary do?", BEES),
    ],
)
def test_a_word_only_one_ladder_is_named_with_picks_that_ladder(
    multi: Advisor, question: str, source: str
) -> None:
    answer = multi.ask(question)
    assert not answer.refused and answer.citations, answer.answer
    sources = {
        p.source
        for p in multi.retriever.passages.values()
        if p.section in {c.section for c in answer.citations}
    }
    assert sources == {source}


def test_an_unrelated_reference_document_does_not_widen_a_ladder(multi: Advisor) -> None:
    # The garden notes speak of sites and soil: a careers question that only shares those
    # words with them stays out of every ladder's scope.
    for question in (
        "which job sites list openings for an associate product manager?",
        "what soil should a senior product manager's office plants have?",
    ):
        answer = multi.ask(question)
        assert answer.refused or not any(
            c.section.startswith(("Reading the site", "Planting")) for c in answer.citations
        ), answer.answer
    # A close match is still answered from the reference document, cited.
    answer = multi.ask("how do I test my garden soil for clay, sand or loam?")
    assert not answer.refused and answer.citations


def _record_reads(advisor: Advisor, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The source of each ladder read while answering, in order (filled as questions run)."""
    reads: list[str] = []
    for scope in advisor.scopes:
        original = scope.reader.read

        def spy(question: str, history: Any = (), _s: Any = scope, _o: Any = original) -> Any:
            reads.append(_s.ladder.source)
            return _o(question, history)

        monkeypatch.setattr(scope.reader, "read", spy)
    return reads


def test_many_ladders_read_only_those_nearest_the_question(
    multi: Advisor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from advisor import ladder_scope

    # As if the corpus held more ladders than are read per question.
    monkeypatch.setattr(ladder_scope, "READ_AT_MOST", 1)
    reads = _record_reads(multi, monkeypatch)
    answer = multi.ask("who cleans the great lens every dawn?")
    assert not answer.refused and answer.citations
    assert set(reads) == {KEEPER}  # one ladder read to choose, then answered from it


def test_many_ladders_refuse_after_the_nearest_cover_nothing(
    multi: Advisor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from advisor import ladder_scope

    # As if the corpus held more ladders than are read per question.
    monkeypatch.setattr(ladder_scope, "READ_AT_MOST", 2)
    monkeypatch.setattr(ladder_scope, "REFUSE_AFTER", 1)
    reads = _record_reads(multi, monkeypatch)
    answer = multi.ask("Write a poem about cats.")
    assert answer.refused
    # The nearest ladder covers none of it: refused by that ladder, its reading reused.
    assert len(reads) == 1


@pytest.mark.parametrize(
    "question", ["who cleans the great lens?", "What does a Senior PM do?", "hive inspection"]
)
def test_the_search_within_a_ladder_is_a_scan_of_its_documents_in_order(
    multi: Advisor, question: str
) -> None:
    retriever = multi.retriever
    vector = retriever.embedder.embed([question])[0]
    for scope in multi.scopes:
        assert scope.sources is not None
        scan = sorted(
            (
                (float(retriever.vectors[p.id] @ vector), -i, p.id)
                for i, p in enumerate(retriever.passages.values())
                if p.source in scope.sources
            ),
            reverse=True,
        )
        found = retriever.nearest(vector, 7, scope.sources)
        assert [pid for pid, _ in found] == [pid for _, _, pid in scan[:7]]
        assert [s for _, s in found] == pytest.approx([s for s, _, _ in scan[:7]], abs=1e-6)


def test_a_ladders_general_passages_are_those_a_scan_of_every_passage_finds(
    multi: Advisor,
) -> None:
    retriever = multi.retriever
    for sources in [None, *(s.sources for s in multi.scopes)]:
        scan = [
            p
            for p in retriever.passages.values()
            if p.level is None and (sources is None or p.source in sources)
        ]
        assert scan and retriever.general(sources) == scan


def test_a_refusal_lists_at_most_ten_ladders_and_counts_the_rest() -> None:
    from advisor.ladder import CareerLadder, Role
    from advisor.wording import LISTED_LADDERS, ladders_listing

    ladders = [
        CareerLadder([Role(level=1, section=f"1. Keeper {i}", name=f"Keeper {i}")])
        for i in range(LISTED_LADDERS + 5)
    ]
    text = ladders_listing(ladders)
    assert text is not None and "Keeper 9" in text and "Keeper 10" not in text
    assert text.endswith("; and 5 more.")
    assert "more" not in (ladders_listing(ladders[:3]) or "")
    assert ladders_listing(ladders[:1]) is None  # one ladder: the refusal says what it covers


@pytest.mark.parametrize(
    ("question", "source"),
    [
        # No role named; a word only one ladder's document uses says which ladder is meant.
        ("who sits at the top, and what do they decide about the honey harvest?", BEES),
        ("who's at the top and how do they look after the lens?", KEEPER),
    ],
)
def test_a_word_only_one_ladder_uses_picks_that_ladder(
    multi: Advisor, question: str, source: str
) -> None:
    cited = _cited(multi, question)
    assert cited and {s for s, _ in cited} == {source}, multi.ask(question).answer
