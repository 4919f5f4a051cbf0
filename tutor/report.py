"""Runs rendered for a terminal: a live progress line while training, a summary table at the end."""

import sys
import time

from rich.console import Console
from rich.table import Table

from tutor.config import ExperimentConfig, argument, flag
from tutor.diagnose.explain import name
from tutor.engine import Epoch, RunResult
from tutor.i18n import Lang, t

BAR = 24


def describe(cfg: ExperimentConfig, lang: Lang) -> str:
    """One line naming what a config trains: data, network, optimiser, schedule."""
    net = "-".join(map(str, ("in", *cfg.hidden, cfg.n_classes)))
    return t("run.describe", lang, dataset=cfg.dataset, samples=cfg.n_samples, net=net, activation=cfg.activation,
             optimizer=cfg.optimizer, lr=f"{cfg.lr:g}", batch=cfg.batch_size, epochs=cfg.epochs)


def fmt(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}" if abs(x) >= 10 ** -digits or x == 0 else f"{x:.1e}"


class RunPrinter:
    """Draws one run: a progress line per epoch on stderr (terminals only), then the summary on stdout."""

    def __init__(self, cfg: ExperimentConfig, lang: Lang) -> None:
        self.cfg, self.lang, self.start = cfg, lang, time.perf_counter()
        self.live = sys.stderr.isatty()
        self.out = Console(highlight=False)
        self.out.print(describe(cfg, lang))

    def epoch(self, e: Epoch) -> None:
        if not self.live:
            return
        done = e.epoch / self.cfg.epochs
        elapsed = time.perf_counter() - self.start
        eta = elapsed / done - elapsed
        bar = "█" * round(done * BAR) + "░" * (BAR - round(done * BAR))
        line = t("run.progress", self.lang, epoch=e.epoch, epochs=self.cfg.epochs, bar=bar, train=fmt(e.train_loss),
                 val=fmt(e.val_loss), acc=fmt(e.val_acc, 2), eta=f"{eta:.1f}")
        sys.stderr.write("\r" + line + "\x1b[K")
        sys.stderr.flush()

    def summary(self, run: RunResult, diagnoses: list[dict]) -> None:
        if self.live:
            sys.stderr.write("\r\x1b[K")
        table = Table(box=None, header_style="bold")
        for key in ("epoch", "train_loss", "val_loss", "train_acc", "val_acc", "grad_norm", "update_ratio"):
            table.add_column(t(f"run.col.{key}", self.lang), justify="right")
        for e in sampled(run.history, 12):
            table.add_row(str(e.epoch), fmt(e.train_loss), fmt(e.val_loss), fmt(e.train_acc), fmt(e.val_acc),
                          fmt(e.grad_norm), fmt(e.update_ratio, 4))
        self.out.print(table)
        status = t(f"run.status.{run.status}", self.lang)
        self.out.print(t("run.done", self.lang, status=status, seconds=f"{run.seconds:.2f}",
                         updates=run.history[-1].step if run.history else 0))
        if run.diverged_at:
            d = run.diverged_at
            self.out.print(t("run.diverged_at", self.lang, epoch=d.epoch, step=d.step, reason=t(f"run.reason.{d.reason}", self.lang)))
        self.out.print(f"\n[bold]{t('run.diagnosis', self.lang)}[/bold]")
        for d in diagnoses:
            self.out.print(f"• [bold]{name(d['code'], self.lang)}[/bold] ({d['confidence']:.0%}) {d['message']}")
            if d.get("suggestion"):
                tried = " ".join(f"{flag(k)} {argument(v)}" for k, v in d["suggestion"].items())
                self.out.print(f"  → {t('run.try', self.lang)}: tutor run ... {tried}")


def sampled(history: list[Epoch], rows: int) -> list[Epoch]:
    """At most `rows` epochs, evenly spread, always with the first and the last."""
    if len(history) <= rows:
        return history
    picks = {round(i * (len(history) - 1) / (rows - 1)) for i in range(rows)}
    return [history[i] for i in sorted(picks)]
