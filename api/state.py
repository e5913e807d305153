"""State at a point in time (`at`, `known_at`, `min_confidence`): world, city, faction, leader."""

from __future__ import annotations

from collections.abc import Callable
from inspect import signature
from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from timeline.readmodel import changes
from timeline.domainmodel import db_to_api

from .auth import check_reads
from .source_schemas import Changes as ChangesOut, ChangesArgs
from .schemas import CityState, FactionState, History, LeaderState, StateArgs, WorldState

blp = Blueprint("state", __name__, description="State of the world at a point in time")


def _point(args: dict[str, Any], cursor: Any = None):
    check_reads()
    queries = current_app.extensions["timeline"].queries
    return queries, queries.point(at=args.get("at"), known_at=args.get("known_at"),
                                  min_confidence=args.get("min_confidence", "reported"),
                                  contest_window=args.get("contest_window"),
                                  published_by=args.get("published_by"),
                                  stale_after=args.get("stale_after"), cursor=cursor)


def _entity(kind: str, text: str) -> str:
    names = current_app.extensions["timeline"].names
    ids = names.lookup(kind, text)
    if len(ids) != 1:
        abort(404, message=f"no {kind} {text!r}" + (" (ambiguous name; use an id)" if ids else ""))
    return ids[0]


@blp.route("/state")
class World(MethodView):
    @blp.arguments(StateArgs(), location="query")
    @blp.response(200, WorldState)
    def get(self, args):
        """Every city, faction and leader at `at`, as known at `known_at`."""
        # The point of view and the answer in one read transaction: on PostgreSQL each
        # transaction costs a pool check, BEGIN and ROLLBACK, the bulk of a kept answer (B2).
        with current_app.extensions["timeline"].queries.reading() as cursor:
            queries, p = _point(args, cursor)
            body = queries.state_json(
                p, lambda obj: current_app.json.dumps(obj, separators=(",", ":")), cursor)
        # Encoded directly: state() already has WorldState's exact shape and key order, and
        # marshmallow's field-by-field dump of ~300 nested objects took most of the request
        # (bench/ B2); state_json() keeps the lists' text while they do not change.
        # flask-smorest passes a Response through; the spec still says WorldState.
        return current_app.response_class(body + "\n", mimetype="application/json")


def _entity_route(name: str, rule: str, kind: str, schema: Any,
                  answer: Callable[[Any, str, Any], Any], doc: str) -> type[MethodView]:
    """The route class `name` of one city's, faction's or leader's answer at a point in time:
    `answer(queries, entity id, point)`; `doc` is its description in the spec."""
    def get(self, args, id):  # noqa: A002 (the path variable of API.md)
        queries, p = _point(args)
        return answer(queries, _entity(kind, id), p)

    get.__doc__ = doc
    get = blp.arguments(StateArgs(), location="query")(blp.response(200, schema)(get))
    return blp.route(rule)(type(name, (MethodView,), {"get": get, "__module__": __name__}))


# (in the spec's order)
City = _entity_route(
    "City", "/cities/<id>/state", "place", CityState, lambda q, city, p: q.city_state(city, p),
    """Who controlled a city at `at`, as known at `known_at`; contested or held.""")
CityHistory = _entity_route(
    "CityHistory", "/cities/<id>/history", "place", History,
    lambda q, city, p: {"id": city, "items": q.city_history(city, p)},
    """Control changes of a city in valid-time order (up to `at`, as known at `known_at`).""")
Faction = _entity_route(
    "Faction", "/factions/<id>/state", "faction", FactionState,
    lambda q, faction, p: q.faction_state(faction, p),
    """Cities a faction (or one of its sub-factions) held at `at`, and its leaders.""")
Leader = _entity_route(
    "Leader", "/leaders/<id>/state", "leader", LeaderState,
    lambda q, leader, p: q.leader_state(leader, p),
    """A leader's status and whereabouts at `at`, as known at `known_at`.""")


@blp.route("/changes")
class Changes(MethodView):
    @blp.arguments(ChangesArgs(), location="query")
    @blp.response(200, ChangesOut)
    def get(self, args):
        """What changed in our view of `at` between two record times (`from_known`, `to_known`:
        timestamps or `@position`): the places and leaders whose answer differs, each with the
        claims recorded in between that decide the new answer or ended the old one."""
        check_reads()
        queries = current_app.extensions["timeline"].queries
        point = queries.point
        extra = {}
        if args.get("published_by") is not None and "published_by" in signature(point).parameters:
            extra["published_by"] = args["published_by"]

        def view(known_at):
            return point(at=args.get("at"), known_at=known_at,
                         min_confidence=args.get("min_confidence", "reported"), **extra)

        before = view(args.get("from_known", 0))
        after = view(args.get("to_known"))
        if before.k > after.k:
            abort(422, message="to_known is before from_known",
                  errors={"to_known": [f"must not be before from_known (positions {after.k} "
                                       f"and {before.k})"]})
        body = changes.changes(queries, before, after)
        # as given: `@position`, or the timestamp in UTC (to_known: now when not given)
        return {"at": db_to_api(after.at), "from_known": before.known_at,
                "to_known": after.known_at, **body}
