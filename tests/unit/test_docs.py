"""The repository's copy of the HTTP contract is the one the team shares beside it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "API.md"


def test_the_contract_in_docs_is_the_shared_one():
    copy = (ROOT / "docs" / "API.md").read_text()
    assert "# HTTP contract of the timeline service" in copy
    if SHARED.exists():  # beside the checkout in CI and on the team's machines
        assert copy == SHARED.read_text(), "docs/API.md differs from ../shared/API.md: copy it"
