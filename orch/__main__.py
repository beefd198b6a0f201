"""``python -m orch`` is the ``orch`` command."""

from orch.cli.main import main

main()
