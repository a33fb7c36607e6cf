"""The bot side's storage layer: durable state behind one SQLAlchemy code path, on SQLite in the
embedded default and on PostgreSQL in production (docs/stores.md lists what lives where)."""
