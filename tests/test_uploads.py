"""Uploaded ladders: names that stay in their folder, kept files, and `advisor index` keeps them."""

import shutil
from pathlib import Path

import pytest

from advisor import wiring
from advisor.cli import main
from advisor.uploads import UploadError, keep, preview, remove, safe_name, uploaded, uploads_dir
from tests.conftest import CORPUS, ROOT, make_settings

LIGHTHOUSE = ROOT / "tests" / "data" / "lighthouse-keeper-ladder.md"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.md", "passwd.md"),
        ("My Ladder (v2).DOCX", "My Ladder -v2.docx"),
        ("..md", "ladder.md"),
        ("nosuffix", "nosuffix"),
    ],
)
def test_upload_names_stay_inside_the_uploads_folder(given: str, kept: str) -> None:
    assert safe_name(given) == kept


def test_kept_ladders_are_indexed_by_advisor_index_and_removed_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "pm-career-path.txt", corpus)
    settings = make_settings(tmp_path, corpus)
    found = preview(LIGHTHOUSE, LIGHTHOUSE.name, settings)
    assert found.report.ladder and len(found.report.levels) == 3
    keep(LIGHTHOUSE, found, settings)
    with pytest.raises(UploadError, match="already added"):
        keep(LIGHTHOUSE, found, settings)
    assert uploaded(settings) == [LIGHTHOUSE.name]
    for name, value in (
        ("ADVISOR_CORPUS_DIR", corpus),
        ("ADVISOR_INDEX_DIR", settings.index_dir),
        ("ADVISOR_DATA_DIR", settings.data_dir),
    ):
        monkeypatch.setenv(name, str(value))
    assert main(["index"]) == 0  # the CLI's run includes the uploads folder
    sources = {s.passage.source for s in wiring.passage_store(settings).stored()}
    assert sources == {"pm-career-path.txt", f"uploads/{LIGHTHOUSE.name}"}
    assert len(wiring.ladders(settings)) == 2
    remove(LIGHTHOUSE.name, settings)
    assert not any(uploads_dir(settings).iterdir())
    assert main(["index"]) == 0
    sources = {s.passage.source for s in wiring.passage_store(settings).stored()}
    assert sources == {"pm-career-path.txt"}
    with pytest.raises(UploadError, match="No uploaded ladder"):
        remove(LIGHTHOUSE.name, settings)
