"""Reports and claims as GET /reports/{id} and /claims/{id} give them, with the corrections
that retract, reinstate or confirm each claim."""

from __future__ import annotations

import json
from typing import Any

from ..domainmodel import db_to_api
from . import undo


class ReportQueries:
    """Mixin of StateQueries: reports and claims."""

    def claim_status(self, claim_id: str, k: int | None = None) -> dict[str, Any] | None:
        """A claim's type and whether it is retracted/confirmed as of position k (default now);
        `ever_retracted` and `reinstated_by` (API.md v2, undo); for a retraction, `chain`: it
        and the retractions it corrects, down to the first claim that is not one."""
        with self.rm.reading() as cursor:
            row = self.rm.fetchone("SELECT id, type, confidence, target FROM tl_claims "
                                   "WHERE id = :id", {"id": claim_id}, cursor)
            if row is None:
                return None
            links = undo.chain(self.rm, cursor, claim_id)
            confirm = self.rm.fetchone("SELECT claim_id, position FROM tl_corrections "
                                       "WHERE target = :id AND kind = 'confirm'",
                                       {"id": claim_id}, cursor)
            chain, loops, current = [], False, row
            while current is not None and current["type"] == "retract":
                if current["id"] in chain or len(chain) > undo.MAX_CHAIN:
                    loops = True
                    break
                chain.append(current["id"])
                current = self.rm.fetchone("SELECT id, type, target FROM tl_claims WHERE id = :id",
                                           {"id": current["target"]}, cursor)
        status = undo.status(links, k)
        confirmed = confirm is not None and (k is None or confirm["position"] <= k)
        return {"id": row["id"], "type": row["type"], "retracted": status["retracted"],
                "confirmed": confirmed, "retracted_by": status["retracted_by"],
                "confirmed_by": confirm["claim_id"] if confirmed else None,
                "ever_retracted": bool(links), "reinstated_by": status["reinstated_by"],
                "chain": chain, "loops": loops}

    def claim_view(self, row: dict[str, Any], corrections: dict[str, Any]) -> dict[str, Any]:
        data = json.loads(row["data"])
        view = {"id": row["id"], **data}
        if row.get("target"):
            view["claim"] = row["target"]
        view["occurred_at"] = data.get("occurred_at")
        status = corrections.get("status") or undo.status([])
        confirm = corrections.get("confirm")
        view["retracted"] = status["retracted"]
        view["retracted_by"] = status["retracted_by"]
        view["reinstated_by"] = status["reinstated_by"]
        if confirm is not None and not status["retracted"]:
            view["confidence"] = "confirmed"
        view["confirmed_by"] = confirm["claim_id"] if confirm else None
        view["stated_confidence"] = data.get("confidence")
        view["report"] = row["report_id"]
        view["position"] = row["position"]
        view["recorded_at"] = db_to_api(row["recorded_at"])
        return view

    def _corrections(self, claim_ids: list[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        with self.rm.reading() as cursor:
            for c in undo.load(self.rm, cursor, claim_ids):
                out.setdefault(c["target"], {})[c["kind"]] = c
            for cid, found in out.items():
                if "retract" in found:
                    found["status"] = undo.status(undo.chain(self.rm, cursor, cid))
        return out

    def report(self, report_id: str) -> dict[str, Any] | None:
        row = self.rm.fetchone("SELECT * FROM tl_reports WHERE id = :id", {"id": report_id})
        if row is None:
            return None
        claims = self.rm.fetchall("SELECT * FROM tl_claims WHERE report_id = :id ORDER BY seq",
                                  {"id": report_id})
        corrections = self._corrections([c["id"] for c in claims])
        data = json.loads(row["data"])
        return {"id": row["id"], **data, "published_at": db_to_api(row["published_at"]),
                "position": row["position"], "recorded_at": db_to_api(row["recorded_at"]),
                "claims": [self.claim_view(c, corrections.get(c["id"], {})) for c in claims]}

    def claim(self, claim_id: str) -> dict[str, Any] | None:
        row = self.rm.fetchone("SELECT * FROM tl_claims WHERE id = :id", {"id": claim_id})
        if row is None:
            return None
        view = self.claim_view(row, self._corrections([claim_id]).get(claim_id, {}))
        report = self.rm.fetchone("SELECT * FROM tl_reports WHERE id = :id", {"id": row["report_id"]})
        data = json.loads(report["data"]) if report else {}
        view["report"] = {"id": row["report_id"], "source": data.get("source"),
                          "headline": data.get("headline"),
                          "published_at": db_to_api(report["published_at"]) if report else None}
        return view
