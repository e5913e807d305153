"""Event-sourced, bitemporal timeline of a conflict: domain, application and projections (no Flask)."""
