"""Allow ``python -m fraudops``."""

from fraudops.cli.app import main

main()
