"""CLI commands by area; each module adds thin wrappers to ``fraudops.cli.app``."""
