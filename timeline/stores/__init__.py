"""Plain tables that are not event-sourced: API tokens and Idempotency-Keys. They live in the same
database as the read model but are kept across replays (readmodel/tables.py: not derived)."""
