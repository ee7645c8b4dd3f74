"""Calibrate the coverage decision: topic similarity of each ask of labelled questions, by group.

Run: .venv/bin/python benchmarks/calibrate_scope.py [evals/calibration.tsv]
Each line of the file is "in<TAB>question" or "out<TAB>question". Prints every question's topic,
unknown words and similarity, then per group the range, so thresholds can sit in the gaps.
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import advisor  # noqa: E402,F401
from advisor import wiring  # noqa: E402
from advisor.config import Settings  # noqa: E402
from advisor.indexing import update_index  # noqa: E402


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "evals" / "calibration.tsv"
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp), corpus_dir=ROOT / "corpus", show_progress=False)
        update_index(settings.corpus_dir, wiring.passage_store(settings), wiring.embedder())
        reader = wiring.build_advisor(settings, backend="extractive").reader
        groups: dict[tuple[str, str], list[float]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            label, question = line.split("\t", 1)
            reading = reader.read(question)
            for read in reading.asks:
                c = read.coverage
                if not c.topic:
                    group = "no topic"
                else:
                    group = "strange words" if c.strange else "known words"
                groups.setdefault((label, group), []).append(c.similarity)
            mark = "ok " if bool(reading.covered) == (label == "in") else "BAD"
            print(f"{mark} {label:3} {question}")
    print("\nlabel group              n   min   max")
    for (label, group), sims in sorted(groups.items()):
        print(f"{label:5} {group:17} {len(sims):3} {min(sims):.2f}  {max(sims):.2f}")
    u = reader.understanding
    print(f"thresholds: known words {u.threshold:.2f}, strange words {u.strange_threshold:.2f}")


if __name__ == "__main__":
    main()
