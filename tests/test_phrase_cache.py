"""The phrase-vector cache: texts embedded once, read back at the next start, never stale."""

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from advisor import wiring
from advisor.config import Settings
from advisor.embedding import Vectors
from advisor.phrase_cache import CACHE_FILE, PhraseCache


class CountingEmbedder:
    """A fake embedder that records how many texts it was asked to embed."""

    model_id = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.calls += len(texts)
        rng = [np.random.default_rng(sum(map(ord, t))) for t in texts]
        return (
            np.stack([r.random(384, dtype=np.float32) for r in rng])
            if texts
            else np.zeros((0, 384), np.float32)
        )


def test_a_saved_cache_serves_the_same_texts_without_embedding(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    first, embedder = PhraseCache(path, "counting"), CountingEmbedder()
    wanted = first.embed(embedder, ["lights the lamp", "keeps the log", "lights the lamp"])
    assert embedder.calls == 2 and np.allclose(wanted[0], wanted[2])
    first.save()
    again, fresh = PhraseCache(path, "counting"), CountingEmbedder()
    got = again.embed(fresh, ["keeps the log", "lights the lamp"])
    assert fresh.calls == 0 and np.allclose(got, wanted[[1, 0]])
    # Only what was used is kept: a text no longer asked for is dropped at the next save.
    again.save()
    third = PhraseCache(path, "counting")
    third.embed(fresh, ["keeps the log"])
    assert fresh.calls == 0


def test_another_model_or_a_damaged_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    cache = PhraseCache(path, "counting")
    cache.embed(CountingEmbedder(), ["lights the lamp"])
    cache.save()
    other = CountingEmbedder()
    PhraseCache(path, "another-model").embed(other, ["lights the lamp"])
    assert other.calls == 1
    path.write_bytes(b"not an npz")
    broken = CountingEmbedder()
    PhraseCache(path, "counting").embed(broken, ["lights the lamp"])
    assert broken.calls == 1


def test_the_advisor_writes_the_cache_and_answers_the_same_from_it(
    guide_settings: Settings,
) -> None:
    path = guide_settings.index_dir / CACHE_FILE
    path.unlink(missing_ok=True)
    first = wiring.build_advisor(guide_settings)
    assert not path.exists()  # a ladder's phrases are embedded when it is first read
    questions = ("What does a Senior PM do?", "wht skils dose a sr pm need", "Salary?")
    answers = [first.ask(question) for question in questions]
    assert path.exists()
    second = wiring.build_advisor(guide_settings)
    for question, a in zip(questions, answers, strict=True):
        b = second.ask(question)
        assert (a.answer, a.refused) == (b.answer, b.refused)


def test_ladders_read_one_at_a_time_keep_every_vector(tmp_path: Path) -> None:
    """Saved without pruning (a ladder built later still needs its vectors), then pruned."""
    path = tmp_path / CACHE_FILE
    cache, embedder = PhraseCache(path, "counting"), CountingEmbedder()
    cache.embed(embedder, ["first ladder's phrase", "shared phrase"])
    cache.save()
    later = PhraseCache(path, "counting")
    later.embed(embedder, ["second ladder's phrase"])
    later.save(prune=False)
    again, fresh = PhraseCache(path, "counting"), CountingEmbedder()
    again.embed(fresh, ["first ladder's phrase", "shared phrase", "second ladder's phrase"])
    assert fresh.calls == 0
