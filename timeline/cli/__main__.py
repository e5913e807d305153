"""`python -m timeline.cli`, as the `timeline` script."""

from . import main

main()
