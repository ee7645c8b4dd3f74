"""Download folders (plans, check-in exports) do not outlive the process that offered them."""

import gc
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from advisor.config import Settings
from ui.downloads import download_folder

ROOT = Path(__file__).resolve().parent.parent


def test_a_download_folder_is_removed_with_its_owner() -> None:
    class Owner:
        pass

    owner = Owner()
    folder = download_folder(owner, "advisor-test-")
    (folder / "career-plan.md").write_text("# plan", encoding="utf-8")
    assert folder.is_dir()
    del owner
    gc.collect()
    assert not folder.exists()


def test_a_served_page_leaves_no_download_folders_behind(
    guide_settings: Settings, tmp_path: Path
) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from advisor import wiring
        from advisor.config import Settings
        from advisor.records import Records
        from ui.app import build_app

        settings = Settings(
            corpus_dir=Path({str(guide_settings.corpus_dir)!r}),
            index_dir=Path({str(guide_settings.index_dir)!r}),
            llm="extractive",
            show_progress=False,
        )
        records = Records("sqlite:///{tmp_path / "records.db"}")
        app = build_app(wiring.build_advisor(settings), records=records)
        made = sorted(p.name.split("-")[1] for p in Path({str(temp)!r}).glob("advisor-*"))
        assert made == ["checkins", "plans"], made
        (next(Path({str(temp)!r}).glob("advisor-plans-*")) / "career-plan.md").write_text("x")
        """
    )
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert [p.name for p in temp.iterdir() if p.name.startswith("advisor-")] == []
