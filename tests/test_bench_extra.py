"""The bench extra (matplotlib, for `make bench`'s plots) stays out of the product."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_IMPORT = re.compile(r"^\s*(?:import|from)\s+matplotlib\b", re.MULTILINE)


def test_the_product_never_imports_the_bench_extra() -> None:
    sources = [*(ROOT / "advisor").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]
    assert sources
    assert [p.name for p in sources if _IMPORT.search(p.read_text(encoding="utf-8"))] == []
