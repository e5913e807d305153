"""A fast path for dumping answers with marshmallow: an object that is a plain dict is dumped key by
key, each present key through its own field's `_serialize` (the same conversion marshmallow
applies), instead of marshmallow asking every declared field of the schema whether the object has
it. A claim has a handful of its ~30 answer fields; POST /reports dumped ~100 fields a request,
most of them absent (bench/ B3). The result is marshmallow's: the same keys in the same order (the
schema's field order) with the same values, `dump_default`s included. A schema this path cannot
vouch for (dump hooks, a custom accessor, dotted attributes, fields that do not read their
attribute) and any object that is not a dict are dumped by marshmallow itself."""

from __future__ import annotations

from typing import Any, Callable

from marshmallow import Schema, fields
from marshmallow.decorators import POST_DUMP, PRE_DUMP
from marshmallow.utils import missing


class QuickDumpSchema(Schema):
    """A Schema whose `dump` of one dict skips the fields the dict does not have."""

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        if type(obj) is dict and not (self.many if many is None else many):
            plan = self.__dict__.get("_quick_dump_plan", False)
            if plan is False:
                plan = self.__dict__["_quick_dump_plan"] = _plan(self)
            if plan is not None:
                return plan(obj)
        return super().dump(obj, many=many)


Entry = tuple[int, str, str, Callable[..., Any]]  # field index, field name, output key, _serialize


def _plan(schema: Schema) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    hooks = schema._hooks  # noqa: SLF001 (marshmallow's registry of decorated methods)
    if hooks[PRE_DUMP] or hooks[POST_DUMP] or type(schema).get_attribute is not Schema.get_attribute:
        return None
    by_key: dict[str, Entry] = {}
    defaults: list[tuple[str, Entry, Any]] = []
    for index, (name, field) in enumerate(schema.dump_fields.items()):
        key = field.attribute if field.attribute is not None else name
        # A key marshmallow would look up as an attribute when the dict lacks it (dict.items,
        # a dotted path), or a field that does not read its attribute: marshmallow decides.
        if (not field._CHECK_ATTRIBUTE or "." in key or hasattr(dict, key)  # noqa: SLF001
                or key in by_key or type(field).get_value is not fields.Field.get_value):
            return None
        entry = (index, name, field.data_key if field.data_key is not None else name,
                 field._serialize)  # noqa: SLF001
        by_key[key] = entry
        if field.dump_default is not missing:
            defaults.append((key, entry, field.dump_default))
    dict_class = schema.dict_class

    def dump(obj: dict[str, Any]) -> dict[str, Any]:
        found = []
        for key, value in obj.items():
            entry = by_key.get(key)
            if entry is not None:
                found.append((entry, value))
        for key, entry, default in defaults:
            if key not in obj:
                found.append((entry, default() if callable(default) else default))
        # In the schema's order, as marshmallow converts them (the first error is its first)
        found.sort(key=_first)
        result = dict_class()
        for (_, name, out, serialize), value in found:
            result[out] = serialize(value, name, obj)
        return result

    return dump


def _first(item: tuple[Entry, Any]) -> int:
    return item[0][0]
