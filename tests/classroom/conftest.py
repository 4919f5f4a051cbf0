"""The classroom tests use tests/ui's pilot_tools too."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "ui"))  # pilot_tools, shared with the student app's tests
