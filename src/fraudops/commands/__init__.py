"""CLI commands by area; each module registers its commands on ``fraudops.cli.app``."""
