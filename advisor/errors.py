"""Errors whose messages are fit to show a user, each with a hint on what to do."""


class AdvisorError(Exception):
    """Base class: a problem the user can fix; the CLI maps it to exit code 2."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class ConfigError(AdvisorError):
    """A setting is missing or invalid."""


class CorpusError(AdvisorError):
    """The corpus folder is missing, empty, or holds nothing readable."""


class IndexNotBuiltError(AdvisorError):
    """The index has not been built yet."""


class IndexMismatchError(AdvisorError):
    """The index was built with another embedding model or chunker."""


class InvalidQuestionError(AdvisorError):
    """The question is empty, too long, or otherwise unusable."""


class UnknownRoleError(AdvisorError):
    """A role name matches no level of the ladder."""


class BackendUnavailableError(AdvisorError):
    """The configured language-model backend cannot be reached or is misconfigured."""


class IndexBusyError(AdvisorError):
    """Another process is updating the same index."""


class IndexUnavailableError(AdvisorError):
    """The index exists but cannot be reached now (its Chroma server is down)."""
