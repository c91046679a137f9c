"""`python -m prioritiser` runs the CLI."""

from prioritiser.cli import main

main()
