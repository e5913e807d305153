"""Areas of control as GeoJSON (`GET /areas.geojson`): the land each place with a known controller
claims, merged per (controller, status); the geometry is timeline/readmodel/areas.py's."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from timeline.readmodel import areas, export

from .auth import check_reads
from .schemas import StateArgs

blp = Blueprint("areas", __name__, description="Areas of control: who holds which land")


class AreasArgs(StateArgs):  # published_by as StateArgs has it (RFC 3339, its pattern)
    reach = fields.Float(
        load_default=areas.DEFAULT_REACH_KM, allow_nan=False,
        validate=validate.Range(min=0, min_inclusive=False, max=areas.MAX_REACH_KM),
        metadata={"description": "how far (km) a place's land reaches at most (default 30; "
                                 f"more than 0, at most {areas.MAX_REACH_KM:g})",
                  # OpenAPI 3.0: the minimum itself (0) is excluded
                  "exclusiveMinimum": True, "example": 30})


class AreaPropertiesSchema(Schema):
    controller = fields.String(allow_none=True, metadata={"description": "a faction id; null for "
                                                                         "the unknown land"})
    status = fields.String(metadata={"description": "held, contested or unknown"})
    places = fields.List(fields.String(), metadata={"description": "ids of the places in that "
                                                                   "state"})


class AreaGeometrySchema(Schema):
    type = fields.String(metadata={"example": "MultiPolygon"})
    coordinates = fields.List(fields.List(fields.List(fields.List(fields.Float()))), metadata={
        "description": "polygons of rings of [longitude, latitude] (RFC 7946)"})


class AreaFeature(Schema):
    type = fields.String(metadata={"example": "Feature"})
    id = fields.String(metadata={"example": "hts/held"})
    geometry = fields.Nested(AreaGeometrySchema)
    properties = fields.Nested(AreaPropertiesSchema)


class AreaCollection(Schema):
    type = fields.String(metadata={"example": "FeatureCollection"})
    at = fields.String(metadata={"format": "date-time"})
    known_at = fields.String(allow_none=True)
    position = fields.Integer()
    min_confidence = fields.String()
    reach = fields.Float()
    features = fields.List(fields.Nested(AreaFeature))


def point_of_view(queries: Any, args: dict[str, Any]) -> Any:
    """The point of view; `published_by` goes to point() where point() takes it."""
    kwargs: dict[str, Any] = {"at": args.get("at"), "known_at": args.get("known_at"),
                              "min_confidence": args.get("min_confidence", "reported"),
                              "contest_window": args.get("contest_window")}
    if args.get("published_by") is not None:
        kwargs["published_by"] = args["published_by"]
    return queries.point(**kwargs)


@blp.route("/areas.geojson", methods=["GET"])
@blp.arguments(AreasArgs(), location="query")
@blp.response(200, AreaCollection, content_type=export.GEOJSON_TYPE, description=(
    "RFC 7946 FeatureCollection of areas of control: one MultiPolygon feature per (controller, "
    "status) with land, then the unknown land. Features do not overlap; together they cover the "
    "land outline (Natural Earth admin-0 1:50m) of the countries the places are in."))
def areas_geojson(args):
    """Each place whose controller is known in this view claims the land closer to it than to
    any other such place and within `reach` km of it (a Voronoi cell clipped to the land and to
    that radius); a feature is the union of the cells of one (controller, status), properties
    `{controller, status, places}`; the rest of the land is one feature with `controller: null`,
    `status: "unknown"`, listing the unknown places. No places: an empty collection."""
    check_reads()
    app = current_app.extensions["timeline"]
    point = point_of_view(app.queries, args)
    text = areas.collection_text(app.queries, app.names, point, reach_km=args["reach"])
    return Response(text, mimetype=export.GEOJSON_TYPE)
