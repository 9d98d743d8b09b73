"""Deepchecks gates after ingest, split and train, and the reports they write."""
