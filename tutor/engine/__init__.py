"""The training engine: tinygrad MLPs on small data, fast enough for a conversation.

The package itself names only the run's types (`tutor.engine.result`), so that naming them loads no
tinygrad; training is `tutor.engine.training.train`.
"""

from tutor.engine.result import Divergence, Epoch, Metrics, RunResult, Status

__all__ = ["Divergence", "Epoch", "Metrics", "RunResult", "Status"]
