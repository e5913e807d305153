"""A fast path for loading request bodies with marshmallow: a body that is plainly valid is checked
key by key against the schema's own fields and validators, without marshmallow's per-schema
machinery (which walks every declared field of every nested object, present or not). Anything
else (a missing, unknown or invalid field, a shape the plan does not cover) is loaded by
marshmallow itself, so errors and edge cases are exactly marshmallow's."""

from __future__ import annotations

from typing import Any, Callable

from marshmallow import Schema, ValidationError, fields
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA
from marshmallow.utils import missing


class _Fallback(Exception):
    """The quick path cannot vouch for this body: let marshmallow load it."""


Loader = Callable[[Any, dict[str, Any]], Any]


class QuickLoadSchema(Schema):
    """A Schema whose `load` of a single, valid object skips the per-field bookkeeping. The result
    is what marshmallow would return: the same keys and values (without absent fields, with
    `load_default`s), and every field validator and `validates_schema` hook has run."""

    def load(self, data: Any, *, many: bool | None = None, partial: Any = None,
             unknown: str | None = None) -> Any:
        if not many and not self.many and partial is None and not self.partial:
            try:
                return self._quick_load(data)
            except (_Fallback, ValidationError):
                pass
        return super().load(data, many=many, partial=partial, unknown=unknown)

    def _quick_load(self, data: Any) -> dict[str, Any]:
        plan = self.__dict__.get("_quick_plan")
        if plan is None:
            plan = self.__dict__["_quick_plan"] = _plan(self)
        return plan(data)


def _plan(schema: Schema) -> Callable[[Any], dict[str, Any]]:
    hooks = schema._hooks  # noqa: SLF001 (marshmallow's registry of decorated methods)
    if hooks[PRE_LOAD] or hooks[POST_LOAD] or hooks[VALIDATES]:
        return _always_fall_back
    validators = []
    for attr, pass_collection, kwargs in hooks[VALIDATES_SCHEMA]:
        if pass_collection or kwargs.get("pass_original"):
            return _always_fall_back
        validators.append(getattr(schema, attr))
    by_key: dict[str, tuple[str, Loader]] = {}
    required: list[str] = []
    defaults: list[tuple[str, str, Any]] = []
    for name, field in schema.load_fields.items():
        if (field.attribute or name) != name:
            return _always_fall_back
        key = field.data_key if field.data_key is not None else name
        by_key[key] = (name, _field_loader(field, key))
        if field.required:
            required.append(key)
        elif field.load_default is not missing:
            defaults.append((key, name, field.load_default))
    unknown = schema.unknown

    def load(data: Any) -> dict[str, Any]:
        if type(data) is not dict:
            raise _Fallback
        out: dict[str, Any] = {}
        for key, value in data.items():
            entry = by_key.get(key)
            if entry is None:
                raise _Fallback  # unknown field: RAISE, EXCLUDE and INCLUDE differ; marshmallow decides
            out[entry[0]] = entry[1](value, data)
        for key in required:
            if key not in data:
                raise _Fallback
        for key, name, default in defaults:
            if key not in data:
                out[name] = default() if callable(default) else default
        for validator in validators:
            validator(out, partial=None, many=False, unknown=unknown)
        return out

    return load


def _always_fall_back(data: Any) -> dict[str, Any]:
    raise _Fallback


def _field_loader(field: fields.Field, key: str) -> Loader:
    if getattr(field, "pre_load", None) or getattr(field, "post_load", None):
        return lambda value, data: field.deserialize(value, key, data)
    typed = _value_loader(field, key)
    allow_none = field.allow_none

    def load(value: Any, data: dict[str, Any]) -> Any:
        if value is None:  # null: the field allows it, or marshmallow says what is wrong
            if allow_none:
                return None
            raise _Fallback
        return typed(value, data)

    return load


def _value_loader(field: fields.Field, key: str) -> Loader:
    """Loads a value that is not null."""
    if type(field) is fields.Nested and not field.many:
        return _nested_loader(field)
    if type(field) is fields.List:
        item = _field_loader(field.inner, key)

        def load_list(value: Any, data: dict[str, Any]) -> Any:
            if type(value) is not list:
                raise _Fallback
            out = [item(v, value) for v in value]
            field._validate(out)  # noqa: SLF001 (the field's own validators, e.g. Length)
            return out

        return load_list
    checks = tuple(field.validators)
    if type(field) is fields.String:  # exactly String: it returns a str as it is

        def load_string(value: Any, data: dict[str, Any]) -> Any:
            if type(value) is not str:
                raise _Fallback
            for check in checks:
                if check(value) is False:
                    raise _Fallback
            return value

        return load_string

    # Any other field: its own conversion and validators, as Field.deserialize runs them for a
    # value that is present (no pre/post_load functions, checked above).
    def load_other(value: Any, data: dict[str, Any]) -> Any:
        out = field._deserialize(value, key, data)  # noqa: SLF001
        for check in checks:
            if check(out) is False:
                raise _Fallback
        return out

    return load_other


def _nested_loader(field: fields.Nested) -> Loader:
    def load_nested(value: Any, data: Any) -> Any:
        schema = field.schema
        if not isinstance(schema, QuickLoadSchema) or schema.many or schema.partial:
            raise _Fallback
        out = schema._quick_load(value)  # noqa: SLF001
        field._validate(out)  # noqa: SLF001
        return out

    return load_nested
