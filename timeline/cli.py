"""The `timeline` command: seed, token, serve, replay, digest, migrate, backup."""

from __future__ import annotations

import os
import sys

import click

from . import config
from .domainmodel import CONFIDENCE_WORDS


def _app():
    from .application import TimelineApplication

    try:
        return TimelineApplication(config.database_url())
    except Exception as e:  # a bad URL or an unreachable server: say so, no traceback
        raise click.ClickException(f"cannot open the store {config.database_url()!r}: {e}") from None


@click.group()
def main() -> None:
    """Conflict timeline service. Store: $TIMELINE_DATABASE_URL (default sqlite:///var/timeline.db)."""


@main.command()
@click.option("--reference-only", is_flag=True, help="Load only places, factions and leaders.")
@click.option("--country", "countries", multiple=True, metavar="CC",
              help="Register only this country's GeoNames populated places (ISO 3166 alpha-2, "
                   "e.g. SD, UA; repeatable), with no reports.")
@click.option("--pack", "packs", multiple=True, metavar="DIR",
              help="Load this seed pack (a folder, or a pack of seeds/ by name, e.g. sudan-2023; "
                   "repeatable). Default: seeds/syria-2024, unless --country is given.")
def seed(reference_only: bool, countries: tuple[str, ...], packs: tuple[str, ...]) -> None:
    """Load seed packs (gazetteer, factions, leaders, then the seed reports) and GeoNames
    countries. Everything is checked before anything is written; twice adds nothing."""
    from .countries import UnknownCountry, country_code, country_places, seed_country
    from .domainmodel import DomainError
    from .packs import PackError, load_pack
    from .seeding import seed_pack

    try:  # an unknown code is refused before the store is even opened
        codes = list(dict.fromkeys(country_code(c) for c in countries))
    except UnknownCountry as e:
        raise click.ClickException(str(e)) from None
    if not packs and not codes:
        packs = ("syria-2024",)
    app = _app()
    try:
        # every pack is checked first (its reports may name the countries' places), then the
        # countries are registered, then the packs; again if another seed got a batch in first
        def run_all() -> dict[str, int]:
            extra = [p for cc in codes for p in country_places(cc)]
            loaded = [load_pack(p, app.names, extra) for p in packs]
            counts = {"places": 0, "factions": 0, "leaders": 0, "reports": 0}
            for cc in codes:
                counts["places"] += seed_country(app, cc)
            for pack in loaded:
                for k, v in seed_pack(app, pack, reference_only=reference_only).items():
                    counts[k] += v
            return counts

        counts = _seed_racing(run_all)
    except PackError as e:
        raise click.ClickException(str(e)) from None
    except DomainError as e:
        raise click.ClickException(e.detail) from None
    finally:
        app.close()
    click.echo("seeded: " + ", ".join(f"{v} new {k}" for k, v in counts.items()))


def _seed_racing(run, attempts: int = 8) -> dict[str, int]:
    """Runs an idempotent seeding again when another process seeding the same store at the same
    time got a batch in first (a version conflict), or held the write lock past its timeout:
    a second run skips what is there and adds the rest. Returns the counts of every run."""
    import time

    from eventsourcing.persistence import IntegrityError, OperationalError

    total: dict[str, int] = {}
    for attempt in range(attempts):
        try:
            counts = run()
        except (IntegrityError, OperationalError) as error:
            if attempt == attempts - 1:
                raise click.ClickException(f"seeding kept conflicting with another writer: "
                                           f"{error}") from None
            time.sleep(0.2 * (attempt + 1))
            continue
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value
        return total
    raise AssertionError("unreachable")


@main.command()
@click.option("--force", is_flag=True, help="Run the DDL even if the schema is current.")
def migrate(force: bool) -> None:
    """Create the store's tables (under PostgreSQL's advisory lock) unless they are current;
    print the schema version as the last line. Starts do this too when the schema is not
    current; run it first when several hosts start together on a new database."""
    from .application import TimelineApplication
    from .migrate import MigrationTimeout, migrate as run, version

    try:
        app = TimelineApplication(config.database_url(), env={"CREATE_TABLE": "no"})
    except Exception as e:
        raise click.ClickException(f"cannot open the store {config.database_url()!r}: {e}") from None
    try:
        ran = run(app.recorder, force=force)
        current = version(app.recorder)
    except MigrationTimeout as e:
        raise click.ClickException(str(e)) from None
    finally:
        app.close()
    click.echo("created the tables" if ran else "the schema is current", err=True)
    click.echo(current)


@main.group()
def token() -> None:
    """Bearer tokens (stored as SHA-256 hashes)."""


@token.command("create")
@click.option("--role", type=click.Choice(["reader", "writer", "admin"]), default="writer",
              show_default=True, help="reader: reads when TIMELINE_PUBLIC_READS=0, no writes; "
                                      "writer: every write; admin: as writer.")
@click.option("--label", default=None, help="A note saying whose token it is.")
@click.option("--replace", is_flag=True,
              help="Revoke the active tokens with the same --label (`make run` uses it).")
def token_create(role: str, label: str | None, replace: bool) -> None:
    """Print a new bearer token (as the last line)."""
    from .domainmodel import DomainError

    app = _app()
    try:
        value = app.create_token(role, label, replace=replace)
    except DomainError as e:
        raise click.ClickException(e.detail) from None
    finally:
        app.close()
    click.echo(f"new {role} token (shown once; store it now):", err=True)
    click.echo(value)


@token.command("list")
def token_list() -> None:
    """List tokens: id prefix, role, label, created, revoked."""
    app = _app()
    try:
        for t in app.list_tokens():
            click.echo(f"{t['id']}  {t['role']:<6}  {t['created_at']}  "
                       f"{'revoked ' + t['revoked_at'] if t['revoked_at'] else 'active'}  {t['label'] or ''}")
    finally:
        app.close()


@token.command("revoke")
@click.argument("token_or_id")
def token_revoke(token_or_id: str) -> None:
    """Revoke a token, given the token or the id that `token list` shows."""
    app = _app()
    try:
        n = app.revoke_token(token_or_id)
    finally:
        app.close()
    if not n:
        raise click.ClickException("no such active token")
    click.echo(f"revoked {n} token(s)")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=lambda: int(os.environ.get("PORT", 8000)), type=int,
              help="Default $PORT or 8000.")
@click.option("--workers", default=lambda: int(os.environ.get("TIMELINE_WORKERS", 2)), type=int,
              show_default="2")
@click.option("--threads", default=lambda: int(os.environ.get("TIMELINE_THREADS", 8)), type=int,
              show_default="8")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the HTTP API with gunicorn (gthread workers; one application per worker)."""
    # Create the tables once before forking, so workers do not race to create them: on
    # PostgreSQL, workers running CREATE TYPE / CREATE OR REPLACE FUNCTION at once fail to boot
    # ("tuple concurrently updated"), and gunicorn then stops (tests/integration/test_concurrency).
    _app().close()
    os.environ["CREATE_TABLE"] = "no"
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Workers write their metrics here; /metrics sums them (prometheus_client multiprocess).
        # Named for this process (gunicorn's master: execv keeps the pid), removed when it exits
        # (gunicorn_conf.on_exit), and swept by a later serve if it was killed (issue 15: every
        # serve left one behind).
        from .gunicorn_conf import METRICS_PREFIX, sweep_metrics_dirs

        import tempfile

        sweep_metrics_dirs()
        folder = tempfile.mkdtemp(prefix=f"{METRICS_PREFIX}{os.getpid()}-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.environ["TIMELINE_OWN_METRICS_DIR"] = folder
    # where to open the page (`make run` shows it): flushed before gunicorn replaces us
    click.echo(f"serving the page on {page_address(host, port)} "
               f"(API: {page_address(host, port)}docs)", err=True)
    sys.stderr.flush()
    os.execv(sys.executable, gunicorn_argv(host, port, workers, threads))


def page_address(host: str, port: int) -> str:
    """The page's URL for a bind address (a wildcard address is reached on the loopback)."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def gunicorn_argv(host: str, port: int, workers: int, threads: int,
                  app: str = "api:create_app()") -> list[str]:
    """The server settings of `timeline serve` (bench/ serves its baseline app with the same).

    gthread workers: each worker process holds one TimelineApplication; its threads share it,
    so concurrent POSTs meet in the application's group commit (one fsync for many requests)
    while reads run in parallel on the pool's connections. 2 workers x 8 threads by default:
    on SQLite there is one writer at a time anyway and a second process keeps the GIL from
    capping reads; on PostgreSQL use --workers 2-4 per core. keep-alive 5 s lets clients reuse
    connections; the 60 s timeout only reaps workers that hang. A request line may be 8190
    bytes, gunicorn's most: at its default, 4094, a longer URL got gunicorn's own HTML 414 page
    instead of the app's problem+json answer (the app itself takes URLs of any length).
    """
    return [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        # gthread, with each request's head and body gathered by the worker's event loop within
        # deadlines before a thread takes it (timeline/serving.py: slow clients hold no thread)
        "--worker-class", "timeline.serving.BufferingWorker",
        "--threads", str(threads),
        "--timeout", "60",
        "--graceful-timeout", "5",
        "--keep-alive", "5",
        "--limit-request-line", "8190",
        "--no-control-socket",
        "--config", "python:timeline.gunicorn_conf",
        app,
    ]


@main.command()
def replay() -> None:
    """Rebuild the read model from the event log; print its digest as the last line."""
    app = _app()
    try:
        total = app.recorder.max_notification_id() or 0
        if sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=total, unit="ev", desc="replay", file=sys.stderr)
            digest = app.replay(progress=bar.update)
            bar.close()
        else:
            digest = app.replay()
    finally:
        app.close()
    click.echo(digest)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
def backup(file: str) -> None:
    """Write a consistent copy of the store to FILE while it serves (SQLite's online backup);
    print the last log position the copy holds as the last line. For PostgreSQL, print the
    pg_dump command to use (and pg_restore's), and the position the dump holds at least."""
    from .backup import backup_sqlite, postgres_commands, sqlite_path

    url = config.database_url()
    path = sqlite_path(url)
    if path is None:
        app = _app()  # the position now: a dump started after this holds at least it
        try:
            position = app.head()
        finally:
            app.close()
        commands = postgres_commands(url, file)
        click.echo(f"PostgreSQL: back up with (one consistent snapshot while it serves):\n"
                   f"  {commands['dump']}\nrestore with (service stopped):\n"
                   f"  {commands['restore']}\nthe dump holds at least position:")
        click.echo(position)
        return
    if not os.path.exists(path):
        raise click.ClickException(f"no store at {path}")
    if os.path.abspath(file) == os.path.abspath(path):
        raise click.ClickException("FILE is the store itself; give another file")
    try:
        position = backup_sqlite(path, file)
    except Exception as e:
        raise click.ClickException(f"backup failed: {e}") from None
    click.echo(f"backed up {path} to {file}; it holds the log up to position:")
    click.echo(position)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a store that already holds events.")
def restore(file: str, force: bool) -> None:
    """Restore a `timeline backup` FILE into the store (SQLite; stop the service first); print
    the read model's digest, then the position, as the last line. For PostgreSQL, print the
    pg_restore command to use."""
    from .backup import postgres_commands, restore_sqlite, sqlite_path

    url = config.database_url()
    path = sqlite_path(url)
    if path is None:
        click.echo(f"PostgreSQL: restore with (service stopped):\n"
                   f"  {postgres_commands(url, file)['restore']}")
        return
    try:
        position = restore_sqlite(file, path, force=force)
    except Exception as e:
        raise click.ClickException(f"restore failed: {e}") from None
    app = _app()
    try:
        click.echo(f"restored {file} into {path}; digest {app.digest()}; position:")
    finally:
        app.close()
    click.echo(position)


@main.command()
def digest() -> None:
    """Print the read model's digest (same log -> same digest, on any store)."""
    app = _app()
    try:
        click.echo(app.digest())
    finally:
        app.close()


# ---- interoperability: ACLED in, GeoJSON and CSV out -------------------------------------------------

@main.group("import")
def import_() -> None:
    """Import data from other tools."""


@import_.command("acled")
@click.argument("file", type=click.File("rb"))
def import_acled(file) -> None:
    """Import an ACLED CSV export (FILE, or - for stdin). Importing it again adds nothing; rows
    ACLED revised (newer `timestamp`) are corrected; unusable rows are listed with their line."""
    from .ingest import acled

    _import_file(file, acled, "acled", "save the ACLED export as UTF-8 CSV")


@import_.command("ucdp")
@click.argument("file", type=click.File("rb"))
def import_ucdp(file) -> None:
    """Import a UCDP GED CSV (FILE, or - for stdin): each row an event claim with event_key
    ucdp:<id>. Importing it again adds nothing; rows UCDP recoded are corrected; unusable rows
    are listed with their line."""
    from .ingest import ucdp

    _import_file(file, ucdp, "ucdp", "save the GED file as UTF-8 CSV")


def _import_file(file, importer, name: str, hint: str) -> None:
    """One dataset import (`importer` has read_rows and import_csv), with a progress bar on a
    terminal and the rejected rows listed by line."""
    from .domainmodel import DomainError

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
    from .domainmodel import parse_time

    if value is None:
        return None
    if name == "--known-at" and value.startswith("@") and value[1:].isdigit():
        return int(value[1:])
    try:
        return parse_time(value)
    except ValueError as e:
        raise click.BadParameter(f"{e}: e.g. 2024-12-01T00:00:00Z", param_hint=name) from None


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
@click.option("--at", help="Valid time (RFC 3339 with offset; default now).")
@click.option("--known-at", help="Record time, or @position (default now).")
@click.option("--min-confidence", type=click.Choice(CONFIDENCE_WORDS),
              default="reported", show_default=True)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              show_default=True)
def export_geojson(at, known_at, min_confidence, output) -> None:
    """Every place as an RFC 7946 GeoJSON Point with its controller and status."""
    from .readmodel.export import geojson_text, state_features

    at_value, known = _time_option(at, "--at"), _time_option(known_at, "--known-at")
    app = _app()
    try:
        point = app.queries.point(at=at_value, known_at=known, min_confidence=min_confidence)
        output.write(geojson_text(state_features(app.queries, app.names, point)) + "\n")
    finally:
        app.close()


@export.command("areas")
@click.option("--at", help="Valid time (RFC 3339 with offset; default now).")
@click.option("--known-at", help="Record time, or @position (default now).")
@click.option("--published-by", help="Only reports published at or before it (RFC 3339 with offset).")
@click.option("--min-confidence", type=click.Choice(CONFIDENCE_WORDS),
              default="reported", show_default=True)
@click.option("--reach", type=click.FloatRange(0, 1000, min_open=True), default=30.0,
              show_default=True, help="How far (km) a place's land reaches at most.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              show_default=True)
def export_areas(at, known_at, published_by, min_confidence, reach, output) -> None:
    """Areas of control as an RFC 7946 GeoJSON FeatureCollection (as `GET /areas.geojson`): one
    MultiPolygon per (controller, status), then the unknown land. Opens in QGIS."""
    import inspect

    from .readmodel.areas import collection_text

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
@click.option("--from", "from_", help="Earliest valid time (inclusive).")
@click.option("--to", help="Latest valid time (inclusive).")
@click.option("--known-at", help="Record time, or @position (default now).")
@click.option("--city")
@click.option("--faction", help="Includes its sub-factions.")
@click.option("--leader")
@click.option("--min-confidence", type=click.Choice(CONFIDENCE_WORDS),
              default="reported", show_default=True)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              show_default=True)
def export_csv(from_, to, known_at, city, faction, leader, min_confidence, output) -> None:
    """The timeline (as `GET /timeline.csv`): claims in valid-time order with their changes."""
    from .domainmodel import DomainError, db_time
    from .readmodel.export import timeline_csv, timeline_items

    start, end = _time_option(from_, "--from"), _time_option(to, "--to")
    known = _time_option(known_at, "--known-at")
    app = _app()
    try:
        point = app.queries.point(known_at=known, min_confidence=min_confidence)
        items = timeline_items(app, point, start=db_time(start) if start else None,
                               end=db_time(end) if end else None, city=city, faction=faction,
                               leader=leader)
        for chunk in timeline_csv(items):
            output.write(chunk)
    except DomainError as e:
        raise click.ClickException(e.detail) from None
    finally:
        app.close()


@export.command("acled")
@click.option("--from", "from_", help="Earliest valid time (inclusive).")
@click.option("--to", help="End of the valid-time window (exclusive).")
@click.option("--known-at", help="Record time, or @position (default now).")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              show_default=True)
def export_acled(from_, to, known_at, output) -> None:
    """Counted claims in ACLED's export columns, one row per event (as `GET /acled.csv`)."""
    from .ingest.acled_export import csv_text, rows
    from .domainmodel import db_time

    start, end = _time_option(from_, "--from"), _time_option(to, "--to")
    known = _time_option(known_at, "--known-at")
    app = _app()
    try:
        point = app.queries.point(known_at=known)
        for chunk in csv_text(rows(app, point, start=db_time(start) if start else None,
                                   end=db_time(end) if end else None)):
            output.write(chunk)
    finally:
        app.close()


if __name__ == "__main__":
    main()
