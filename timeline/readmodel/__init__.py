"""The read model: tables.py (its DDL), projection.py (the rows a commit writes), recorder.py
(writing them in the events' transaction, and the seeks whose SQL is queries.py), model.py
(ReadModel: what the application calls), the queries (state, world, reports, history, stretch,
casualties, areas, sources), digest.py and replay.py; sqlite.py and postgres.py hold what
differs."""
