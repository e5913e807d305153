"""The `timeline` command: seed, token, serve, replay, digest, migrate, backup."""

from __future__ import annotations

from . import data, serve, store  # noqa: F401 (each registers its commands on main)
from .base import main
from .serve import gunicorn_argv, page_address

__all__ = ["gunicorn_argv", "main", "page_address"]
