"""tutor: a terminal tutor that teaches how to train neural networks and tune their hyperparameters."""

__version__ = "0.2.0"
