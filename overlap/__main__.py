"""Entry point for ``python -m overlap``."""

from overlap.cli import main

main()
