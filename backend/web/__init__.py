"""The staff web UI under /staff: server-rendered, no JavaScript."""
