"""The gunicorn worker of `timeline serve`: gthread, except that a request's head and body are read
by the worker's event loop, without a thread, and within deadlines.

Why: gunicorn's gthread worker hands a connection to a thread as soon as its first byte arrives,
and the thread then reads the headers and the body with no time limit. 16 clients that send half
a header line and stop (or a body a byte a minute) held every thread of a 2x8 server, and no one
else got an answer for as long as they liked (issue 15). Here the event loop gathers the whole
request (head, then a Content-Length or chunked body) into memory first, non-blocking, and only a
complete request takes a thread, which then parses it from memory with gunicorn's own parser (so
its 400/414/431 answers, keep-alive, graceful stop and hooks are unchanged). A request whose head
is not in within TIMELINE_HEADER_TIMEOUT seconds (default 10) of its first byte, or whose body is
not in within TIMELINE_BODY_TIMEOUT (default 30) of its head, is answered 408 and closed. A
closed-after-answer connection lingers in the loop, not in a thread and not blocking the loop
(gunicorn's own graceful close waits up to 2 s for the peer on the loop's thread).

Chosen over waitress (half the throughput, FACTS.md, one process: --workers and the multiprocess
metrics would go), an asyncio front (one more hop per request) and async workers (gevent,
uvicorn + an adapter: new dependencies, and the app's threads and SSE streams would change).
"""

from __future__ import annotations

import errno
import json
import os
import selectors
import socket
import time
from functools import partial

from gunicorn.workers.gthread import ThreadWorker

HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 30.0
MAX_HEAD = 1024 * 1024  # beyond gunicorn's own limits (100 fields x 8190): it answers 431
LINGER = 2.0  # seconds a closed-for-writing connection may take to close its side
_CHUNK_LINE = 4096  # longest chunk-size line (with extensions) we wait for


def _seconds(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


class RequestBytes:
    """The bytes of one HTTP/1.x request as they arrive, scanned once: `state` is "head" until
    the blank line, then "body" until the body's framing ends, then "done". "dispatch" means:
    hand it over now, unread part and all (a malformed or oversized request: the app or
    gunicorn's parser answers it with a 4xx and the connection closes)."""

    def __init__(self, max_body: int, data: bytes = b""):
        self.max_body = max_body
        self.data = bytearray()
        self.state = "head"
        self.head_end = 0
        self.expect_continue = False
        self.oversize = False
        self._scan = 0          # where the next look for the blank line / chunk line starts
        self._length = 0        # Content-Length body: bytes still expected
        self._chunked = False
        self._phase = "size"    # chunked: size | data | crlf | trailer
        self._chunk_left = 0
        self._decoded = 0
        if data:
            self.feed(data)

    def feed(self, chunk: bytes) -> str:
        self.data += chunk
        if self.state == "head":
            self._read_head()
        if self.state == "body":
            self._read_body()
        return self.state

    def _read_head(self) -> None:
        start = max(0, self._scan - 3)
        end = self.data.find(b"\r\n\r\n", start)
        if end < 0:
            self._scan = len(self.data)
            if len(self.data) > MAX_HEAD:
                self.state = "dispatch"
            return
        self.head_end = end + 4
        self._scan = self.head_end
        lines = bytes(self.data[:end]).split(b"\r\n")
        http11 = lines[0].rstrip().endswith(b"HTTP/1.1")
        lengths, codings = [], []
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                lengths.append(value.strip())
            elif name == b"transfer-encoding":
                codings += [c.strip().lower() for c in value.split(b",")]
            elif name == b"expect" and value.strip().lower() == b"100-continue":
                self.expect_continue = http11
        if codings:
            if codings[-1] != b"chunked" or lengths:
                self.state = "dispatch"  # gunicorn refuses it (400): no need for the body
                return
            self._chunked = True
            self.state = "body"
        elif lengths:
            if len(lengths) > 1 or not lengths[0].isdigit():
                self.state = "dispatch"
                return
            self._length = int(lengths[0])
            if self._length > self.max_body:
                self.oversize = True  # the app answers 413 without reading it
                self.state = "dispatch"
                return
            self.state = "body"
        else:
            self.state = "done"  # no body
            return

    def _read_body(self) -> None:
        if not self._chunked:
            if len(self.data) - self.head_end >= self._length:
                self.state = "done"
            return
        data, pos = self.data, self._scan
        while True:
            if self._phase == "size":
                eol = data.find(b"\r\n", pos)
                if eol < 0:
                    if len(data) - pos > _CHUNK_LINE:
                        self.state = "dispatch"
                    break
                size = bytes(data[pos:eol]).split(b";")[0].strip()
                try:
                    self._chunk_left = int(size, 16)
                except ValueError:
                    self.state = "dispatch"  # gunicorn's InvalidChunkSize: the app's 400
                    break
                pos = eol + 2
                if self._chunk_left == 0:
                    self._phase = "trailer"
                else:
                    self._decoded += self._chunk_left
                    if self._decoded > self.max_body:
                        self.oversize = True
                        self.state = "dispatch"
                        break
                    self._phase = "data"
            elif self._phase == "data":
                take = min(self._chunk_left, len(data) - pos)
                pos += take
                self._chunk_left -= take
                if self._chunk_left:
                    break
                self._phase = "crlf"
            elif self._phase == "crlf":
                if len(data) - pos < 2:
                    break
                if data[pos:pos + 2] != b"\r\n":
                    self.state = "dispatch"
                    break
                pos += 2
                self._phase = "size"
            else:  # trailer: header lines until an empty one
                eol = data.find(b"\r\n", pos)
                if eol < 0:
                    if len(data) - pos > _CHUNK_LINE:
                        self.state = "dispatch"
                    break
                empty = eol == pos
                pos = eol + 2
                if empty:
                    self.state = "done"
                    break
        self._scan = pos


class DeadlineSocket:
    """What gunicorn's parser reads from after the request was gathered: the socket, but a read
    that would wait past the request's deadline raises socket.timeout (only an oversized or
    malformed request, handed over unread, ever reads from the socket itself)."""

    def __init__(self, sock: socket.socket, deadline: float):
        self.sock, self.deadline = sock, deadline

    def recv(self, size: int) -> bytes:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("request read deadline passed")
        with selectors.DefaultSelector() as sel:
            sel.register(self.sock, selectors.EVENT_READ)
            if not sel.select(remaining):
                raise socket.timeout("request read deadline passed")
        return self.sock.recv(size)

    def gettimeout(self):
        return self.sock.gettimeout()

    def settimeout(self, value) -> None:
        self.sock.settimeout(value)


def _timeout_answer(detail: str) -> bytes:
    body = json.dumps({"type": "about:blank", "title": "Request Timeout", "status": 408,
                       "detail": detail}).encode()
    return (b"HTTP/1.1 408 Request Timeout\r\nContent-Type: application/problem+json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)


class BufferingWorker(ThreadWorker):
    """gthread with requests gathered by the event loop (see the module's docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.header_timeout = _seconds("TIMELINE_HEADER_TIMEOUT", HEADER_TIMEOUT)
        self.body_timeout = _seconds("TIMELINE_BODY_TIMEOUT", BODY_TIMEOUT)
        self.max_body = int(os.environ.get("TIMELINE_MAX_BODY", 1024 * 1024))
        self.reading: set = set()    # connections whose request is being gathered
        self.lingering: set = set()  # answered, closed for writing, waiting for the peer's FIN

    # -- gathering ---------------------------------------------------------------------------
    def enqueue_req(self, conn):
        """Every path to a thread comes here (new, kept-alive and pipelined connections): only a
        gathered request goes on to the pool."""
        if getattr(conn, "gathered", False):
            conn.gathered = False
            return super().enqueue_req(conn)
        pending = b""
        if conn.parser is not None:  # bytes a previous request's read took past its end
            pending = conn.parser.unreader.take_buffered()
        conn.request = RequestBytes(self.max_body)
        conn.first_byte = None
        conn.deadline = time.monotonic() + self.cfg.keepalive if conn.parser else \
            time.monotonic() + self.header_timeout
        conn.sock.setblocking(False)
        conn.registered = False
        self.reading.add(conn)
        if pending and self._take(conn, pending):
            return None
        # The request is often there already (a kept-alive connection woke the poller, a new
        # one sent at once): read it now rather than after one more turn of the poller.
        if self.on_request_bytes(conn, conn.sock) or conn not in self.reading:
            return None
        conn.registered = True
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_request_bytes, conn))
        return None

    def on_request_bytes(self, conn, sock) -> bool:
        """Reads what the client has sent; True once the request went on to a thread."""
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            data = b""
        if not data:  # the client went away before its request was in
            self._drop(conn)
            return False
        return self._take(conn, data)

    def _take(self, conn, data: bytes) -> bool:
        request = conn.request
        before = request.state
        if conn.first_byte is None:
            conn.first_byte = time.monotonic()
            conn.deadline = conn.first_byte + self.header_timeout
        state = request.feed(data)
        if before == "head" and state != "head":
            conn.deadline = time.monotonic() + self.body_timeout
            if state == "body" and request.expect_continue:
                # The client waits for this before sending the body; gunicorn would send it
                # only once a thread had the request, which now needs the body first.
                try:
                    conn.sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
                except OSError:
                    pass
        if state in ("done", "dispatch"):
            self._dispatch(conn)
            return True
        return False

    def _dispatch(self, conn) -> None:
        self._unregister(conn)
        self.reading.discard(conn)
        request = conn.request
        conn.init()  # creates the parser of a new connection (and sets the socket blocking)
        conn.parser.unreader.unread(bytes(request.data))
        deadline = max(conn.deadline, time.monotonic() + 1.0)
        reader = conn.parser.unreader
        if isinstance(reader.sock, DeadlineSocket):
            reader.sock.deadline = deadline
        else:
            reader.sock = DeadlineSocket(reader.sock, deadline)
        conn.skip_continue = request.expect_continue and (request.state == "done"
                                                          or request.oversize)
        conn.oversize = request.oversize
        conn.data_ready = True
        conn.gathered = True
        self.enqueue_req(conn)

    def _unregister(self, conn) -> None:
        if getattr(conn, "registered", False):
            conn.registered = False
            try:
                self.poller.unregister(conn.sock)
            except (KeyError, ValueError, OSError):
                pass

    def _drop(self, conn) -> None:
        self._unregister(conn)
        self.reading.discard(conn)
        self.lingering.discard(conn)
        self.nr_conns -= 1
        conn.close()

    # -- in the thread -----------------------------------------------------------------------
    def handle_request(self, req, conn):
        if getattr(conn, "skip_continue", False):
            req._expected_100_continue = False  # already sent by the loop, or not wanted (413)
        return super().handle_request(req, conn)

    def _keepalive_after(self, conn, keepalive):
        if getattr(conn, "oversize", False):
            return False  # its unread body is not drained by a thread: the connection closes
        return super()._keepalive_after(conn, keepalive)

    # -- after the answer --------------------------------------------------------------------
    def finish_request(self, conn, fs):
        try:
            result = fs.result() if not fs.cancelled() else False
        except Exception:
            result = False
        if result:
            return super().finish_request(conn, fs)
        self._linger(conn)
        return None

    def _linger(self, conn) -> None:
        """Close after the answer without waiting on the loop's thread: half-close, then let
        the loop read what the peer still sends until it closes, for LINGER seconds at most."""
        try:
            conn.sock.setblocking(False)
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self.nr_conns -= 1
            conn.close()
            return
        conn.deadline = time.monotonic() + LINGER
        conn.drained = 0
        self.lingering.add(conn)
        conn.registered = True
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_linger_bytes, conn))

    def on_linger_bytes(self, conn, sock):
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        conn.drained += len(data)
        if not data or conn.drained > 1024 * 1024:
            self._drop(conn)

    # -- deadlines ---------------------------------------------------------------------------
    def murder_keepalived(self, force=False):
        super().murder_keepalived(force)
        now = time.monotonic()
        for conn in [c for c in self.lingering if force or c.deadline <= now]:
            self._drop(conn)
        for conn in [c for c in self.reading if force or c.deadline <= now]:
            if conn.first_byte is None:
                self._drop(conn)  # an idle connection: closed without a word, as gunicorn does
                continue
            self._unregister(conn)
            self.reading.discard(conn)
            what = "headers" if conn.request.state == "head" else "body"
            limit = self.header_timeout if what == "headers" else self.body_timeout
            try:
                conn.sock.send(_timeout_answer(
                    f"the request's {what} did not arrive within {limit:g} s"))
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EPIPE, errno.ECONNRESET):
                    self.log.debug("408 not sent: %s", e)
            self._linger(conn)
