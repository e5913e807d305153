"""`timeline import` and `timeline export`: ACLED and UCDP in; GeoJSON, areas, CSV and ACLED out."""

from __future__ import annotations

import sys

import click

from ..domainmodel import CONFIDENCE_WORDS
from .base import _app, main


# ---- interoperability: ACLED in, GeoJSON and CSV out -------------------------------------------------

@main.group("import")
def import_() -> None:
    """Import data from other tools."""


@import_.command("acled")
@click.argument("file", type=click.File("rb"))
def import_acled(file) -> None:
    """Import an ACLED CSV export (FILE, or - for stdin). Importing it again adds nothing; rows
    ACLED revised (newer `timestamp`) are corrected; unusable rows are listed with their line."""
    from ..ingest import acled

    _import_file(file, acled, "acled", "save the ACLED export as UTF-8 CSV")


@import_.command("ucdp")
@click.argument("file", type=click.File("rb"))
def import_ucdp(file) -> None:
    """Import a UCDP GED CSV (FILE, or - for stdin): each row an event claim with event_key
    ucdp:<id>. Importing it again adds nothing; rows UCDP recoded are corrected; unusable rows
    are listed with their line."""
    from ..ingest import ucdp

    _import_file(file, ucdp, "ucdp", "save the GED file as UTF-8 CSV")


def _import_file(file, importer, name: str, hint: str) -> None:
    """One dataset import (`importer` has read_rows and import_csv), with a progress bar on a
    terminal and the rejected rows listed by line."""
    from ..domainmodel import DomainError

    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"the file is not UTF-8 ({hint})") from None
    app = _app()
    try:
        from tqdm import tqdm

        total = len(importer.read_rows(text))
        with tqdm(total=total, unit="row", desc=name, file=sys.stderr,
                  disable=not sys.stderr.isatty()) as bar:
            result = importer.import_csv(app, text, progress=bar.update)
    except DomainError as e:
        raise click.ClickException(e.detail) from None
    finally:
        app.close()
    for row in result["rejected"]:
        click.echo(f"rejected line {row['line']}: {row['reason']}", err=True)
    click.echo(f"imported {result['imported']}, unchanged {result['unchanged']}, "
               f"corrected {result['corrected']}, rejected {len(result['rejected'])}")


def _time_option(value: str | None, name: str):
    from ..domainmodel import parse_time

    if value is None:
        return None
    if name == "--known-at" and value.startswith("@") and value[1:].isdigit():
        return int(value[1:])
    try:
        return parse_time(value)
    except ValueError as e:
        raise click.BadParameter(f"{e}: e.g. 2024-12-01T00:00:00Z", param_hint=name) from None


def _window(from_: str | None, to: str | None) -> tuple[str | None, str | None]:
    """--from and --to as stored times (None where not given)."""
    from ..domainmodel import db_time

    start, end = _time_option(from_, "--from"), _time_option(to, "--to")
    return db_time(start) if start else None, db_time(end) if end else None


# The options the export commands share (each use makes a new option of that command).
_AT = click.option("--at", help="Valid time (RFC 3339 with offset; default now).")
_FROM = click.option("--from", "from_", help="Earliest valid time (inclusive).")
_KNOWN_AT = click.option("--known-at", help="Record time, or @position (default now).")
_MIN_CONFIDENCE = click.option("--min-confidence", type=click.Choice(CONFIDENCE_WORDS),
                               default="reported", show_default=True)
_OUTPUT = click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
                       show_default=True)


@main.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["geojson", "csv"]), default="geojson",
              show_default=True, help="Without a subcommand: what to write to stdout.")
@click.pass_context
def export(ctx: click.Context, fmt: str) -> None:
    """Write the state as GeoJSON (QGIS, web maps) or the timeline as CSV (spreadsheets).
    `timeline export` alone writes the current state as GeoJSON; see the subcommands' options."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(export_geojson if fmt == "geojson" else export_csv)


@export.command("geojson")
@_AT
@_KNOWN_AT
@_MIN_CONFIDENCE
@_OUTPUT
def export_geojson(at, known_at, min_confidence, output) -> None:
    """Every place as an RFC 7946 GeoJSON Point with its controller and status."""
    from ..readmodel.export import geojson_text, state_features

    at_value, known = _time_option(at, "--at"), _time_option(known_at, "--known-at")
    app = _app()
    try:
        point = app.queries.point(at=at_value, known_at=known, min_confidence=min_confidence)
        output.write(geojson_text(state_features(app.queries, app.names, point)) + "\n")
    finally:
        app.close()


@export.command("areas")
@_AT
@_KNOWN_AT
@click.option("--published-by", help="Only reports published at or before it (RFC 3339 with offset).")
@_MIN_CONFIDENCE
@click.option("--reach", type=click.FloatRange(0, 1000, min_open=True), default=30.0,
              show_default=True, help="How far (km) a place's land reaches at most.")
@_OUTPUT
def export_areas(at, known_at, published_by, min_confidence, reach, output) -> None:
    """Areas of control as an RFC 7946 GeoJSON FeatureCollection (as `GET /areas.geojson`): one
    MultiPolygon per (controller, status), then the unknown land. Opens in QGIS."""
    import inspect

    from ..readmodel.areas import collection_text

    at_value, known = _time_option(at, "--at"), _time_option(known_at, "--known-at")
    published = _time_option(published_by, "--published-by")
    app = _app()
    try:
        kwargs = {"at": at_value, "known_at": known, "min_confidence": min_confidence}
        if published is not None and "published_by" in inspect.signature(app.queries.point).parameters:
            kwargs["published_by"] = published
        point = app.queries.point(**kwargs)
        output.write(collection_text(app.queries, app.names, point, reach_km=reach) + "\n")
    finally:
        app.close()


@export.command("csv")
@_FROM
@click.option("--to", help="Latest valid time (inclusive).")
@_KNOWN_AT
@click.option("--city")
@click.option("--faction", help="Includes its sub-factions.")
@click.option("--leader")
@_MIN_CONFIDENCE
@_OUTPUT
def export_csv(from_, to, known_at, city, faction, leader, min_confidence, output) -> None:
    """The timeline (as `GET /timeline.csv`): claims in valid-time order with their changes."""
    from ..domainmodel import DomainError
    from ..readmodel.export import timeline_csv, timeline_items

    start, end = _window(from_, to)
    known = _time_option(known_at, "--known-at")
    app = _app()
    try:
        point = app.queries.point(known_at=known, min_confidence=min_confidence)
        items = timeline_items(app, point, start=start, end=end, city=city, faction=faction,
                               leader=leader)
        for chunk in timeline_csv(items):
            output.write(chunk)
    except DomainError as e:
        raise click.ClickException(e.detail) from None
    finally:
        app.close()


@export.command("acled")
@_FROM
@click.option("--to", help="End of the valid-time window (exclusive).")
@_KNOWN_AT
@_OUTPUT
def export_acled(from_, to, known_at, output) -> None:
    """Counted claims in ACLED's export columns, one row per event (as `GET /acled.csv`)."""
    from ..ingest.acled_export import csv_text, rows

    start, end = _window(from_, to)
    known = _time_option(known_at, "--known-at")
    app = _app()
    try:
        point = app.queries.point(known_at=known)
        for chunk in csv_text(rows(app, point, start=start, end=end)):
            output.write(chunk)
    finally:
        app.close()
