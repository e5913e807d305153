"""Walking the parent links of the reference data (sub-factions, districts of a city)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any


def descendants(root: str, children: Mapping[str | None, Sequence[str]]) -> set[str]:
    """`root` and everything below it through `children` (parent -> its children), each once;
    a cycle in the links does not loop."""
    out: set[str] = set()
    todo = [root]
    while todo:
        member = todo.pop()
        if member not in out:
            out.add(member)
            todo += children.get(member, [])
    return out


def families(entities: Iterable[dict[str, Any]]) -> Callable[[str], set[str]]:
    """id -> it and every entity below it through `parent` links (sub-factions, districts),
    memoised: one walk per id for as long as the caller keeps the function."""
    children: dict[str | None, list[str]] = {}
    for entity in entities:
        if entity.get("parent"):
            children.setdefault(entity["parent"], []).append(entity["id"])
    memo: dict[str, set[str]] = {}

    def family(root: str) -> set[str]:
        if root not in memo:
            memo[root] = descendants(root, children)
        return memo[root]

    return family
