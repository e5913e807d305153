"""Reference data: cities (and other places), factions, leaders; listed, searched, registered."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from . import idempotency
from .auth import check_reads, writes
from .pagination import decode_cursor, encode_cursor, invalid_cursor, link_next
from .schemas import (ENTITY_EXAMPLES, EntityListArgs, EntityOut, EntityPage, FactionIn, LeaderIn,
                      PlaceIn, PlaceListArgs)

blp = Blueprint("reference", __name__, description="Places, factions and leaders")

KINDS = {"cities": ("place", PlaceIn), "factions": ("faction", FactionIn), "leaders": ("leader", LeaderIn)}
# What each list takes: only places have a governorate to filter by.
LIST_ARGS = {"cities": PlaceListArgs, "factions": EntityListArgs, "leaders": EntityListArgs}


def _list(collection: str, args: dict[str, Any]):
    """A page of entities in a fixed order (by id; by relevance then id with `q`), cut by
    keyset: the cursor holds the last item's sort key, so an entity registered between two
    pages neither repeats an item nor skips one."""
    check_reads()
    kind = KINDS[collection][0]
    names = current_app.extensions["timeline"].names
    if args.get("q"):
        ranked = [((-score, i), i) for i, score in names.ranked(kind, args["q"])]
    else:
        ranked = sorted(((0.0, e["id"]), e["id"]) for e in names.entities(kind))
    if args.get("governorate") and kind == "place":
        # an unknown governorate is a 422 naming the known ones, as when registering a place
        gov = names.governorate(args["governorate"], "governorate")
        ranked = [r for r in ranked if (names.entity(kind, r[1]) or {}).get("governorate") == gov]
    if args.get("cursor"):
        c = decode_cursor(args["cursor"], "s", "a")
        if not isinstance(c["s"], (int, float)) or not isinstance(c["a"], str):
            invalid_cursor()
        after = (float(c["s"]), c["a"])
        ranked = [r for r in ranked if r[0] > after]
    chunk = ranked[:args["limit"]]
    nxt = None
    if len(ranked) > len(chunk):
        (score, last), _ = chunk[-1]
        nxt = encode_cursor({"s": score, "a": last})
    items = [e for e in (names.entity(kind, i) for _, i in chunk) if e]
    return {"items": items, "next": nxt}, 200, link_next(nxt)


def _get(collection: str, entity_id: str):
    check_reads()
    kind = KINDS[collection][0]
    names = current_app.extensions["timeline"].names
    ids = names.lookup(kind, entity_id)
    if len(ids) != 1:
        abort(404, message=f"no {kind} {entity_id!r}")
    return names.entity(kind, ids[0])


def _post(collection: str, payload: dict[str, Any]):
    kind = KINDS[collection][0]
    app = current_app.extensions["timeline"]
    attributes = dict(payload)
    name, aliases = attributes.pop("name"), attributes.pop("aliases", [])
    if kind == "place":
        attributes["place_kind"] = attributes.pop("kind", "city")
        attributes.setdefault("governorate", None)
        attributes.setdefault("parent", None)
        attributes["source"] = None
    elif kind == "faction":
        attributes.setdefault("parent", None)
        attributes["source"] = None
    else:
        attributes.setdefault("role", None)
        attributes.setdefault("faction", None)
        attributes["source"] = None
    return idempotency.run(lambda idem: app.register(kind, name, aliases, idempotency=idem, **attributes))


def _routes(collection: str, schema: Any) -> None:
    kind = KINDS[collection][0]

    class Collection(MethodView):
        @blp.arguments(LIST_ARGS[collection](), location="query")
        @blp.response(200, EntityPage)
        def get(self, args):
            return _list(collection, args)

        @writes(blp)
        @blp.arguments(schema(), example=ENTITY_EXAMPLES[collection])
        @blp.response(201, EntityOut)
        def post(self, payload):
            return _post(collection, payload)

    Collection.get.__doc__ = f"List or search {collection} (`q` matches any name or alias, best first)."
    Collection.post.__doc__ = f"Register a {kind}; 409 if the name is already known."

    class One(MethodView):
        @blp.response(200, EntityOut)
        def get(self, id):  # noqa: A002 (the path variable of API.md)
            return _get(collection, id)

    One.get.__doc__ = f"One {kind}, by id or any known name."
    blp.route(f"/{collection}", endpoint=f"{collection}")(Collection)
    blp.route(f"/{collection}/<id>", endpoint=f"{collection}_one")(One)


for _collection, (_kind, _schema) in KINDS.items():
    _routes(_collection, _schema)
