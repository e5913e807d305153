"""Crash consistency of `timeline serve`: writers post reports with Idempotency-Keys while the
server is killed with SIGKILL at random moments (and, on PostgreSQL, the database restarted once);
then every acknowledged report must be there with all its claims, no report only in part, the
digest equal to the digest after `timeline replay`, and re-sent requests created at most once.

    python -m tests.faults.crash --store sqlite --kills 10
    python -m tests.faults.crash --store postgres --kills 10 --restart-postgres

Prints the figures as JSON on its last line; exits 1 if any promise was broken. Servers listen on
127.0.0.1 only; every loop is bounded in count and in time.
"""

from __future__ import annotations

import argparse
from http.client import HTTPException
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

PG_URL = os.environ.get("TIMELINE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
PG_CLUSTER = os.environ.get("TIMELINE_PG_CLUSTER", "15 main").split()
TIMEOUT = 20  # seconds for one HTTP request


# ---- HTTP ---------------------------------------------------------------------------------------
class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: Any, error: str | None = None):
        self.status, self.headers, self.body, self.error = status, headers, body, error

    @property
    def problem(self) -> bool:
        return "application/problem+json" in self.headers.get("content-type", "")


def http(base: str, method: str, path: str, body: Any = None, token: str | None = None,
         headers: dict[str, str] | None = None, timeout: float = TIMEOUT) -> Answer:
    h = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    if token:
        h["Authorization"] = f"Bearer {token}"
    h.update(headers or {})
    request = urllib.request.Request(base + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            text = r.read().decode()
            return Answer(r.status, {k.lower(): v for k, v in r.headers.items()},
                          json.loads(text) if text.strip() else None)
    except urllib.error.HTTPError as e:
        text = e.read().decode(errors="replace")
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = {"raw": text[:200]}
        return Answer(e.code, {k.lower(): v for k, v in e.headers.items()}, parsed)
    except (OSError, ValueError, HTTPException) as e:  # refused, reset, cut short
        reason = getattr(e, "reason", e)
        return Answer(0, {}, None, f"{type(reason).__name__}: {reason}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timeline_cmd() -> list[str]:
    script = Path(sys.executable).parent / "timeline"
    return [str(script)] if script.exists() else [sys.executable, "-m", "timeline.cli"]


# ---- the server ---------------------------------------------------------------------------------
class Server:
    """`timeline serve` in its own process group, so that SIGKILL takes its workers too."""

    def __init__(self, env: dict[str, str], workdir: Path, workers: int):
        self.env, self.workdir, self.workers = env, workdir, workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = open(self.workdir / f"serve-{self.starts}.log", "w")
        self.proc = subprocess.Popen(
            [*timeline_cmd(), "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(self.workers), "--threads", "4"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"timeline serve exited: {self.tail()}")
            if http(self.base, "GET", "/healthz", timeout=2).status == 200:
                return
            time.sleep(0.1)
        raise RuntimeError(f"timeline serve did not answer /healthz in 60 s: {self.tail()}")

    def tail(self) -> str:
        return (self.workdir / f"serve-{self.starts}.log").read_text()[-2000:]

    def kill(self) -> None:
        """SIGKILL to the whole group: the gunicorn master and every worker, mid-request."""
        assert self.proc is not None
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(30)
        self._reap_group()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self._reap_group()
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(10)
        self._reap_group()

    def _reap_group(self) -> None:
        # Workers left behind must be gone before the port is reused.
        assert self.proc is not None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                return
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                return
            time.sleep(0.05)


# ---- writers ------------------------------------------------------------------------------------
class Ledger:
    """What the clients know: acknowledged answers, and requests whose outcome is unknown."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.bodies: dict[str, dict[str, Any]] = {}
        self.acked: dict[str, dict[str, Any]] = {}
        self.in_doubt: set[str] = set()
        self.unexpected: list[str] = []
        self.statuses: Counter[int] = Counter()
        self.retracted: set[str] = set()


def make_report(rng: random.Random, key: str, world: dict[str, list[str]],
                ledger: Ledger) -> dict[str, Any]:
    claims: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 4)):
        day, hour = rng.randint(1, 28), rng.randint(0, 23)
        offset = rng.choice(["+00:00", "Z", "+03:00", "-05:00"])
        at = f"2024-12-{day:02d}T{hour:02d}:{rng.randint(0, 59):02d}:00{offset}"
        confidence = rng.choice(["unconfirmed", "reported", "reported", "confirmed"])
        kind = rng.random()
        if kind < 0.5:
            faction, other = rng.sample(world["factions"], 2)
            claim = {"type": "control", "city": rng.choice(world["cities"]), "faction": faction,
                     "from_faction": other}
        elif kind < 0.7:
            claim = {"type": "clash", "city": rng.choice(world["cities"]),
                     "factions": rng.sample(world["factions"], rng.randint(2, 3))}
        elif kind < 0.85:
            claim = {"type": "leader_status", "leader": rng.choice(world["leaders"]),
                     "status": rng.choice(["active", "abroad", "detained", "whereabouts_unknown"])}
        else:
            claim = {"type": "note", "text": f"note {rng.random():.6f}"}
        claims.append(dict(claim, occurred_at=at, confidence=confidence, summary=key))
    # Now and then a correction of a claim this run already has an answer for.
    with ledger.lock:
        candidates = [c["id"] for a in ledger.acked.values() for c in a["claims"]
                      if c["type"] in ("control", "clash", "leader_status")
                      and c["id"] not in ledger.retracted]
        if candidates and rng.random() < 0.15:
            target = rng.choice(candidates)
            ledger.retracted.add(target)
            claims.append({"type": "retract", "claim": target, "reason": f"denied ({key})"})
    return {"source": {"name": "fault wire", "kind": "test"},
            "published_at": "2024-12-29T00:00:00Z", "headline": key, "claims": claims}


def writer(n: int, server: Server, token: str, world: dict[str, list[str]], ledger: Ledger,
           stop: threading.Event, seed: int, deadline: float) -> None:
    rng = random.Random(seed * 1000 + n)
    count = 0
    while not stop.is_set() and time.monotonic() < deadline:
        count += 1
        key = f"w{n}-{count}-{uuid.uuid4().hex[:8]}"
        body = make_report(rng, key, world, ledger)
        with ledger.lock:
            ledger.bodies[key] = body
        for _attempt in range(200):  # a refused connection sent nothing: the same request again
            answer = http(server.base, "POST", "/reports", body, token, {"Idempotency-Key": key})
            if answer.status or "Refused" not in (answer.error or "") or stop.is_set():
                break
            time.sleep(0.05)
        with ledger.lock:
            ledger.statuses[answer.status] += 1
            if answer.status == 201:
                ledger.acked[key] = answer.body
            elif answer.status == 0 or (answer.status == 503 and answer.problem):
                ledger.in_doubt.add(key)
            else:
                ledger.unexpected.append(f"{key}: {answer.status} {json.dumps(answer.body)[:300]}")
        if answer.status != 201:
            time.sleep(0.05)


# ---- PostgreSQL restart -------------------------------------------------------------------------
def pg_ctl(action: str) -> None:
    r = subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *PG_CLUSTER, action],
                       capture_output=True, text=True, timeout=120)
    # Exit 2 on start means it is already running (someone else started it): fine.
    if r.returncode != 0 and not (action == "start" and pg_running()):
        raise RuntimeError(f"pg_ctlcluster {action}: exit {r.returncode}: {r.stderr.strip()}")


def pg_running() -> bool:
    r = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True)
    return any(line.split()[:2] == PG_CLUSTER and "online" in line for line in r.stdout.splitlines())


def restart_postgres(server: Server, token: str, world: dict[str, list[str]],
                     figures: dict[str, Any], log: Any) -> None:
    """Stop the database under load; the service must answer 503 problem+json meanwhile and
    recover by itself once it is back."""
    pg_ctl("stop")
    try:
        probe = {"source": {"name": "fault probe"}, "published_at": "2024-12-29T00:00:00Z",
                 "claims": [{"type": "note", "text": "probe", "occurred_at": "2024-12-29T00:00:00Z"}]}
        # The three probes at once: the database stays down for as short a time as possible.
        probes = {"write": ("POST", "/reports", probe), "ready": ("GET", "/readyz", None),
                  "read": ("GET", "/cities/" + world["cities"][0] + "/state", None)}
        got: dict[str, Answer] = {}
        threads = [threading.Thread(target=lambda k=k, m=m, p=p, b=b: got.__setitem__(
            k, http(server.base, m, p, b, token if m == "POST" else None)))
            for k, (m, p, b) in probes.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT + 5)
        write, ready, read = (got.get(k, Answer(0, {}, None, "no answer in time"))
                             for k in ("write", "ready", "read"))
        figures["while_down"] = {"POST /reports": write.status, "GET /readyz": ready.status,
                                 "GET /cities/{id}/state": read.status}
        figures["while_down_errors"] = {name: a.error for name, a in
                                        zip(("POST /reports", "GET /readyz", "GET /cities/{id}/state"),
                                            (write, ready, read), strict=True) if a.error}
        figures["down_answers_are_problems"] = all(a.status == 503 and a.problem
                                                   for a in (write, ready, read))
        log(f"  postgres down: {figures['while_down']} {figures['while_down_errors'] or ''}")
    finally:
        pg_ctl("start")
    started = time.monotonic()
    deadline = started + 90
    while time.monotonic() < deadline:
        if http(server.base, "GET", "/readyz", timeout=10).status == 200:
            break
        time.sleep(0.2)
    figures["recovered_by_itself"] = http(server.base, "GET", "/readyz").status == 200
    figures["recovery_seconds"] = round(time.monotonic() - started, 1)
    log(f"  postgres back; service ready again: {figures['recovered_by_itself']}")


# ---- the run ------------------------------------------------------------------------------------
def run(store: str, kills: int = 10, writers: int = 4, workers: int = 2,
        load_seconds: tuple[float, float] = (0.5, 2.5), restart_pg: bool = False,
        seed: int | None = None, time_limit: float = 900, log: Any = print) -> dict[str, Any]:
    seed = random.randrange(10**6) if seed is None else seed
    rng = random.Random(seed)
    workdir = Path(tempfile.mkdtemp(prefix=f"faults-{store}-"))
    schema = None
    if store == "sqlite":
        url = f"sqlite:///{workdir}/timeline.db"
    else:
        schema = f"faults_{uuid.uuid4().hex[:10]}"
        url = f"{PG_URL}?schema={schema}"
    env = {**os.environ, "TIMELINE_DATABASE_URL": url, "TIMELINE_RATE_LIMIT": "off"}
    figures: dict[str, Any] = {"store": store, "seed": seed, "kills": 0, "workers": workers,
                               "writers": writers}
    started = time.monotonic()
    server = Server(env, workdir, workers)

    def cli(*args: str) -> str:
        r = subprocess.run([*timeline_cmd(), *args], env=env, capture_output=True, text=True,
                           timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"timeline {' '.join(args)}: {r.stderr[-1000:]}")
        return r.stdout.strip().splitlines()[-1]

    try:
        cli("seed", "--reference-only")
        token = cli("token", "create", "--role", "writer", "--label", "faults")
        server.start()
        world = {kind: [e["id"] for e in http(server.base, "GET", f"/{kind}?limit=1000").body["items"]]
                 for kind in ("cities", "factions", "leaders")}
        world["cities"] = world["cities"][:25]
        ledger = Ledger()
        stop = threading.Event()
        deadline = started + time_limit
        threads = [threading.Thread(target=writer, daemon=True,
                                    args=(n, server, token, world, ledger, stop, seed, deadline))
                   for n in range(writers)]
        for t in threads:
            t.start()
        pg_round = kills // 2 if restart_pg else -1
        for round_ in range(kills):
            time.sleep(rng.uniform(*load_seconds))
            if round_ == pg_round:
                restart_postgres(server, token, world, figures, log)
                time.sleep(rng.uniform(*load_seconds))
            server.kill()
            figures["kills"] += 1
            with ledger.lock:
                log(f"  kill {figures['kills']}/{kills}: {len(ledger.acked)} acknowledged, "
                    f"{len(ledger.in_doubt)} in doubt")
            server.start()
            if time.monotonic() > deadline:
                break
        time.sleep(rng.uniform(*load_seconds))
        stop.set()
        for t in threads:
            t.join(TIMEOUT + 15)
        figures.update(verify(server, token, ledger, cli, url, log))
    finally:
        server.stop()
        if restart_pg and not pg_running():
            pg_ctl("start")
        if schema:
            _drop_schema(schema)
        shutil.rmtree(workdir, ignore_errors=True)
    figures["seconds"] = round(time.monotonic() - started, 1)
    figures["ok"] = (figures["kills"] == kills and figures["reports_lost"] == 0
                     and figures["reports_partial"] == 0 and figures["created_twice"] == 0
                     and figures["digests_equal"] and not figures["unexpected_answers"]
                     and figures["resent_ok"] and figures.get("recovered_by_itself", True)
                     and figures.get("down_answers_are_problems", True)
                     and figures["acknowledged_answers_match"]
                     and not figures["unaccounted_reports"])
    return figures


def verify(server: Server, token: str, ledger: Ledger, cli: Any, url: str, log: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    acked = dict(ledger.acked)
    out["writes_acknowledged"] = len(acked)
    out["requests_in_doubt"] = len(ledger.in_doubt)
    out["unexpected_answers"] = ledger.unexpected[:10]
    out["statuses"] = {str(k): v for k, v in sorted(ledger.statuses.items())}

    # Every acknowledged report is readable, with exactly the claims its answer listed.
    lost, mismatched = [], []
    for key, answer in acked.items():
        got = http(server.base, "GET", f"/reports/{answer['id']}")
        if got.status != 200:
            lost.append(key)
            continue
        sent = ledger.bodies[key]["claims"]
        if ([c["id"] for c in got.body["claims"]] != [c["id"] for c in answer["claims"]]
                or [c["type"] for c in got.body["claims"]] != [c["type"] for c in sent]
                or got.body.get("headline") != key):
            mismatched.append(key)

    # Re-send what was never acknowledged, with the same keys, and a sample of what was:
    # the first gets each report created (or its earlier answer), the second the same answer.
    already, resent_bad = 0, []
    resent: dict[str, dict[str, Any]] = {}
    for key in sorted(ledger.in_doubt):
        answer = Answer(0, {}, None)
        for _ in range(50):
            answer = http(server.base, "POST", "/reports", ledger.bodies[key], token,
                          {"Idempotency-Key": key})
            if answer.status not in (0, 409, 503):
                break
            time.sleep(0.2)
        if answer.status != 201:
            resent_bad.append(f"{key}: {answer.status} {answer.body}")
            continue
        resent[key] = answer.body
        already += answer.headers.get("idempotent-replayed") == "true"
    for key in sorted(acked)[:50]:
        answer = http(server.base, "POST", "/reports", ledger.bodies[key], token,
                      {"Idempotency-Key": key})
        if answer.status != 201 or answer.body["id"] != acked[key]["id"]:
            resent_bad.append(f"{key} (acknowledged): {answer.status}")
    out["in_doubt_found_committed"] = already
    out["resent_ok"] = not resent_bad
    out["resent_errors"] = resent_bad[:10]
    server.stop()

    # The log itself: each key filed exactly once, and every report whole in the read model.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from timeline.application import TimelineApplication
    from timeline.domainmodel import Report

    app = TimelineApplication(url)
    try:
        filed: Counter[str] = Counter()
        ids: dict[str, str] = {}
        log_claims = 0
        partial = []
        for _position, event in app.iter_events():
            if isinstance(event, Report.Filed) and event.source.get("name") == "fault wire":
                filed[event.headline] += 1
                ids[event.headline] = str(event.originator_id)
                log_claims += len(event.claims)
                view = app.queries.report(str(event.originator_id))
                if view is None or len(view["claims"]) != len(event.claims):
                    partial.append(event.headline)
        rows = app.recorder.fetchone(  # type: ignore[attr-defined]
            "SELECT COUNT(*) AS n FROM tl_claims c JOIN tl_reports r ON r.id = c.report_id "
            "WHERE r.data LIKE :wire", {"wire": '%"fault wire"%'})
        read_model_claims = int(rows["n"]) if rows else -1
    finally:
        app.close()
    lost += [k for k in acked if filed[k] == 0]
    answers_match = all(ids.get(k) == a["id"] for k, a in {**acked, **resent}.items())
    out["reports_lost"] = len(set(lost))
    out["lost_keys"] = sorted(set(lost))[:10]
    out["reports_partial"] = len(partial) + len(mismatched) + abs(read_model_claims - log_claims)
    out["created_twice"] = sum(1 for n in filed.values() if n > 1)
    out["never_created_after_resend"] = sum(1 for k in resent if filed[k] == 0)
    out["reports_in_log"] = sum(filed.values())
    # A report in the log that no client ever sent, or whose outcome nobody tracked, is a bug.
    out["unaccounted_reports"] = sorted(k for k in filed if k not in acked and k not in resent)[:10]
    out["acknowledged_answers_match"] = answers_match and out["never_created_after_resend"] == 0
    digest = cli("digest")
    replayed = cli("replay")
    again = cli("digest")
    out["digest"] = digest[:16]
    out["digests_equal"] = digest == replayed == again
    log(f"  verified: {out['writes_acknowledged']} acknowledged, {out['reports_lost']} lost, "
        f"{out['reports_partial']} partial, {out['created_twice']} created twice, "
        f"digests equal: {out['digests_equal']}")
    return out


def _drop_schema(schema: str) -> None:
    import psycopg

    try:
        with psycopg.connect(PG_URL, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    except Exception as e:  # the figures matter more than the clean-up
        print(f"could not drop schema {schema}: {e}", file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--restart-postgres", action="store_true",
                    help="also stop and start the PostgreSQL cluster once mid-load (needs root)")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--time-limit", type=float, default=900)
    a = ap.parse_args()
    figures = run(a.store, a.kills, a.writers, a.workers, restart_pg=a.restart_postgres,
                  seed=a.seed, time_limit=a.time_limit,
                  log=lambda m: print(m, file=sys.stderr, flush=True))
    print(json.dumps(figures))
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
