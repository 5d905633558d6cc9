"""Genet's bench: Genet side by side with docker-py, aiodocker, the Docker CLI and the raw
socket. Run ``python -m bench`` (see bench/README.md). Importing the package puts the repo
root and tests/ (the private daemon, the fake engine) on ``sys.path``."""

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
for _p in (str(_ROOT / "tests"), str(_ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)
