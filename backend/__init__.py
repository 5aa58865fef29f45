"""Reference operator backend (BOSS gateway): HTTP API, database, demo data.

Imports none of the kiosk packages: the kiosk meets it only over HTTP (docs/api.md).
"""
