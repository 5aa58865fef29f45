"""Deterministic demo data: catalogue, people, usage records, bulk loading."""
