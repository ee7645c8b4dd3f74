from pathlib import Path

import pytest

from advisor.corpus import SourceDocument, load_corpus
from advisor.errors import CorpusError
from advisor.ladder import CareerLadder
from advisor.models import PassageKind
from advisor.parsing import parse_document, split_sentences
from tests.conftest import CORPUS


def guide_passages():  # type: ignore[no-untyped-def]
    return [p for d in load_corpus(CORPUS).documents for p in parse_document(d)]


def test_loader_reads_guide_and_skips_readme() -> None:
    load = load_corpus(CORPUS)
    assert [d.name for d in load.documents] == ["pm-career-path.txt"]


def test_sections_keep_their_headings_and_levels() -> None:
    sections = {(p.section, p.level) for p in guide_passages()}
    assert ("1. Entry-Level Product Manager (Associate Product Manager)", 1) in sections
    assert ("5. VP of Product / Chief Product Officer (CPO)", 5) in sections
    assert ("Conclusion: The Path Forward", None) in sections


def test_bullets_are_tagged_by_their_lead_in() -> None:
    by_title = {p.title: p for p in guide_passages() if p.title}
    assert by_title["Ownership of product features"].kind is PassageKind.RESPONSIBILITY
    assert by_title["Ownership of product features"].level == 2
    assert by_title["Strategic thinking"].kind is PassageKind.SKILL
    assert by_title["Supporting product launches"].kind is PassageKind.RESPONSIBILITY
    counts = {(p.level, p.kind) for p in guide_passages()}
    for level in range(1, 6):
        assert (level, PassageKind.RESPONSIBILITY) in counts
        assert (level, PassageKind.SKILL) in counts


def test_no_passage_is_cut_mid_sentence() -> None:
    text = Path(CORPUS / "pm-career-path.txt").read_text(encoding="utf-8")
    for p in guide_passages():
        assert p.text in " ".join(text.split()) or p.text in text
        assert p.text.rstrip().endswith((".", ":", "!", "?")), p.text


def test_long_paragraph_splits_between_sentences() -> None:
    sentence = "This sentence has exactly eight words in it."
    doc = SourceDocument("long.md", "# 1. Role\n\n" + " ".join([sentence] * 30))
    pieces = parse_document(doc)
    assert len(pieces) > 1
    for p in pieces:
        assert all(s == sentence for s in split_sentences(p.text))


def test_markdown_headings_and_dash_bullets() -> None:
    doc = SourceDocument(
        "ladder.md",
        "## 1. Junior Widget Maker\n\nYour duties include:\n\n- Polishing: You polish widgets.\n",
    )
    [bullet] = parse_document(doc)
    assert bullet.section == "1. Junior Widget Maker"
    assert bullet.kind is PassageKind.RESPONSIBILITY and bullet.title == "Polishing"


def test_missing_and_empty_corpus_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")
    with pytest.raises(CorpusError, match="no readable"):
        load_corpus(tmp_path)


def test_unreadable_file_is_skipped_others_load(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("# 1. Role\n\nA role.\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00bad")
    load = load_corpus(tmp_path)
    assert [d.name for d in load.documents] == ["good.md"]
    assert load.skipped == [("bad.txt", "not UTF-8 text")]


UNSEEN = Path(__file__).resolve().parent / "data" / "ladders_unseen"


@pytest.mark.parametrize(
    ("name", "levels"),
    [
        # "### L1 - X", "### Senior X (C3)", an unnumbered "### Principal X", "### L5 - X";
        # plain sub-headings "Duties", "What the work looks like", "Growth"; prose duties.
        ("museum-conservation.md", [1, 2, 3, 4, 5]),
        # "## Level N: X (Short)", lead-ins in many wordings, a top level written as prose.
        ("urban-beekeeping.md", [1, 2, 3, 4, 5]),
    ],
)
def test_ladders_as_companies_write_them(name: str, levels: list[int]) -> None:
    text = (UNSEEN / name).read_text(encoding="utf-8")
    ladder = CareerLadder.from_passages(parse_document(SourceDocument(name, text)))
    assert [r.level for r in ladder.roles] == levels
    for role in ladder.roles:
        assert role.responsibilities, role.name  # duties found at every level
    assert sum(bool(r.skills) for r in ladder.roles) >= len(levels) - 1
    # Asides in parentheses are not names: no alias with a comma or in lower case.
    assert all("," not in a for r in ladder.roles for a in r.aliases)


@pytest.mark.parametrize(
    ("name", "titles"),
    [
        # Levels as columns, competencies as rows (CSV, quoted cells).
        ("ferry-operations.csv", ["Deckhand", "Able Seaman", "Bosun", "Mate", "Captain"]),
        # Levels as rows of a Markdown table, items in cells split by <br>.
        ("sommelier-matrix.md", ["Commis Sommelier", "Sommelier", "Senior Sommelier"]),
    ],
)
def test_competency_matrices_read_as_ladders(tmp_path: Path, name: str, titles: list[str]) -> None:
    (tmp_path / name).write_bytes((UNSEEN / name).read_bytes())
    doc = load_corpus(tmp_path).documents[0]
    ladder = CareerLadder.from_passages(parse_document(doc))
    names = [r.name for r in ladder.roles]
    assert names[: len(titles)] == titles and len(names) == 5
    assert all(r.responsibilities and r.skills for r in ladder.roles)
    # The table's own words are kept, so answers still quote the source.
    source = (UNSEEN / name).read_text(encoding="utf-8")
    first = ladder.roles[0].responsibilities[0].text.split(": ")[-1]
    assert first[:40] in source


def test_a_table_without_levels_is_skipped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "numbers.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "guide.md").write_text((CORPUS / "pm-career-path.txt").read_text(), "utf-8")
    loaded = load_corpus(tmp_path)
    assert [d.name for d in loaded.documents] == ["guide.md"]
    assert "no levels" in loaded.skipped[0][1]


def test_a_link_out_of_the_corpus_folder_is_not_read(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash", encoding="utf-8")
    (corpus / "passwd.txt").symlink_to(secret)
    (corpus / "guide.txt").write_text((CORPUS / "pm-career-path.txt").read_text(), "utf-8")
    loaded = load_corpus(corpus)
    assert [d.name for d in loaded.documents] == ["guide.txt"]
    assert loaded.skipped == [("passwd.txt", "a link to a file outside the corpus folder")]
