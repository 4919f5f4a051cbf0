"""The training engine: tinygrad MLPs on small data, fast enough for a conversation."""

from tutor.engine.training import Divergence, Epoch, Metrics, RunResult, batch_key, train, train_batch

__all__ = ["Divergence", "Epoch", "Metrics", "RunResult", "batch_key", "train", "train_batch"]
