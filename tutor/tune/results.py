"""What a search and a range test found, apart from what trains them: the report, the command line and the
conversation read these without loading tinygrad or Optuna."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from tutor.config import ExperimentConfig
from tutor.fmt import rate
from tutor.i18n import Lang, t

START, END = 1e-7, 10.0  # the learning rates a range test spans
SAFE_MARGIN = (5.0, 10.0)  # the playbook: the loss should blow up only 5-10x above the chosen lr
Method = Literal["grid", "random", "bayes"]
TrialStatus = Literal["completed", "diverged", "pruned", "cancelled"]


class Suggestions(BaseModel):
    valley: float
    steepest: float
    min_div_10: float


class LRFind(BaseModel):
    """The curve (learning rates and smoothed losses) and what it suggests."""

    config: ExperimentConfig
    lrs: list[float]
    losses: list[float]
    suggestions: Suggestions
    blowup_lr: float | None  # where the smoothed loss passed 4x its best; None if it never did

    @property
    def margin(self) -> float | None:
        """How far above the valley suggestion the loss blew up."""
        return self.blowup_lr / self.suggestions.valley if self.blowup_lr else None


class Trial(BaseModel):
    """One tried config and how it ended; `val_loss` is that of its last epoch."""

    model_config = ConfigDict(ser_json_inf_nan="null")

    number: int
    params: dict[str, Any]
    config: ExperimentConfig
    status: TrialStatus
    val_loss: float | None
    val_acc: float | None
    epochs_run: int
    pruned: bool
    run_id: int | None
    worker: str


class Edge(BaseModel):
    """The best value of a numeric parameter at an end of the range searched."""

    field: str
    side: Literal["low", "high"]
    value: float
    low: float
    high: float


class SweepResult(BaseModel):
    base: ExperimentConfig
    method: Method
    trials: list[Trial]
    best: Trial | None
    importances: dict[str, float]
    edge: Edge | None
    stopped: Literal["budget", "interrupted"] | None
    seconds: float

    def ranked(self) -> list[Trial]:
        """Trials by validation loss, those without one last."""
        return sorted(self.trials, key=lambda tr: (tr.val_loss is None, tr.val_loss or 0.0, tr.number))

    def to_json(self) -> dict[str, Any]:
        """DESIGN.md's `tutor sweep --json` document (trials ranked, each with its params and run id)."""
        doc = self.model_dump(mode="json")
        trials = {tr["number"]: tr for tr in doc["trials"]}
        return {"base": doc["base"], "method": self.method, "trials": [trials[tr.number] for tr in self.ranked()],
                "best": doc["best"], "importances": self.importances, "edge_warning": self.edge and self.edge.field,
                "stopped": self.stopped, "seconds": self.seconds}


def explain(result: LRFind, lang: Lang) -> list[str]:
    """Why the three suggestions differ, which to pick, and the playbook's stability check."""
    s = result.suggestions
    lines = [t("tune.lrfind.why", lang, valley=rate(s.valley), steepest=rate(s.steepest),
               min_div_10=rate(s.min_div_10))]
    margin = result.margin
    if margin is None:
        lines.append(t("tune.lrfind.no_blowup", lang, end=rate(result.lrs[-1])))
    else:
        verdict = "unstable" if margin < SAFE_MARGIN[0] else "tight" if margin < SAFE_MARGIN[1] else "stable"
        lines.append(t(f"tune.lrfind.{verdict}", lang, blowup=rate(result.blowup_lr), margin=f"{margin:.0f}",
                       valley=rate(s.valley), safe=rate(result.blowup_lr / SAFE_MARGIN[1])))
    return lines
