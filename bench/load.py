"""The load generator, always a separate process on 127.0.0.1 and bounded in time: Debian's
`wrk` (installed with apt-get when missing and allowed), else bench/loadgen.py, a small
keep-alive HTTP client of our own. Both report requests/s and latency percentiles."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .common import PROJECT, PYTHON, RESULTS, log

_WRK: str | None | bool = False  # False: not looked for yet


def wrk() -> str | None:
    """Path of wrk; tries `apt-get install wrk` once (as root, BENCH_NO_APT unset)."""
    global _WRK
    if _WRK is False:
        found = shutil.which("wrk")
        if not found and os.geteuid() == 0 and not os.environ.get("BENCH_NO_APT"):
            log("wrk is missing: apt-get install wrk (set BENCH_NO_APT=1 to skip)")
            for cmd in (["apt-get", "install", "-y", "-qq", "wrk"],
                        ["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
                subprocess.run(cmd, capture_output=True, timeout=300, check=False)
                found = shutil.which("wrk")
                if found:
                    break
        if os.environ.get("BENCH_LOADGEN") == "python":
            found = None
        _WRK = found
        log(f"load generator: {found or 'bench/loadgen.py (Python)'}")
    return _WRK or None


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def _script(requests: list[dict[str, Any]], path: Path) -> None:
    """A wrk script cycling through the given requests (method, path, headers, body) and
    printing a JSON summary at the end."""
    items = []
    for r in requests:
        headers = ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(v)}"
                            for k, v in (r.get("headers") or {}).items())
        body = _lua_string(r["body"]) if r.get("body") is not None else "nil"
        items.append(f"{{{_lua_string(r.get('method', 'GET'))}, {_lua_string(r['path'])}, "
                     f"{{{headers}}}, {body}}}")
    path.write_text("""
local reqs = {%s}
local counter = 0
setup = function(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
end
init = function(args)
  i = offset or 0
end
request = function()
  i = i + 1
  local r = reqs[(i %% #reqs) + 1]
  return wrk.format(r[1], r[2], r[3], r[4])
end
local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50": %%d, "p90": %%d, "p99": %%d, "mean": %%f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean))
end
""" % ",\n".join(items))


def run(base: str, requests: list[dict[str, Any]], connections: int, seconds: float,
        name: str = "load") -> dict[str, Any]:
    """Load `base` with `connections` concurrent keep-alive clients for `seconds`; returns
    {rps, p50_ms, p90_ms, p99_ms, requests, errors, tool}."""
    assert base.startswith("http://127.0.0.1:"), "the bench loads only this machine"
    RESULTS.mkdir(parents=True, exist_ok=True)
    tool = wrk()
    if tool:
        script = RESULTS / f"{name}.lua"
        _script(requests, script)
        threads = max(1, min(2, connections))
        out = subprocess.run(
            [tool, "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
             "--timeout", "30s", "-s", str(script), base],
            capture_output=True, text=True, timeout=seconds + 60, check=False)
        match = re.search(r"WRKJSON (\{.*\})", out.stdout)
        if not match:
            raise RuntimeError(f"wrk failed: {out.stdout[-500:]} {out.stderr[-500:]}")
        s = json.loads(match.group(1))
        secs = s["duration_us"] / 1e6
        errors = s["connect"] + s["read"] + s["write"] + s["status"] + s["timeout"]
        return {"tool": "wrk", "requests": s["requests"], "rps": s["requests"] / secs,
                "p50_ms": s["p50"] / 1000, "p90_ms": s["p90"] / 1000, "p99_ms": s["p99"] / 1000,
                "errors": errors, "seconds": secs}
    spec = RESULTS / f"{name}.json"
    spec.write_text(json.dumps({"base": base, "requests": requests}))
    out = subprocess.run([PYTHON, "-m", "bench.loadgen", str(spec), str(connections),
                          str(seconds)], cwd=PROJECT, capture_output=True, text=True,
                         timeout=seconds + 120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])
