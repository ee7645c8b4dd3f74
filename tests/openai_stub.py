"""An OpenAI-compatible chat server on loopback whose replies a test scripts: faithful, cut,
hung, flooding, malformed (see `ModelStub.mode`).

It speaks HTTP/1.1 with keep-alive and chunked server-sent events, as real servers do, so the
client reuses its connections and an abandoned stream can hurt the next request the way it
would in production. Requests without "stream" get the same treatment (a hang is a hang).
"""

import http.server
import json
import select
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

FAITHFUL = (
    "Senior PMs mentor junior PMs and guide less experienced colleagues [1]. "
    "They also communicate with executives and stakeholders [2]."
)
REPEATED_LINE = "Senior PMs mentor junior PMs and guide less experienced colleagues [1].\n"
TICK_S = 0.05


def event(content: str | None = None, finish: str | None = None) -> bytes:
    delta = {} if content is None else {"role": "assistant", "content": content}
    chunk = {
        "id": "stub",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "stub",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(chunk)}\n\n".encode()


DONE = b"data: [DONE]\n\n"


class ModelStub:
    """What the server does next, shared with its handler threads."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.closing = threading.Event()
        self.requests = 0
        self.open_streams = 0  # replies still being written: the client has not hung up


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so the client pools and reuses connections
    stub: ModelStub

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.stub.requests += 1
        try:
            self._reply(self.stub.mode)
        except OSError:
            self.close_connection = True  # the client hung up: what it should do on a fault

    def _reply(self, mode: str) -> None:
        if mode == "hang":
            self._wait_for_hang_up()
            return
        if mode == "500":
            self._json(500, {"error": {"message": "boom"}})
            return
        self._start_stream()
        handlers: dict[str, Callable[[], None]] = {
            "ok": lambda: self._send(event(FAITHFUL), event(finish="stop"), DONE),
            "no-finish": lambda: self._send(event(FAITHFUL), DONE),
            "ended": lambda: self._send(event("Senior PMs mentor junior PMs [1].")),
            "huge": lambda: self._send(event("x" * 1_000_000), event(finish="stop"), DONE),
            "flood": self._flood,
            "malformed": lambda: self._send(b"data: {not json\n\n", DONE),
            "keep-alive": lambda: self._forever(b": ping\n\n"),
            "trickle": lambda: self._forever(event("and ")),
            "repeat": lambda: self._forever(event(REPEATED_LINE)),
        }
        if mode in ("dropped", "stall"):
            self._chunk(event("Senior PMs mentor junior PMs"))
            if mode == "stall":
                self._wait_for_hang_up()
            self.connection.shutdown(socket.SHUT_RDWR)  # mid-body, before the end marker
            self.close_connection = True
            return
        handlers[mode]()
        self.wfile.write(b"0\r\n\r\n")  # the end of the chunked body

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _send(self, *events: bytes) -> None:
        for data in events:
            self._chunk(data)

    def _forever(self, data: bytes) -> None:
        self.stub.open_streams += 1
        try:
            while not self.stub.closing.wait(TICK_S):
                self._chunk(data)
        finally:
            self.stub.open_streams -= 1

    def _flood(self) -> None:
        for _ in range(1000):
            self._chunk(event("y" * 1000))
        self._send(event(finish="stop"), DONE)

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _wait_for_hang_up(self) -> None:
        """Say nothing until the client closes the connection (or the test ends)."""
        # poll, not select: select() cannot watch a descriptor numbered past 1023, which a
        # long test session reaches.
        watcher = select.poll()
        watcher.register(self.connection, select.POLLIN)
        while not self.stub.closing.wait(TICK_S):
            readable = watcher.poll(0)
            if readable and not self.connection.recv(1, socket.MSG_PEEK):
                return

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serve_stub() -> Iterator[tuple[str, ModelStub]]:
    """A stub server on a free loopback port: its /v1 URL and its controls; stopped at exit."""
    stub = ModelStub()
    handler = type("Handler", (_Handler,), {"stub": stub})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", stub
    finally:
        stub.closing.set()
        server.shutdown()
        server.server_close()
