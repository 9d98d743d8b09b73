"""CLI commands grouped by area; each module registers thin wrappers on ``fraudops.cli.app``."""
