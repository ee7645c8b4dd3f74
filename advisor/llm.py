"""Language-model backends behind one small protocol, chosen by configuration.

Every backend is an OpenAI-style chat endpoint driven through llama-index's LLM classes: the
embedded local model is llama.cpp's OpenAI-compatible server running in this process, so it is
exercised exactly like Ollama, vLLM or the OpenAI API.
"""

import json
import time
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from urllib.parse import urlparse

import httpx

from advisor.config import Settings
from advisor.errors import BackendUnavailableError, ConfigError
from advisor.llm_reply import Reply, ReplyFault, remember_response
from advisor.redact import redact_http_logs, redact_url

Role = Literal["system", "user", "assistant"]
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
DEFAULT_COMPATIBLE_MODEL = "default"
# Characters a reply may have per requested token before it counts as runaway: a server that
# ignores max_tokens could send megabytes, and the checks after the stream grow with its length.
REPLY_CHARS_PER_TOKEN = 12
MIN_REPLY_CHARS = 2000


@dataclass(frozen=True)
class ChatTurn:
    role: Role
    content: str


class BackendFailure(Exception):
    """The model could not produce an answer this time (down, timeout, 5xx, garbage)."""


class ChatModel(Protocol):
    """A chat model that streams its reply as text deltas."""

    name: str

    def stream(self, turns: list[ChatTurn]) -> Generator[str, None, None]:
        """The reply's text pieces; closing the generator early ends the reply (and its
        connection) at once, so a caller that stops reading must close it."""
        ...


class LlamaIndexChatModel:
    """A llama-index LLM (OpenAI or OpenAILike) with errors sorted into config vs. failure."""

    def __init__(
        self,
        name: str,
        llm: Any,
        where: str,
        deadline_s: float,
        max_reply_chars: int,
        http_client: httpx.Client | None = None,
    ) -> None:
        self.name = name
        self.llm = llm
        self.where = where  # already free of credentials: it is shown to the user
        self.deadline_s = deadline_s
        self.max_reply_chars = max_reply_chars
        self.http_client = http_client

    def close(self) -> None:
        """Close the pooled connections (a process that serves keeps them for its lifetime)."""
        if self.http_client is not None:
            self.http_client.close()

    def stream(self, turns: list[ChatTurn]) -> Generator[str, None, None]:
        from llama_index.core.llms import ChatMessage

        messages = [ChatMessage(role=t.role, content=t.content) for t in turns]
        # One deadline for the whole reply: the client's timeout only bounds each read.
        deadline = time.monotonic() + self.deadline_s
        reply = Reply(self.max_reply_chars)
        try:
            reply.start(self.llm, messages)
            yield from reply.pieces(deadline, self._timed_out)
        except (BackendFailure, ConfigError):
            raise
        except ReplyFault as exc:
            raise BackendFailure(f"the {self.name} model's {exc}") from exc
        except Exception as exc:
            raise classify_error(exc, self.name, self.where) from exc
        finally:
            reply.stop()  # a no-op for a finished reply; ends an abandoned one now

    def _timed_out(self) -> BackendFailure:
        return BackendFailure(f"the {self.name} model timed out after {self.deadline_s:g} s")


class LazyLocalChatModel:
    """The embedded model, loaded on the first question that reaches it (not for refusals,
    plans or a process that never asks), then shared by the whole process."""

    name = "local"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._model: LlamaIndexChatModel | None = None

    @property
    def llm(self) -> Any:
        """The llama-index LLM (starts the server); the eval's baseline drives it directly."""
        return self._load().llm

    @property
    def loaded(self) -> bool:
        """Whether the model's server has started (for /healthz; asking does not start it)."""
        return self._model is not None

    def stream(self, turns: list[ChatTurn]) -> Generator[str, None, None]:
        return self._load().stream(turns)

    def close(self) -> None:
        if self._model is not None:
            self._model.close()

    def _load(self) -> "LlamaIndexChatModel":
        if self._model is None:
            from advisor.local_model import shared_server

            server = shared_server(self.settings.local_threads, self.settings.local_context)
            self._model = _openai_like(self.settings, "local", server.base_url, "none", "local")
        return self._model


def classify_error(exc: Exception, backend: str, where: str) -> Exception:
    """A wrong key, URL or model is the user's to fix (ConfigError); the rest is a failure."""
    import openai

    if isinstance(exc, httpx.TimeoutException):
        return BackendFailure(f"the {backend} model timed out")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return ConfigError(
            f"The {backend} backend rejected the API key ({where}).",
            "Check OPENAI_API_KEY, or choose another backend with ADVISOR_LLM.",
        )
    if isinstance(exc, openai.NotFoundError):
        return ConfigError(
            f"The {backend} backend at {where} has no such endpoint or model.",
            "Check OPENAI_BASE_URL (it usually ends in /v1) and ADVISOR_LLM_MODEL.",
        )
    if isinstance(exc, openai.APITimeoutError):
        return BackendFailure(f"the {backend} model timed out")
    if isinstance(exc, openai.APIConnectionError):
        return BackendFailure(f"the {backend} model at {where} is not reachable")
    if isinstance(exc, openai.APIStatusError):
        return BackendFailure(f"the {backend} model returned HTTP {exc.status_code}")
    if isinstance(exc, openai.APIError):  # an error event inside the stream
        return BackendFailure(f"the {backend} model reported an error")
    if isinstance(exc, httpx.TransportError):
        # Errors before the response are wrapped by openai (above); a bare one is mid-stream.
        return BackendFailure(f"the {backend} model's reply was cut off")
    if isinstance(exc, json.JSONDecodeError):
        return BackendFailure(f"the {backend} model's reply was malformed")
    return BackendFailure(f"the {backend} model failed ({type(exc).__name__})")


def resolve_backend(settings: Settings) -> str:
    """The backend ADVISOR_LLM names; `auto` picks compatible > openai > local > extractive."""
    if settings.llm != "auto":
        return settings.llm
    if settings.openai_base_url:
        return "openai-compatible"
    if settings.openai_api_key:
        return "openai"
    from advisor.local_model import local_model_installed

    return "local" if local_model_installed() else "extractive"


def build_chat_model(settings: Settings, backend: str) -> ChatModel | None:
    """The chat model for a backend name; None for extractive."""
    match backend:
        case "extractive":
            return None
        case "local":
            from advisor.local_model import local_model_installed, part_paths

            if not local_model_installed():
                part_paths()  # raises BackendUnavailableError with the install hint
            return LazyLocalChatModel(settings)
        case "openai-compatible":
            url = settings.openai_base_url
            if not url or urlparse(url).scheme not in ("http", "https") or not urlparse(url).netloc:
                shown = redact_url(url) if url else url
                raise ConfigError(
                    f"OPENAI_BASE_URL={shown!r} is not an http(s) URL.",
                    "Set it to your server's OpenAI-compatible root, e.g. "
                    "http://127.0.0.1:11434/v1 for Ollama.",
                )
            model = settings.llm_model or DEFAULT_COMPATIBLE_MODEL
            return _openai_like(
                settings, "openai-compatible", url, settings.openai_api_key or "none", model
            )
        case "openai":
            if not settings.openai_api_key:
                raise ConfigError(
                    "ADVISOR_LLM=openai needs an API key.",
                    "Set OPENAI_API_KEY, or use ADVISOR_LLM=local for the embedded model.",
                )
            from llama_index.llms.openai import OpenAI

            client = _http_client()
            llm = OpenAI(
                model=settings.llm_model or DEFAULT_OPENAI_MODEL,
                api_key=settings.openai_api_key,
                temperature=settings.llm_temperature,
                max_tokens=settings.llm_max_tokens,
                timeout=settings.llm_timeout_s,
                max_retries=settings.llm_retries,
                http_client=client,
            )
            return LlamaIndexChatModel(
                "openai",
                llm,
                "the OpenAI API",
                settings.llm_timeout_s,
                reply_limit(settings),
                client,
            )
    raise BackendUnavailableError(f"Unknown backend {backend!r}.", "Use one of: " + _choices())


def _openai_like(
    settings: Settings, name: str, url: str, key: str, model: str
) -> "LlamaIndexChatModel":
    from llama_index.llms.openai_like import OpenAILike

    client = _http_client()
    llm = OpenAILike(
        model=model,
        api_base=url,
        api_key=key,
        is_chat_model=True,
        context_window=settings.local_context,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_retries,
        http_client=client,
    )
    return LlamaIndexChatModel(
        name, llm, redact_url(url), settings.llm_timeout_s, reply_limit(settings), client
    )


def reply_limit(settings: Settings) -> int:
    """The most characters a reply may have (see REPLY_CHARS_PER_TOKEN)."""
    return max(MIN_REPLY_CHARS, REPLY_CHARS_PER_TOKEN * settings.llm_max_tokens)


def _http_client() -> httpx.Client:
    """The OpenAI client's own defaults, plus the hook that lets a reply reach its response
    (to end it at the deadline) without waiting on the client's locks."""
    from openai import DefaultHttpxClient

    redact_http_logs()  # httpx logs every request's URL, password included
    return DefaultHttpxClient(event_hooks={"response": [remember_response]})


def _choices() -> str:
    return "auto, local, openai, openai-compatible, extractive."
