"""Why a run went the way it did: signals of the run, declarative rules, messages with the evidence."""

from tutor.diagnose.compare import Comparison, compare
from tutor.diagnose.explain import Diagnosis, explain

__all__ = ["Comparison", "Diagnosis", "compare", "explain"]
