"""paramiko, imported without invoke.

paramiko imports invoke (which brings unittest.mock and asyncio) only to run ssh_config's
``Match exec``, and copes when it is missing. Hiding it during the import saves ~40 ms of
every run over SSH; ``Match exec`` then fails with a clear message (ssh_config.py).
"""

from __future__ import annotations

import sys

_hide = "invoke" not in sys.modules
if _hide:
    sys.modules["invoke"] = None  # type: ignore[assignment]  # makes `import invoke` fail at once
try:
    import paramiko
finally:
    if _hide:
        del sys.modules["invoke"]  # anything else may still import it

__all__ = ["paramiko"]
