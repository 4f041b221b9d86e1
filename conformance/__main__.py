"""`python -m conformance` runs the CLI."""

from .cli import main

raise SystemExit(main())
