"""Fixtures shared by the integration tests."""

from __future__ import annotations

import pytest

from tests.reference_gazetteer import reference_gazetteer


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory):
    """The seeded places, factions and leaders (no reports): the article reader only reads them."""
    with reference_gazetteer(tmp_path_factory.mktemp("gazetteer")) as app:
        yield app
