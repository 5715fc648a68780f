"""Entry point for ``python -m overlap``."""

from overlap.launch import main

main()
