"""The `timeline` command group and what its commands share: the store they open."""

from __future__ import annotations

import click

from .. import config


def _app():
    from ..application import TimelineApplication

    try:
        return TimelineApplication(config.database_url())
    except Exception as e:  # a bad URL or an unreachable server: say so, no traceback
        raise click.ClickException(f"cannot open the store {config.database_url()!r}: {e}") from None


@click.group()
def main() -> None:
    """Conflict timeline service. Store: $TIMELINE_DATABASE_URL (default sqlite:///var/timeline.db)."""
