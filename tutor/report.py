"""Runs rendered for a terminal: a live progress line while training, a summary table at the end."""

import sys

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn
from rich.table import Column, Table
from rich.text import Text

from tutor.config import ExperimentConfig, argument, flag
from tutor.diagnose.explain import listed, name, setting
from tutor.engine import Epoch, RunResult
from tutor.fmt import exact, fixed, pct, seconds
from tutor.i18n import Lang, t

BAR = 24  # characters of a text progress bar (tutor sweep's)
PLAIN_LINES = 10  # about this many progress lines when stderr is not a terminal


def describe(cfg: ExperimentConfig, lang: Lang) -> str:
    """One line naming what a config trains: data, network, optimiser, schedule."""
    return t("run.describe", lang, dataset=cfg.dataset, samples=cfg.n_samples, net=network(cfg, lang),
             optimizer=setting("optimizer", cfg.optimizer, lang), lr=exact(cfg.lr), batch=cfg.batch_size,
             epochs=cfg.epochs)


def network(cfg: ExperimentConfig, lang: Lang) -> str:
    """The hidden layers in words: "2 layers of 32, ReLU", "2 capas de 32, ReLU", "sin capa oculta"."""
    hidden, activation = cfg.hidden, setting("activation", cfg.activation, lang)
    if not hidden:
        return t("run.net.none", lang)
    if len(set(hidden)) == 1:
        return t("run.net.same", lang, layers=len(hidden), width=hidden[0], activation=activation)
    return t("run.net.mixed", lang, layers=len(hidden), widths=listed(list(map(str, hidden)), lang),
             activation=activation)


class Eta(ProgressColumn):
    """The time left, in the student's language; blank until the first epoch has given a speed."""

    def __init__(self, lang: Lang) -> None:
        super().__init__(table_column=Column(no_wrap=True))
        self.lang = lang

    def render(self, task: Task) -> Text:
        left = task.time_remaining
        return Text("" if left is None else t("run.eta", self.lang, eta=seconds(left)))


class RunPrinter:
    """Draws one run on stderr while it trains (a live line fitted to the terminal, or about
    PLAIN_LINES plain lines when stderr is not a terminal), then the summary on stdout."""

    def __init__(self, cfg: ExperimentConfig, lang: Lang) -> None:
        self.cfg, self.lang = cfg, lang
        self.out = Console(highlight=False)
        self.err = Console(stderr=True, highlight=False)
        # wrapped between words on a terminal, one line in a file
        self.out.print(describe(cfg, lang), soft_wrap=not self.out.is_terminal)
        self.live = self.err.is_terminal
        self.every = max(1, cfg.epochs // PLAIN_LINES)
        counter = Column(no_wrap=True, min_width=len(self.title(cfg.epochs)))  # the metrics give way first
        metrics = Column(no_wrap=True, overflow="ellipsis")
        self.bar = Progress(TextColumn("{task.description}", table_column=counter), BarColumn(bar_width=None),
                            TextColumn("{task.fields[metrics]}", table_column=metrics), Eta(lang),
                            console=self.err, transient=True, expand=True)
        self.task = self.bar.add_task(self.title(0), total=cfg.epochs, metrics="")
        if self.live:
            self.bar.start()

    def title(self, epoch: int) -> str:
        return t("run.epoch", self.lang, epoch=epoch, epochs=self.cfg.epochs)

    def epoch(self, e: Epoch) -> None:
        metrics = t("run.metrics", self.lang, train=fixed(e.train_loss), val=fixed(e.val_loss), acc=pct(e.val_acc))
        if self.live:
            self.bar.update(self.task, completed=e.epoch, description=self.title(e.epoch), metrics=metrics)
            self.bar.refresh()  # every epoch drawn, not only those a 10 Hz refresh happens to catch
        elif e.epoch % self.every == 0 or e.epoch == self.cfg.epochs:
            print(f"{self.title(e.epoch)} · {metrics}", file=sys.stderr, flush=True)

    def close(self) -> None:
        """Take the live line off the terminal (the run ended, or failed)."""
        if self.live:
            self.bar.stop()

    def summary(self, run: RunResult, diagnoses: list[dict]) -> None:
        summary(self.out, run, diagnoses, self.lang)


def summary(out: Console, run: RunResult, diagnoses: list[dict], lang: Lang) -> None:
    """A finished run: its history (at most 12 epochs), status, divergence and diagnoses."""
    table = Table(box=None, header_style="bold", pad_edge=False)  # 76 columns in Spanish, room for a wider number
    for key in ("epoch", "train_loss", "val_loss", "train_acc", "val_acc", "grad_norm", "update_ratio"):
        table.add_column(t(f"run.col.{key}", lang), justify="right")
    for e in sampled(run.history, 12):
        table.add_row(str(e.epoch), fixed(e.train_loss), fixed(e.val_loss), pct(e.train_acc), pct(e.val_acc),
                      fixed(e.grad_norm), fixed(e.update_ratio, 4))
    out.print(table)
    status = t(f"run.status.{run.status}", lang)
    out.print(t("run.done", lang, status=status, seconds=seconds(run.seconds),
                updates=run.history[-1].step if run.history else 0))
    if run.diverged_at:
        d = run.diverged_at
        out.print(t("run.diverged_at", lang, epoch=d.epoch, step=d.step, reason=t(f"run.reason.{d.reason}", lang)))
    out.print(f"\n[bold]{t('run.diagnosis', lang)}[/bold]")
    for d in diagnoses:
        out.print(f"• [bold]{name(d['code'], lang)}[/bold] ({pct(d['confidence'])}) {d['message']}")
        if d.get("suggestion"):
            tried = " ".join(f"{flag(k)} {argument(v)}" for k, v in d["suggestion"].items())
            out.print(f"  → {t('run.try', lang)}: tutor run ... {tried}")


def sampled(history: list[Epoch], rows: int) -> list[Epoch]:
    """At most `rows` epochs, evenly spread, always with the first and the last."""
    if len(history) <= rows:
        return history
    picks = {round(i * (len(history) - 1) / (rows - 1)) for i in range(rows)}
    return [history[i] for i in sorted(picks)]
