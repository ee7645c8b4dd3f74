"""The advisor a page answers with, which `advisor serve` builds while the page is first served.

The page itself needs only the ladders and the backend's name; loading the embedding model and
each ladder's reader is left to a thread, and the first questions wait for it.
"""

from concurrent.futures import Future
from typing import TYPE_CHECKING

from advisor.ladder import CareerLadder

if TYPE_CHECKING:
    from advisor.answering import Advisor


class PendingAdvisor:
    """An advisor being built, and what the page shows before it is: the ladders, the ladder
    shown first, and the backend's name."""

    def __init__(
        self,
        ladders: list[CareerLadder],
        backend: str,
        advisor: "Future[Advisor]",
        shown: CareerLadder | None = None,
    ) -> None:
        # An index with no ladder is answered as one empty ladder, as the advisor does.
        self._ladders = ladders or [CareerLadder([])]
        self.backend = backend
        self.shown = shown or self._ladders[0]
        self._advisor = advisor

    @classmethod
    def ready(cls, advisor: "Advisor") -> "PendingAdvisor":
        """An advisor already built."""
        done: Future[Advisor] = Future()
        done.set_result(advisor)
        return cls([s.ladder for s in advisor.scopes], advisor.backend, done, advisor.ladder)

    def get(self) -> "Advisor":
        """The advisor, waiting for it to be built (and raising what its build raised)."""
        return self._advisor.result()

    @property
    def ladders(self) -> list[CareerLadder]:
        """The ladders loaded now: the advisor's once built (ladders are added and removed
        while serving), else those the page was built with."""
        if self._advisor.done() and self._advisor.exception() is None:
            return [scope.ladder for scope in self._advisor.result().scopes]
        return self._ladders

    @property
    def names(self) -> list[str]:
        return [ladder.name or ladder.source for ladder in self.ladders]
