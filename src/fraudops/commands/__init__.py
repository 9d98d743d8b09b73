"""CLI commands grouped by area; each module adds its commands to ``fraudops.cli.app``."""
