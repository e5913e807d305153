"""Observability: Prometheus metrics (served at /metrics), a request id on every request and
response (`X-Request-ID`), and JSON log lines that carry it.

Under `timeline serve` (several gunicorn workers) PROMETHEUS_MULTIPROC_DIR is set and every
worker's counters are summed at scrape time; in a single process each app has its own registry.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import datetime, timezone
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from prometheus_client import (CollectorRegistry, Counter, Gauge, Histogram,
                               disable_created_metrics, generate_latest)
from prometheus_client.core import GaugeMetricFamily

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
disable_created_metrics()  # the *_created series only double the output
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class Metrics:
    def __init__(self, timeline: Any):
        self.multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        # In multiprocess mode values live in files; the registry is built at scrape time.
        own = None if self.multiprocess else CollectorRegistry(auto_describe=True)
        self.registry = own
        self.requests = Counter("timeline_http_requests_total", "HTTP requests answered",
                                ["method", "route", "status"], registry=own)
        self.duration = Histogram("timeline_http_request_duration_seconds",
                                  "Time to answer an HTTP request", ["route"], registry=own,
                                  buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5))
        self.rejected = Counter("timeline_http_rejected_total",
                                "Requests refused with a 4xx answer", ["status"], registry=own)
        self.events = Counter("timeline_events_appended_total", "Events appended to the log",
                              registry=own)
        self.idempotent_replays = Counter("timeline_idempotent_replays_total",
                                          "POSTs answered from a stored Idempotency-Key answer",
                                          registry=own)
        self.streams = Gauge("timeline_sse_streams_open", "Open /events/stream connections",
                             registry=own, multiprocess_mode="livesum")
        self.store = _StoreCollector(timeline)
        if own is not None:
            own.register(self.store)
        timeline.on_saved.append(self.events.inc)

    def exposition(self) -> bytes:
        if self.registry is not None:
            return generate_latest(self.registry)
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(self.store)
        return generate_latest(registry)


class _StoreCollector:
    """Positions read from the store at scrape time (the same in every worker)."""

    def __init__(self, timeline: Any):
        self.timeline = timeline

    def describe(self):
        return []

    def collect(self):
        try:
            log = int(self.timeline.recorder.max_notification_id() or 0)
            projected = int(self.timeline.head())
        except Exception:  # the store being down must not break the scrape
            return
        yield GaugeMetricFamily("timeline_log_position", "Position of the last event in the log",
                                value=log)
        yield GaugeMetricFamily("timeline_read_model_position",
                                "Position of the last event the read model has applied",
                                value=projected)


# ---- logs -----------------------------------------------------------------------------------------

class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and any extras."""

    STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if has_request_context():
            out["request_id"] = g.get("request_id")
        for key, value in vars(record).items():
            if key not in self.STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


_configured = False


def configure_logging() -> None:
    """JSON lines on stderr for the service's loggers (`timeline.*` and the Flask app's)."""
    global _configured
    if _configured:
        return
    _configured = True
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JSONFormatter())
    level = os.environ.get("TIMELINE_LOG_LEVEL", "INFO").upper()
    for name in ("timeline", "api"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False


access_log = logging.getLogger("timeline.access")


# Methods that get a label of their own in /metrics; any other is counted as "other" (and any
# URL that matches no route as the route "unmatched"), so that the series stay a fixed set.
METRIC_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def init_app(app: Flask, timeline: Any) -> Metrics:
    configure_logging()
    metrics = Metrics(timeline)
    app.extensions["metrics"] = metrics

    # Metric children per (method, route, status): prometheus_client's labels() validates and
    # locks on every call. Bounded, as a flood of made-up methods must not grow it forever.
    children: dict[tuple[str, str, int], tuple[Any, Any, Any]] = {}

    def metrics_for(method: str, rule: str, status: int) -> tuple[Any, Any, Any]:
        found = children.get((method, rule, status))
        if found is None:
            found = (metrics.requests.labels(method, rule, str(status)),
                     metrics.duration.labels(rule),
                     metrics.rejected.labels(str(status)) if 400 <= status < 500 else None)
            if len(children) < 1000:
                children[(method, rule, status)] = found
        return found

    @app.before_request
    def start() -> None:
        state = g._get_current_object()  # noqa: SLF001 (one context lookup, not one per use)
        state.started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        state.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex

    @app.after_request
    def finish(response: Response) -> Response:
        req = request._get_current_object()  # noqa: SLF001
        state = g._get_current_object()  # noqa: SLF001
        now = time.perf_counter()
        url_rule = req.url_rule
        rule = url_rule.rule if url_rule is not None else "unmatched"
        elapsed = now - getattr(state, "started", now)
        status = response.status_code
        method = req.method
        # A made-up method is one label, "other": each became a series of its own (issue 15).
        requests, duration, rejected = metrics_for(
            method if method in METRIC_METHODS else "other", rule, status)
        requests.inc()
        duration.observe(elapsed)
        if rejected is not None:
            rejected.inc()
        request_id = getattr(state, "request_id", None) or uuid.uuid4().hex
        response.headers["X-Request-ID"] = request_id
        if (rule != "/metrics" and not rule.startswith("/healthz")
                and access_log.isEnabledFor(logging.INFO)):
            path = req.path
            # Logger.handle with a record made here: Logger.info would also walk the stack to
            # find the caller, which an access line does not show.
            access_log.handle(access_log.makeRecord(
                access_log.name, logging.INFO, __file__, 0, "%s %s %s", (method, path, status),
                None, extra={"method": method, "path": path, "route": rule, "status": status,
                             "duration_ms": round(elapsed * 1000, 2)}))
        return response

    return metrics
