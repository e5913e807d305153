"""Domain errors name a kind (timeline/domainmodel.py); the HTTP layer alone turns each kind into
a status (api/errors.py), and the problem+json body carries the detail and the errors by path."""

from __future__ import annotations

import pytest
from flask import Flask

from api import errors
from timeline.domainmodel import Conflict, DomainError, NotFound, TooLarge
from timeline.ingest import acled_rows, ucdp


@pytest.mark.parametrize("kind, status", [(DomainError, 422), (Conflict, 409), (NotFound, 404),
                                          (TooLarge, 413)])
def test_each_kind_of_domain_error_is_answered_with_its_status_as_a_problem(kind, status):
    app = Flask(__name__)
    errors.register(app)

    @app.post("/raise")
    def raising():
        raise kind("claims.0.city: unknown place", {"claims.0.city": "unknown place"})

    r = app.test_client().post("/raise")
    assert r.status_code == status and r.mimetype == "application/problem+json"
    body = r.get_json()
    assert body["status"] == status and body["detail"] == "claims.0.city: unknown place"
    assert body["errors"] == {"claims.0.city": ["unknown place"]}


@pytest.mark.parametrize("importer", [acled_rows, ucdp])
def test_a_file_with_more_rows_than_an_import_takes_is_too_large(importer, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 2)
    rows = "\n".join(",".join(f"{c}{i}" for c in importer.REQUIRED) for i in range(3))
    with pytest.raises(TooLarge) as refused:
        importer.read_rows(",".join(importer.REQUIRED) + "\n" + rows + "\n")
    assert errors.domain_status(refused.value) == 413
