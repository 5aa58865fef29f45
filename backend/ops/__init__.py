"""Database operations behind the routes (each takes a Connection; no HTTP here)."""
