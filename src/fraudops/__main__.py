"""Allow ``python -m fraudops``."""

from fraudops.cli import main

main()
