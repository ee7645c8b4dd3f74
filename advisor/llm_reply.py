"""Reading one streamed model reply under a wall-clock deadline, and always closing it.

The HTTP client's timeout bounds each read, not the reply: a server that sends only keep-alive
comments (which the OpenAI client skips without returning) or trickles tokens forever would hold
an answer indefinitely. So a worker thread reads the reply and hands each piece over a queue;
the caller waits on the queue no longer than the time left, and stops the reply when it gives up.

Stopping never waits on a lock of the HTTP client: it shuts the socket down (which wakes the
worker's blocked read) and flags the reply, and the worker closes the response itself, in its
own thread. Leaving an abandoned stream to the garbage collector is what made a later request
hang: the collector closed it at an arbitrary moment, inside the connection pool's lock held by
the same thread.
"""

import contextlib
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

_ENDED = object()  # the reply ended with a finish reason: it is complete
_current = threading.local()  # the reply the calling thread is reading, for the response hook


class ReplyFault(Exception):
    """The reply itself is unusable, though the HTTP exchange went fine; the message completes
    "the model's ..." ("reply was cut off")."""


class _Stopped(Exception):
    """Raised inside the worker's read once the caller has given up on the reply."""


class Reply:
    """One reply being read by a worker thread; the caller iterates over `pieces`."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.items: queue.Queue[object] = queue.Queue()
        self.stopped = False
        self._response: httpx.Response | None = None
        self._released = False
        # Held only briefly: by `stop` (never waiting) and by the response's close.
        self._guard = threading.RLock()

    def pieces(self, deadline: float, timed_out: Callable[[], Exception]) -> Iterator[str]:
        """The reply's text pieces until it ends; raises what went wrong, `timed_out()` at the
        deadline."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise timed_out()
            try:
                item = self.items.get(timeout=remaining)
            except queue.Empty:
                raise timed_out() from None
            if item is _ENDED:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, str)
            yield item

    def start(self, llm: Any, messages: list[Any]) -> None:
        """Start reading `llm.stream_chat(messages)` in a daemon worker thread (daemon: a
        worker still waiting on a silent server must not keep the program from exiting)."""
        worker = threading.Thread(
            target=read_reply, args=(llm, messages, self), name="model-reply", daemon=True
        )
        worker.start()

    def attach(self, response: httpx.Response) -> None:
        """Called in the worker thread once the response's headers have arrived."""
        response.stream = _StoppableStream(response.stream, self)
        self._response = response
        if self.stopped:
            self._shut_down()

    def stop(self) -> None:
        """Give up on the reply; safe from any thread and any moment (the garbage collector)."""
        self.stopped = True
        self._shut_down()

    def release(self) -> None:
        """The response is being closed, which may hand its connection to another request:
        from now on its socket is no longer this reply's to shut down."""
        with self._guard:
            self._released = True

    def close_response(self) -> None:
        if self._response is not None:
            self._response.close()

    def _shut_down(self) -> None:
        # Never wait for the guard: if the worker holds it, the response is being closed anyway.
        if not self._guard.acquire(blocking=False):
            return
        try:
            if self._response is not None and not self._released:
                _shut_down_socket(self._response)
        finally:
            self._guard.release()


class _StoppableStream(httpx.SyncByteStream):
    """The response body, ending as soon as the reply is stopped (a keep-alive ping or any
    other bytes wake the read) and telling the reply when it is closed."""

    def __init__(self, inner: Any, reply: Reply) -> None:
        self.inner = inner
        self.reply = reply

    def __iter__(self) -> Iterator[bytes]:
        for part in self.inner:
            if self.reply.stopped:
                raise _Stopped
            yield part

    def close(self) -> None:
        self.reply.release()
        self.inner.close()


def _shut_down_socket(response: httpx.Response) -> None:
    """Wake a read blocked on this response's connection (it then sees the end of the data)."""
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if isinstance(sock, socket.socket):
        # Already closed or never connected (OSError): nothing is left to wake. The plain
        # socket's shutdown also for TLS: ssl.SSLSocket.shutdown would drop the TLS state under
        # the worker's feet.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def remember_response(response: httpx.Response) -> None:
    """An httpx response hook: a streamed reply read by `read_reply` learns its response."""
    reply = getattr(_current, "reply", None)
    if isinstance(reply, Reply):
        reply.attach(response)


def read_reply(llm: Any, messages: list[Any], reply: Reply) -> None:
    """The worker: put each text piece, then the end marker or the fault, on the queue."""
    _current.reply = reply
    chunks = None
    try:
        chunks = llm.stream_chat(messages)
        reply.items.put(_ENDED if _pump(chunks, reply) else ReplyFault("reply was cut off"))
    except _Stopped:
        pass  # nobody is waiting any more
    except Exception as exc:
        reply.items.put(exc)
    finally:
        _current.reply = None
        _close_quietly(chunks, reply)


def _pump(chunks: Iterator[Any], reply: Reply) -> bool:
    """Queue the chunks' text; True if the reply ended with a finish reason (complete)."""
    finished = False
    size = 0
    for chunk in chunks:
        if reply.stopped:
            raise _Stopped
        delta = chunk.delta or ""
        size += len(delta)
        if size > reply.max_chars:
            reply.items.put(ReplyFault(f"reply was longer than {reply.max_chars} characters"))
            raise _Stopped
        if delta:
            reply.items.put(delta)
        finished = finished or _finish_reason(chunk) is not None
    return finished


def _finish_reason(chunk: Any) -> str | None:
    """The finish reason of an OpenAI chat-completion chunk, if it carries one: only the last
    chunk of a complete reply does ('stop', 'length', ...)."""
    for choice in getattr(getattr(chunk, "raw", None), "choices", None) or []:
        reason = getattr(choice, "finish_reason", None)
        if reason:
            return str(reason)
    return None


def _close_quietly(chunks: Any, reply: Reply) -> None:
    """Close the llama-index generator and the HTTP response now, in this thread."""
    # Closing a broken stream may raise; the response is closed regardless.
    with contextlib.suppress(Exception):
        if chunks is not None:
            chunks.close()
    with contextlib.suppress(Exception):
        reply.close_response()
