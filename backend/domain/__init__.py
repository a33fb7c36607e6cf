"""Rules of the pre-check as data and pure functions: no Sanic, no database."""
