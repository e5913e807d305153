"""`timeline backup FILE` / `timeline restore FILE`: a consistent copy of the store while it
serves. SQLite: the online backup API (`sqlite3.Connection.backup`). PostgreSQL: the `pg_dump` /
`pg_restore` commands to use, which the database's own tools run better than we could."""

from __future__ import annotations

import os
import shlex
import sqlite3
from pathlib import Path

from . import config


def sqlite_path(url: str) -> str | None:
    """The file of a sqlite:/// URL, else None."""
    if not url.startswith("sqlite:///"):
        return None
    return config.persistence_env(url)["SQLITE_DBNAME"]


def head_of(path: str) -> int:
    """The last log position a SQLite store (file) holds."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT COALESCE(MAX(position), 0) FROM tl_log").fetchone()
        return int(row[0])
    finally:
        conn.close()


def backup_sqlite(source: str, target: str) -> int:
    """Copies the store at `source` to `target` (replaced) while others read and write it;
    returns the last log position the copy holds.

    One step (pages=-1): the copy is made inside one read transaction, so it is the store as of
    one commit (WAL lets writers go on meanwhile). A backup in several steps starts again
    whenever another connection writes between two steps: under steady writes it might never
    end. The copy is written next to `target` and renamed over it only when complete."""
    target_path = Path(target)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    partial = target_path.with_name(target_path.name + ".partial")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(str(partial))
    try:
        src.backup(dst)
        # A copy that stands alone: one file, no WAL beside it.
        dst.execute("PRAGMA journal_mode = DELETE")
        position = int(dst.execute("SELECT COALESCE(MAX(position), 0) FROM tl_log").fetchone()[0])
    finally:
        dst.close()
        src.close()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target_path}{suffix}").unlink(missing_ok=True)
    os.replace(partial, target_path)
    return position


def restore_sqlite(backup: str, target: str, force: bool = False) -> int:
    """Copies a backup into the store at `target`; returns the position it holds. Refuses a
    store that already holds events unless `force` (the service must be stopped meanwhile)."""
    if not Path(backup).is_file():
        raise ValueError(f"no such backup file: {backup}")
    position = head_of(backup)  # also checks it is a store's copy
    if Path(target).exists() and not force:
        try:
            there = head_of(target)
        except sqlite3.Error:
            there = 0
        if there:
            raise ValueError(f"the store {target} already holds events (up to position "
                             f"{there}); stop the service and pass --force to replace it")
    src = sqlite3.connect(backup)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = WAL")  # as the service opens its store
    finally:
        dst.close()
        src.close()
    return position


def postgres_commands(url: str, file: str) -> dict[str, str]:
    """The pg_dump and pg_restore commands for the store's schema (`?schema=`, default
    `timeline`). pg_dump reads one snapshot (REPEATABLE READ): a consistent copy while the
    service writes, holding at least the position printed before it starts."""
    env = config.persistence_env(url)
    # No password on the command line (it would stay in the shell's history): PGPASSWORD or
    # ~/.pgpass give it.
    conn = (f"postgresql://{env['POSTGRES_USER']}@{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}"
            f"/{env['POSTGRES_DBNAME']}")
    schema = env["POSTGRES_SCHEMA"]
    dump = ["pg_dump", f"--dbname={conn}", f"--schema={schema}", "--format=custom",
            f"--file={file}"]
    restore = ["pg_restore", f"--dbname={conn}", "--clean", "--if-exists", "--single-transaction",
               file]
    return {"dump": shlex.join(dump), "restore": shlex.join(restore)}
