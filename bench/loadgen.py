"""Fallback load generator (when wrk is not available): N keep-alive HTTP/1.1 clients, one
process each, cycling through a list of requests against 127.0.0.1 for a fixed time.

    python -m bench.loadgen SPEC.json CONNECTIONS SECONDS   -> one JSON line
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import sys
import time
from typing import Any
from urllib.parse import urlparse


def _client(args: tuple[str, list[dict[str, Any]], float, int]) -> tuple[list[float], int]:
    base, requests, deadline, offset = args
    url = urlparse(base)
    assert url.hostname == "127.0.0.1"
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    latencies: list[float] = []
    errors = 0
    i = offset
    while time.monotonic() < deadline:
        r = requests[i % len(requests)]
        i += 1
        body = r.get("body")
        started = time.perf_counter()
        try:
            conn.request(r.get("method", "GET"), r["path"],
                         body=body.encode() if body is not None else None,
                         headers=r.get("headers") or {})
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            continue
        latencies.append(time.perf_counter() - started)
    conn.close()
    return latencies, errors


def main() -> None:
    spec = json.loads(open(sys.argv[1]).read())
    connections, seconds = int(sys.argv[2]), float(sys.argv[3])
    started = time.monotonic()
    deadline = started + seconds
    with multiprocessing.Pool(connections) as pool:
        parts = pool.map(_client, [(spec["base"], spec["requests"], deadline, k * 7919)
                                   for k in range(connections)])
    elapsed = time.monotonic() - started
    latencies = sorted(x for part, _ in parts for x in part)
    errors = sum(e for _, e in parts)

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q / 100 * len(latencies)))] * 1000

    print(json.dumps({"tool": "bench.loadgen", "requests": len(latencies),
                      "rps": len(latencies) / elapsed, "p50_ms": pct(50), "p90_ms": pct(90),
                      "p99_ms": pct(99), "errors": errors, "seconds": elapsed}))


if __name__ == "__main__":
    main()
