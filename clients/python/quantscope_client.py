"""The QuantScope sender under its old import name: `from quantscope_client import QuantScopeClient` keeps working
with clients/python on sys.path (standard library only: it does not import torch). The code lives in
quantscope/client.py; `pip install ./clients/python` installs it as the `quantscope` package."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quantscope.client import (  # noqa: E402,F401
    MAX_POINTS_PER_REQUEST, ROLES, QuantScopeClient, QuantScopeError, Run, TEDebugLogger, parse_te_stat)

__all__ = ["QuantScopeClient", "QuantScopeError", "Run", "TEDebugLogger", "parse_te_stat"]
