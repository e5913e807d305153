"""The reports' sources and filers are read-model rows like any other: a replay rebuilds them
from the log (filed_by travels with the event), and the digest covers them."""

from timeline.readmodel import sources
from tests.conftest import control, report


def test_a_replay_rebuilds_the_sources_index_with_filed_by(world):
    body = report(control("Homs", "HTS", "2024-12-01T00:00:00Z"))
    body["source"] = {"name": "Daily Star", "via": "Reuters"}
    mine = world.file_report(body, filed_by="ann")
    other = world.file_report(report(control("Hama", "HTS", "2024-12-02T00:00:00Z"),
                                     source="Reuters"))
    k = world.head()
    before = sources.reports_page(world.recorder, k=k)
    digest = world.digest()
    assert world.replay() == digest
    after = sources.reports_page(world.recorder, k=k)
    assert after == before
    assert [(r["id"], r["filed_by"], r["origin"]) for r in after] == [
        (other["id"], None, "Reuters"), (mine["id"], "ann", "Reuters")]
    origins = sources.sources(world.recorder, k=k)
    assert [(o["origin"], o["names"], o["reports"]) for o in origins] == [
        ("Reuters", ["Daily Star", "Reuters"], 2)]


def test_the_digest_covers_who_filed_each_report(tmp_path):
    from tests.conftest import new_store_url, register_world
    from timeline.application import TimelineApplication

    def digest_of(name, filed_by):
        url, cleanup = new_store_url("sqlite", tmp_path / name)
        app = TimelineApplication(url)
        try:
            register_world(app)
            app.file_report(report(control("Homs", "HTS", "2024-12-01T00:00:00Z")),
                            filed_by=filed_by)
            return app.digest()
        finally:
            app.close()
            cleanup()

    assert digest_of("a", "ann") == digest_of("b", "ann")
    assert digest_of("c", "ann") != digest_of("d", None)
