"""`python -m protoverify` runs the command line."""

from .cli import main

main()
