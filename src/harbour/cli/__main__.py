"""`python -m harbour.cli`: the same as the `harbour` command."""

from harbour.cli import main

main()
