"""`GET /vocabulary`: the claim types and their fields, from the one table (timeline/vocabulary.py)
that the domain's checks, the request schemas and the read model follow; the web form builds its
fields from it. Public like /openapi.json: it describes the API, not its data."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from timeline import vocabulary

blp = Blueprint("vocabulary", __name__, description="The claim types and their fields")


class VocabularyField(Schema):
    name = fields.String()
    kind = fields.String(metadata={"description": "how it is checked: place, faction, leader, "
                                                  "faction* (two or more), faction+ (one or "
                                                  "more), short, text, count, status, claim, ..."})
    json = fields.String(metadata={"description": "its JSON type"})
    required = fields.Boolean()
    entity = fields.String(allow_none=True, metadata={
        "description": "the entity kind it names (each item's, for a list): place, faction or "
                       "leader; null: none"})
    many = fields.Boolean(metadata={"description": "a list"})
    form = fields.String(metadata={"description": "how the web form asks for it"})
    enum = fields.List(fields.Raw(), metadata={"description": "the values it takes, if a closed list"})
    label = fields.String(metadata={"description": "the web form's label, if the form asks for it"})
    description = fields.String()


class VocabularyType(Schema):
    type = fields.String()
    occurred_at = fields.String(metadata={"description": "required or optional (a correction's "
                                                         "defaults to its report's publication)"})
    effect = fields.String(allow_none=True, metadata={
        "description": "what it changes when counted: control, clash, status, dissolve, retract, "
                       "confirm; null: nothing (it is on record)"})
    form = fields.String(allow_none=True, metadata={
        "description": "the web form's choice; null: the form does not offer the type"})
    fields_ = fields.List(fields.Nested(VocabularyField), data_key="fields", attribute="fields")


class Vocabulary(Schema):
    types = fields.List(fields.Nested(VocabularyType))
    common = fields.List(fields.String(), metadata={"description": "fields every claim may carry"})
    common_fields = fields.List(fields.Nested(VocabularyField), metadata={
        "description": "those of them checked by their kind"})
    effects = fields.List(fields.String())


@blp.route("/vocabulary", methods=["GET"])
@blp.response(200, Vocabulary)
def get_vocabulary() -> dict[str, Any]:
    """Every claim type (API.md, Vocabulary) with its fields (kind, required or not, the entity
    kind each names), its rule for `occurred_at` and the effect it has when counted; `POST
    /reports` checks claims by the same table."""
    return vocabulary.as_json()
