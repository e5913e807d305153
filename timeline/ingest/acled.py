"""ACLED import: rows of an ACLED CSV export (the public codebook's columns) become reports, one per
ACLED event, each carrying one claim; a revised event (a newer ACLED `timestamp`) becomes a
correction, never an edit. Unknown actors and locations are registered as reference data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from uuid import uuid5

from ..claims import normalise_report
from ..domainmodel import NAMESPACE, Report, api_time
from .acled_names import Resolver
from .acled_rows import Event, parse_row, read_rows
from .importer import Outcome, stored_versions

DATASET = "acled"
# API.md v2: a date without a time (ACLED's event_date) is that day at 12:00 UTC. (An
# event_date with a time, as `GET /acled.csv` writes for a claim dated otherwise, is that time.)
LOCAL_NOON = "T12:00:00Z"


# ---- the import -----------------------------------------------------------------------------------

def report_id(event_id: str, timestamp: int):
    """The same ACLED event in the same version is always the same report: a re-import is a no-op."""
    return uuid5(NAMESPACE, f"acled:{event_id}:{timestamp}")


class Importer(Resolver):
    """Imports one ACLED export into a TimelineApplication, in three steps: read every row and
    decide what it names (planning the places and factions to register), register those in one
    transaction, then file one report per new or revised event, a few hundred per transaction."""

    def run(self, text: str, progress: Callable[[int], Any] | None = None,
            idempotency: dict[str, Any] | None = None) -> dict[str, Any]:
        outcome = Outcome()
        events = self._parse_rows(read_rows(text), parse_row, lambda e: e.event_id, outcome,
                                  progress)
        known = stored_versions(self.app, DATASET, [e.event_id for e in events], version=int)
        return self._file_records(
            events, known, outcome, progress, idempotency, key=lambda e: e.event_id,
            # the same version, or older than the one we hold
            is_current=lambda e, previous: previous["version"] >= e.timestamp,
            claims_of=self._claim, report_of=self._report)

    # ---- one row ---------------------------------------------------------------------------------
    def _report(self, event: Event, new: list[dict[str, Any]], previous: dict[str, Any] | None,
                names: Any = None) -> list[Any]:
        """The events that file this row's report, checked as POST /reports checks a report:
        the row's claims, after the retraction of the claims of its previous version."""
        claims = []
        if previous is not None:
            for old in self._previous_claims(previous):
                claims.append({
                    "type": "retract", "claim": old,
                    "reason": f"ACLED revised event {event.event_id} "
                              f"(timestamp {previous['version']} -> {event.timestamp})"})
        ref_index = len(claims)  # the event claim, first of the row's claims
        claims += new
        stamp = api_time(datetime.fromtimestamp(event.timestamp, tz=timezone.utc))
        source_name = f"ACLED ({event.source})" if event.source else "ACLED"
        payload = {
            "source": {"name": source_name[:500], "kind": "dataset",
                       "url": "https://acleddata.com/"},
            "published_at": stamp,
            "headline": (f"ACLED {event.event_id}: {event.sub_event_type or event.event_type} "
                         + (f"in {event.location}" if event.location else f"({event.actor1})")
                         )[:1000],
            "body": _body(event),
            "language": "en",
            "claims": claims,
        }
        fields = normalise_report(payload, names or self.names, self.app.queries)
        fields["source"]["ref"] = {"dataset": DATASET, "id": event.event_id,
                                   "version": str(event.timestamp), "claim": ref_index}
        report = Report.file(report_id=report_id(event.event_id, event.timestamp),
                             filed_by=self.filed_by, **fields)
        return list(report.collect_events())

    def _claim(self, event: Event) -> list[dict[str, Any]]:
        """The row's claims (API.md v2): an `event` claim for every row (its type and sub-type,
        the actors, `fatalities` as `deaths.best`, `event_id_cnty` as `event_key`), then the
        control claim a territory change implies, or the clash an armed clash between two
        actors implies, with the same event_key. A `dissolve` row (claim_type) is the
        dissolution alone: it names no place, and an event claim would need one (a place
        registered for it would be a new city in /state), while an event without `deaths`
        changes no /state or /casualties answer."""
        if event.extra.get("claim_type") == "dissolve":
            dissolve: dict[str, Any] = {
                "type": "dissolve", "faction": self.actor(event.actor1),
                "occurred_at": event.extra.get("when") or event.day.isoformat() + LOCAL_NOON,
                "precision": event.precision,
                "confidence": event.extra.get("confidence", "reported"),
                "summary": _summary(event), "event_key": event.event_id}
            if event.actor2 and not _civilians(event.actor2):
                dissolve["into"] = self.actor(event.actor2)
            return [dissolve]
        if event.extra.get("claim_type") in ("leader_status", "coup"):
            return [self._leader_claim(event)]
        base: dict[str, Any] = {
            "occurred_at": event.extra.get("when") or event.day.isoformat() + LOCAL_NOON,
            "precision": event.precision, "confidence": event.extra.get("confidence", "reported"),
            "summary": _summary(event), "event_key": event.event_id,
            "geo_precision": int(event.geo_precision) if event.geo_precision in ("1", "2", "3") else 1}
        place = self.place(event)
        actors = [self.actor(a) for a in (event.actor1, event.actor2) if a and not _civilians(a)]
        actors = list(dict.fromkeys(actors))
        claim = dict(base, type="event", event_type=event.event_type, city=place)
        if event.sub_event_type:
            claim["sub_event_type"] = event.sub_event_type
        if actors:
            claim["actors"] = actors
        targeting = event.extra.get("civilian_targeting")
        if targeting is None and event.actor2 and _civilians(event.actor2):
            targeting = True
        if targeting is not None:
            claim["civilian_targeting"] = targeting
        if event.fatalities is not None:
            claim["deaths"] = {"best": event.fatalities, **{
                k: event.extra[k] for k in ("low", "high", "civilians") if k in event.extra}}
        claims = [claim]
        kind = event.kind
        if kind == "control":
            faction = self.actor(event.actor1)
            control = dict(base, type="control", city=place, faction=faction)
            if event.actor2 and not _civilians(event.actor2):
                loser = self.actor(event.actor2)
                if loser != faction:
                    control["from_faction"] = loser
            claims.append(control)
        elif kind == "clash" and len(actors) >= 2:
            parent = self._parent(place)
            if parent:  # fighting in a district contests its city
                claims.append(dict(base, type="clash", city=parent, place=place,
                                   factions=actors[:2]))
            else:
                claims.append(dict(base, type="clash", city=place, factions=actors[:2]))
        return claims

    def _leader_claim(self, event: Event) -> dict[str, Any]:
        """A leader's status or a coup, as exported: leaders are reference data, never
        registered by an import (an unknown name rejects the row)."""
        claim: dict[str, Any] = {
            "occurred_at": event.extra.get("when") or event.day.isoformat() + LOCAL_NOON,
            "precision": event.precision,
            "confidence": event.extra.get("confidence", "reported"),
            "summary": _summary(event), "event_key": event.event_id}
        if event.extra["claim_type"] == "coup":
            return dict(claim, type="coup", city=self.place(event),
                        led_by=self.leader(event.actor1),
                        against=self.leader(event.actor2, "actor2"))
        claim.update(type="leader_status", leader=self.leader(event.actor1),
                     status=event.extra.get("status"))
        if event.location:
            claim["location"] = event.location
        return claim


def import_csv(app: Any, text: str, progress: Callable[[int], Any] | None = None,
               idempotency: dict[str, Any] | None = None, filed_by: str | None = None
               ) -> dict[str, Any]:
    """`{imported, unchanged, corrected, rejected: [{line, reason}], position}`; `filed_by`: the
    label of the token that imports (API.md v2), recorded with each report."""
    return Importer(app, filed_by).run(text, progress=progress, idempotency=idempotency)


def _civilians(actor: str) -> bool:
    """ACLED's victims category ("Civilians (Syria)"): not a faction; the event targets them."""
    return actor.casefold().startswith("civilians")


def _summary(event: Event) -> str:
    what = event.sub_event_type or event.event_type
    if event.notes:
        return event.notes[:20_000]
    actors = " and ".join(a for a in (event.actor1, event.actor2) if a)
    if not event.location:
        return f"{what} ({actors})."
    return f"{what} in {event.location} ({actors})."


def _body(event: Event) -> str:
    facts = [f"ACLED event {event.event_id}", f"{event.event_type} / {event.sub_event_type}"
             if event.sub_event_type else event.event_type,
             f"actor1: {event.actor1}"]
    if event.assoc_actor_1:
        facts.append(f"assoc_actor_1: {event.assoc_actor_1}")
    if event.actor2:
        facts.append(f"actor2: {event.actor2}")
    if event.location:  # a dissolution's row names no place
        facts.append(f"location: {event.location}, {event.admin1} ({event.lat}, {event.lon}; "
                     f"geo_precision {event.geo_precision or '?'})")
    if event.fatalities is not None:
        facts.append(f"fatalities: {event.fatalities}")
    if event.source:
        facts.append(f"source: {event.source} ({event.source_scale or 'scale unknown'})")
    text = "; ".join(facts) + "."
    if event.notes:
        text = event.notes + "\n\n" + text
    return text[:200_000]
