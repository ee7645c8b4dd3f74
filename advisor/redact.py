"""Removing credentials from anything the program shows: errors, notices, logs, JSON, the page.

A URL may carry a password (`http://user:secret@host/v1`) or a token in its query string, and an
exception's text may quote a request's headers or the URL it failed on. Whatever reaches a user
or a log goes through `redact_url` (a URL from the settings) or `scrub_text` (free text).
"""

import logging
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from advisor.config import Settings

MASK = "***"
# The shortest secret worth masking by value: masking 'a' or 'no' would garble the message.
MIN_SECRET_CHARS = 4
MIN_TOKEN_CHARS = 8  # a query value this long is treated as a token ('?format=json' is not)
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+")
_USERINFO = re.compile(r"^[^/?#@\s]*@")
_CRUDE_USERINFO = re.compile(r"(://)[^/?#\s]*@")
# `Authorization: Bearer <token>`, `Basic <base64>`, and `api_key=...`-style assignments.
_SCHEME_TOKEN = re.compile(r"\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
_ASSIGNED = re.compile(
    r"\b((?:api[_-]?key|access[_-]?token|token|password|secret|x-api-key)['\"]?\s*[:=]\s*['\"]?)"
    r"[^\s'\",&}]+",
    re.IGNORECASE,
)
# OpenAI-style keys ('sk-...', 'sk-proj-...') quoted anywhere, even without a label.
_OPENAI_KEY = re.compile(r"\bsk-[A-Za-z0-9_-]{6,}")
# Loggers of the HTTP stack that write request URLs: httpx logs each one, password included,
# at INFO ('HTTP Request: POST http://user:secret@host/v1/...'). A logger's filter is not
# inherited by its children, so each is named.
HTTP_LOGGERS = ("httpx", "httpcore", "openai", "openai._base_client")


def redact_url(url: str) -> str:
    """The URL without its user name, password, query values or fragment."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unclosed '[' of an IPv6 host
        return _crude(url.strip())
    if not parts.netloc:
        # 'user:pw@host:1/v1' has no scheme, so urlsplit sees no host: mask up to the '@'.
        return _crude(_USERINFO.sub(f"{MASK}@", url.strip()))
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{MASK}@{host}" if "@" in parts.netloc else host
    return urlunsplit((parts.scheme, netloc, parts.path, _masked_query(parts.query), ""))


def scrub_text(text: str, secrets: Iterable[str | None] = ()) -> str:
    """The text with known secret values, header tokens, key-like strings and URL credentials
    masked; `secrets` are values to mask wherever they appear (an API key, a password)."""
    for secret in sorted({s for s in secrets if s and len(s) >= MIN_SECRET_CHARS}, key=len)[::-1]:
        text = text.replace(secret, MASK)
    text = _scrub_urls_only(text)
    text = _SCHEME_TOKEN.sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = _ASSIGNED.sub(lambda m: f"{m.group(1)}{MASK}", text)
    return _OPENAI_KEY.sub(f"sk-{MASK}", text)


class RedactingFilter(logging.Filter):
    """Rewrites a log record's message with `scrub_text` before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = scrub_text(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


def redact_http_logs() -> None:
    """Scrub the HTTP stack's log records (idempotent): whoever turns logging on sees no
    credentials."""
    for name in HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


def settings_secrets(settings: Settings) -> list[str]:
    """Every secret value the settings hold, for `scrub_text`: keys, tokens, passwords, and
    the credentials written inside configured URLs."""
    values: list[str] = []
    for name in ("openai_api_key", "judge_api_key", "chroma_auth_token", "serve_auth"):
        value = getattr(settings, name, None)
        if isinstance(value, str) and value:
            values.append(value)
            if name == "serve_auth" and ":" in value:
                values.append(value.partition(":")[2])  # 'user:password': the password alone
    for name in ("openai_base_url", "judge_base_url", "chroma_url"):
        values += _url_credentials(getattr(settings, name, None))
    return values


def _scrub_urls_only(text: str) -> str:
    return _URL.sub(lambda m: redact_url(m.group(0)), text)


def _crude(url: str) -> str:
    """Masking without parsing, for what urlsplit rejects or misreads."""
    head = re.split(r"[?#]", _CRUDE_USERINFO.sub(rf"\1{MASK}@", url), maxsplit=1)[0]
    return f"{head}?{MASK}" if "?" in url else head


def _masked_query(query: str) -> str:
    """Query parameter names stay (they tell what was configured); every value is masked,
    since a token can hide under any name ('?key=', '?sig=', '?code=')."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    if not pairs:
        return MASK
    return urlencode([(name, MASK) for name, _ in pairs], safe="*")


def _url_credentials(url: object) -> list[str]:
    if not isinstance(url, str) or not url:
        return []
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    # The user name is not secret and is often a common word; the password and any long
    # query value (a token) are.
    found = [parts.password] if parts.password else []
    found += [value for _, value in parse_qsl(parts.query) if len(value) >= MIN_TOKEN_CHARS]
    return found
