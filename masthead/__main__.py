"""`python -m masthead`, the same as the `masthead` command."""

from masthead.cli import main

main()
