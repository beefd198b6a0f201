import textwrap
from pathlib import Path

import pytest


@pytest.fixture
def write(tmp_path):
    """write('site.yml', '''yaml''') -> path; dedents so tests read naturally."""

    def _write(name: str, text: str) -> str:
        path = Path(tmp_path) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        return str(path)

    return _write
