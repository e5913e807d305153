"""`timeline` commands that look after the store: seed, migrate, token, replay, backup, restore,
digest."""

from __future__ import annotations

import os
import sys

import click

from .. import config
from .base import _app, main


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
    from ..countries import UnknownCountry, country_code, country_places, seed_country
    from ..domainmodel import DomainError
    from ..packs import PackError, load_pack
    from ..seeding import seed_pack

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
    from ..application import TimelineApplication
    from ..migrate import MigrationTimeout, migrate as run, version

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
    from ..domainmodel import DomainError

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
    from ..backup import backup_sqlite, postgres_commands, sqlite_path

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
    from ..backup import postgres_commands, restore_sqlite, sqlite_path

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
