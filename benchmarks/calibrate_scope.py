"""Calibrate the scope gate: topic similarity of labelled questions, by group.

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
        gate = wiring.build_advisor(settings, backend="extractive").gate
        groups: dict[tuple[str, str], list[float]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            label, question = line.split("\t", 1)
            d = gate.decide(gate.vocabulary.correct(question))
            if not d.topic:
                group = "role only" if d.roles else "empty"
            elif len(d.unknown) == len(d.topic):
                group = "all words unknown"
            else:
                group = "some unknown" if d.unknown else "all known"
            groups.setdefault((label, group), []).append(d.topic_similarity)
            mark = "ok " if d.in_scope == (label == "in") else "BAD"
            print(f"{mark} {label:3} {group:17} {d.topic_similarity:.2f} {question}")
    print("\nlabel group              n   min   max")
    for (label, group), sims in sorted(groups.items()):
        print(f"{label:5} {group:17} {len(sims):3} {min(sims):.2f}  {max(sims):.2f}")
    print(f"thresholds: all known {gate.threshold:.2f}, some unknown {gate.unknown_threshold:.2f}")


if __name__ == "__main__":
    main()
