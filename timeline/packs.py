"""Seed packs: a folder of reference data and sourced reports for one conflict (seeds/README.md),
checked against seeds/pack.schema.json and against itself before anything is written."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .domainmodel import name_key

SEEDS_ROOT = Path(__file__).resolve().parent.parent / "seeds"
DEFAULT_PACK = SEEDS_ROOT / "syria-2024"
# Seed reports written before packs existed lived in seeds/reports/. Any file still put there
# (by a branch started before the move) loads with the default pack, as it did.
LEGACY_REPORTS = SEEDS_ROOT / "reports"
SCHEMA = SEEDS_ROOT / "pack.schema.json"
FILES = ("pack.json", "places.json", "factions.json", "leaders.json")


class PackError(ValueError):
    """A pack that cannot be loaded: every problem found, each naming its file and JSON path."""

    def __init__(self, root: Path, problems: list[str]):
        self.problems = problems
        super().__init__(f"seed pack {root} is not valid ({len(problems)} problem"
                         f"{'s' if len(problems) != 1 else ''}):\n  " + "\n  ".join(problems))


@dataclass
class Pack:
    root: Path
    meta: dict[str, Any]
    places: list[dict[str, Any]] = field(default_factory=list)
    factions: list[dict[str, Any]] = field(default_factory=list)
    leaders: list[dict[str, Any]] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)


def pack_dir(text: str | Path) -> Path:
    """A folder as given, else a pack of seeds/ by name (`sudan-2023`)."""
    path = Path(text)
    if path.is_dir():
        return path.resolve()
    if (SEEDS_ROOT / str(text)).is_dir():
        return (SEEDS_ROOT / str(text)).resolve()
    known = ", ".join(sorted(p.name for p in SEEDS_ROOT.iterdir() if (p / "pack.json").is_file()))
    raise PackError(path, [f"{text}: no such folder (the packs in seeds/: {known})"])


def json_path(parts: Any) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def _validate(data: Any, definition: str, where: str, problems: list[str]) -> bool:
    from jsonschema import Draft202012Validator

    root = _schema()
    validator = Draft202012Validator({"$defs": root["$defs"], "$ref": f"#/$defs/{definition}"})
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    for e in errors:
        problems.append(f"{where}: {json_path(e.absolute_path)}: {e.message}")
    return not errors


def _read(path: Path, root: Path, problems: list[str]) -> Any:
    rel = path.relative_to(root) if path.is_relative_to(root) else path
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(f"{rel}: $: not UTF-8")
    except json.JSONDecodeError as e:
        problems.append(f"{rel}: $: not JSON ({e.msg} at line {e.lineno}, column {e.colno})")
    return None


def load_pack(text: str | Path, names: Any = None,
              extra_places: list[dict[str, Any]] | None = None) -> Pack:
    """Reads and checks a pack; PackError lists every problem. `names` (the store's index)
    lets the pack's reports name places, factions and leaders the store already knows, and
    `extra_places` places about to be registered with it (`--country`)."""
    root = pack_dir(text)
    problems: list[str] = []
    data: dict[str, Any] = {}
    for name in FILES:
        if (root / name).is_file():
            value = _read(root / name, root, problems)
            if value is not None and _validate(value, name, name, problems):
                data[name] = value
    report_paths = sorted((root / "reports").glob("*.json")) if (root / "reports").is_dir() else []
    if root == DEFAULT_PACK.resolve() and LEGACY_REPORTS.is_dir():
        report_paths = sorted(report_paths + list(LEGACY_REPORTS.glob("*.json")),
                              key=lambda p: p.name)
    if not data and not report_paths and not problems:
        problems.append(f"{root}: not a seed pack: none of {', '.join(FILES)}, reports/*.json")
    meta = data.get("pack.json", {"name": root.name, "title": root.name})
    pack = Pack(root, meta)
    pack.places = _geonames_places(root, meta.get("geonames") or {}, problems)
    _reference_data(pack, data)
    known = _Known(pack, names, extra_places or [])
    problems += _check_reference_data(pack, data, known)
    pack.reports = _read_reports(root, report_paths, known, problems)
    if problems:
        raise PackError(root, problems)
    return pack


def _geonames_places(root: Path, geonames: dict[str, Any], problems: list[str]) -> list[dict[str, Any]]:
    """The GeoNames places of the countries pack.json names, with the pack's own spellings."""
    from .countries import UnknownCountry, country_code, country_places

    places: list[dict[str, Any]] = []
    refine: dict[str, Any] = {}
    for key, definition in (("place_names", "place_names.json"), ("governorates", "governorates.json")):
        if geonames.get(key):
            path = root / geonames[key]
            if not path.is_file():
                problems.append(f"pack.json: $.geonames.{key}: no file {geonames[key]!r} in the pack")
                continue
            value = _read(path, root, problems)
            if value is not None and _validate(value, definition, geonames[key], problems):
                refine[key] = value[key if key == "governorates" else "places"]
    for i, code in enumerate(geonames.get("countries", [])):
        try:
            cc = country_code(code)
        except UnknownCountry as e:
            problems.append(f"pack.json: $.geonames.countries[{i}]: {e}")
            continue
        places += country_places(cc, refine.get("place_names"), refine.get("governorates"))
    return places


def _reference_data(pack: Pack, data: dict[str, Any]) -> None:
    """The places (after the GeoNames ones), factions and leaders of the pack's files."""
    for p in data.get("places.json", {}).get("places", []):
        pack.places.append({
            "id": p["id"], "name": p["name"], "aliases": p.get("aliases", []),
            "lat": float(p["lat"]), "lon": float(p["lon"]), "governorate": p.get("governorate"),
            "parent": p.get("parent"), "place_kind": p.get("kind", "city"), "source": p.get("source")})
    pack.factions = [{"id": f["id"], "name": f["name"], "aliases": f.get("aliases", []),
                      "parent": f.get("parent"), "source": f.get("source")}
                     for f in data.get("factions.json", {}).get("factions", [])]
    pack.leaders = [{"id": le["id"], "name": le["name"], "aliases": le.get("aliases", []),
                     "role": le.get("role"), "faction": le.get("faction"), "source": le.get("source")}
                    for le in data.get("leaders.json", {}).get("leaders", [])]


def _check_reference_data(pack: Pack, data: dict[str, Any], known: _Known) -> list[str]:
    """Ids given twice in a file, and parents or factions that name nothing known."""
    problems = []
    for kind, file, items, refs in (
            ("place", "places.json", data.get("places.json", {}).get("places", []), {"parent": "place"}),
            ("faction", "factions.json", pack.factions, {"parent": "faction"}),
            ("leader", "leaders.json", pack.leaders, {"faction": "faction"})):
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item["id"] in seen:
                problems.append(f"{file}: $.{kind}s[{i}].id: {item['id']!r} is given twice")
            seen.add(item["id"])
            for ref, ref_kind in refs.items():
                if item.get(ref) and not known.has(ref_kind, item[ref]):
                    problems.append(f"{file}: $.{kind}s[{i}].{ref}: unknown {ref_kind} {item[ref]!r}")
    return problems


def _read_reports(root: Path, report_paths: list[Path], known: _Known,
                  problems: list[str]) -> list[Path]:
    """The report files that are valid reports; their claims are checked against the pack."""
    claims_of: dict[str, int] = {}
    payloads: list[tuple[Path, dict[str, Any]]] = []
    for path in report_paths:
        where = _where(path, root)
        value = _read(path, root, problems)
        if value is not None and _validate(value, "report", where, problems):
            payloads.append((path, value))
            claims_of[path.stem] = len(value["claims"])
    for path, payload in payloads:
        problems += _check_claims(_where(path, root), payload, known, claims_of)
    return [p for p, _ in payloads]


def _where(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


class _Known:
    """Names the pack's reports may use: the pack's own entities and the store's."""

    def __init__(self, pack: Pack, names: Any, extra_places: list[dict[str, Any]]):
        self.names = names
        self.keys: dict[str, set[str]] = {"place": set(), "faction": set(), "leader": set()}
        for kind, items in (("place", pack.places + extra_places), ("faction", pack.factions),
                            ("leader", pack.leaders)):
            for item in items:
                self.keys[kind].add(item["id"])
                self.keys[kind].update(name_key(n) for n in [item["name"], *item.get("aliases", [])])

    def has(self, kind: str, text: Any) -> bool:
        if not isinstance(text, str):
            return False
        if text in self.keys[kind] or name_key(text) in self.keys[kind]:
            return True
        return bool(self.names is not None and self.names.lookup(kind, text))


def _check_claims(where: str, payload: dict[str, Any], known: _Known,
                  claims_of: dict[str, int]) -> list[str]:
    from .claims import FIELDS

    problems = []
    for i, claim in enumerate(payload["claims"]):
        required, optional = FIELDS.get(claim["type"], ({}, {}))
        for fname, kind in {**required, **optional}.items():
            if fname not in claim or kind is None:
                continue
            value = claim[fname]
            if kind in ("place", "faction", "leader") and not known.has(kind, value):
                problems.append(f"{where}: $.claims[{i}].{fname}: unknown {kind} {value!r}")
            elif kind == "faction*" and isinstance(value, list):
                for j, v in enumerate(value):
                    if not known.has("faction", v):
                        problems.append(f"{where}: $.claims[{i}].{fname}[{j}]: unknown faction {v!r}")
            elif kind == "claim" and isinstance(value, str) and value.startswith("@"):
                stem, _, index = value[1:].partition("#")
                if stem not in claims_of or not index.isdigit() or int(index) >= claims_of[stem]:
                    problems.append(f"{where}: $.claims[{i}].{fname}: {value!r} names no claim "
                                    "of a report of the pack (@<file stem>#<index>)")
    return problems


def country_refinements(cc: str) -> dict[str, Any]:
    """The spellings a pack of seeds/ gives a country's GeoNames places (syria-2024's for SY),
    so that `--country SY` registers them under the ids the pack does."""
    for pack_json in sorted(SEEDS_ROOT.glob("*/pack.json")):
        try:
            meta = json.loads(pack_json.read_text(encoding="utf-8"))
        except ValueError:
            continue
        geonames = meta.get("geonames") or {}
        if cc not in [c.upper() for c in geonames.get("countries", [])] or len(geonames["countries"]) != 1:
            continue
        out: dict[str, Any] = {}
        if geonames.get("place_names"):
            out["place_names"] = json.loads((pack_json.parent / geonames["place_names"]).read_text())["places"]
        if geonames.get("governorates"):
            out["governorates"] = json.loads(
                (pack_json.parent / geonames["governorates"]).read_text())["governorates"]
        if out:
            return out
    return {}
