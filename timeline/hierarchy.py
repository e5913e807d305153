"""Walking the parent links of the reference data (sub-factions, districts of a city)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


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
