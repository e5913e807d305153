"""`timeline token create|list|revoke` on both stores: tokens are stored as SHA-256 hashes and a
revoked token stops working at once."""

from __future__ import annotations

import hashlib

from click.testing import CliRunner

from timeline.application import TimelineApplication
from timeline.cli import main


def run(store_url, *args):
    result = CliRunner().invoke(main, list(args), env={"TIMELINE_DATABASE_URL": store_url})
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()


def test_tokens_are_created_listed_and_revoked_from_the_command_line(store_url):
    writer = run(store_url, "token", "create", "--role", "writer", "--label", "analyst desk")[-1]
    admin = run(store_url, "token", "create", "--role", "admin")[-1]
    app = TimelineApplication(store_url)
    try:
        assert app.token_role(writer) == "writer" and app.token_role(admin) == "admin"
        stored = {r["hash"] for r in app.recorder.fetchall("SELECT hash FROM tl_tokens")}
        assert stored == {hashlib.sha256(t.encode()).hexdigest() for t in (writer, admin)}
        listing = run(store_url, "token", "list")
        assert len(listing) == 2 and any("analyst desk" in line for line in listing)
        assert writer not in "\n".join(listing)  # the list never shows a token
        token_id = hashlib.sha256(writer.encode()).hexdigest()[:12]
        assert run(store_url, "token", "revoke", token_id) == ["revoked 1 token(s)"]
        assert app.token_role(writer) is None and app.token_role(admin) == "admin"
        assert "revoked" in next(line for line in run(store_url, "token", "list") if token_id in line)
    finally:
        app.close()
    again = CliRunner().invoke(main, ["token", "revoke", token_id], env={"TIMELINE_DATABASE_URL": store_url})
    assert again.exit_code != 0 and "no such active token" in again.output


def test_a_reader_token_is_created_from_the_command_line(store_url):
    reader = run(store_url, "token", "create", "--role", "reader", "--label", "dashboard")[-1]
    app = TimelineApplication(store_url)
    try:
        assert app.token_role(reader) == "reader"
        assert any(" reader " in line for line in run(store_url, "token", "list"))
    finally:
        app.close()


def test_an_unknown_role_is_refused_with_a_message(store_url):
    result = CliRunner().invoke(main, ["token", "create", "--role", "root"],
                                env={"TIMELINE_DATABASE_URL": store_url})
    assert result.exit_code != 0 and "root" in result.output


def test_replace_revokes_the_active_tokens_of_the_same_label_only(store_url):
    first = run(store_url, "token", "create", "--role", "writer", "--label", "make run")[-1]
    other = run(store_url, "token", "create", "--role", "writer", "--label", "analyst desk")[-1]
    second = run(store_url, "token", "create", "--role", "writer", "--label", "make run",
                 "--replace")[-1]
    app = TimelineApplication(store_url)
    try:
        assert app.token_role(first) is None  # replaced: `make run` does not pile tokens up
        assert app.token_role(second) == "writer" and app.token_role(other) == "writer"
        active = [t for t in app.list_tokens() if not t["revoked_at"]]
        assert sorted(t["label"] for t in active) == ["analyst desk", "make run"]
    finally:
        app.close()
    unlabelled = CliRunner().invoke(main, ["token", "create", "--replace"],
                                    env={"TIMELINE_DATABASE_URL": store_url})
    assert unlabelled.exit_code != 0 and "label" in unlabelled.output
