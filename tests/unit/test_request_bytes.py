"""The request gatherer of `timeline serve` (timeline/serving.py): when a request's bytes are all
in, fed however they arrive, and which requests are handed over at once."""

from __future__ import annotations

import pytest

from timeline.serving import RequestBytes

LIMIT = 1000


def feed_bytewise(data: bytes) -> list[str]:
    request = RequestBytes(LIMIT)
    return [request.feed(data[i:i + 1]) for i in range(len(data))]


@pytest.mark.parametrize("raw", [
    b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
    b"POST / HTTP/1.1\r\ncontent-length:  5 \r\n\r\nhello",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
], ids=["no-body", "length", "length-spaces", "chunked-ext", "chunked-trailer", "gzip-chunked"])
def test_a_request_is_done_exactly_at_its_last_byte_however_it_arrives(raw):
    states = feed_bytewise(raw)
    assert states[-1] == "done" and "done" not in states[:-1]
    assert RequestBytes(LIMIT, raw).state == "done"


@pytest.mark.parametrize("raw,oversize", [
    (b"POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n", True),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n", True),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n", False),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiXX", False),
    (b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", False),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", False),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n", False),
], ids=["length-over", "chunk-over", "bad-size", "no-crlf", "two-lengths", "gzip-only",
        "te-and-length"])
def test_oversized_and_malformed_requests_are_handed_over_at_once(raw, oversize):
    request = RequestBytes(LIMIT, raw)
    assert request.state == "dispatch" and request.oversize is oversize


def test_a_partial_request_waits_and_says_expect_continue():
    request = RequestBytes(LIMIT, b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhel")
    assert request.state == "body" and request.expect_continue
    assert RequestBytes(LIMIT, b"GET / HTTP/1.1\r\nHost: x").state == "head"
    assert not RequestBytes(LIMIT, b"POST / HTTP/1.0\r\nExpect: 100-continue\r\n"
                                   b"Content-Length: 5\r\n\r\n").expect_continue
