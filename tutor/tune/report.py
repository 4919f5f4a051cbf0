"""Searches and range tests for a terminal: a live progress line, then a table, plots and advice."""

from collections import Counter
from typing import Any

from optuna.distributions import IntDistribution
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from tutor.config import ExperimentConfig, argument, flag, short_name
from tutor.diagnose.explain import setting
from tutor.fmt import fixed, pct, rate, seconds, value
from tutor.i18n import Lang, t
from tutor.report import BAR, describe, network
from tutor.tune.plot import scatter
from tutor.tune.results import END, START, LRFind, Method, SweepResult, Trial, explain
from tutor.tune.space import Param, Space

ROWS = 20  # trials shown in the table; the rest are summarised in one line


def describe_param(p: Param, lang: Lang) -> str:
    """'weight decay 0, 0.01' for a grid or a choice, 'lr 0.0001 to 1 (log scale)' for a range."""
    d, field = p.distribution, short_name(p.field, lang)
    if p.grid or not p.numeric:
        return t("tune.range.values", lang, field=field, values=", ".join(value(v) for v in (p.grid or d.choices)))
    kind = "log" if p.log else "int" if isinstance(d, IntDistribution) else "float"
    return t(f"tune.range.{kind}", lang, field=field, low=value(d.low), high=value(d.high))


def params_text(params: dict[str, Any], lang: Lang) -> str:
    """A trial's values by their short names: 'lr 0.1, weight decay 0'."""
    return ", ".join(f"{short_name(k, lang)} {value(v)}" for k, v in params.items())


def command(cfg: ExperimentConfig) -> str:
    """The `tutor run` line that repeats a config (flags only where it differs from the defaults)."""
    return " ".join(["tutor run", *(f"{flag(k)} {argument(v)}" for k, (_, v) in ExperimentConfig().diff(cfg).items())])


class SweepPrinter:
    """A search as it runs (a live progress bar on stderr, terminals only: trials done, the best so far, the
    processes that trained them, the trials that other machines are training while this one waits, the time),
    then its summary on stdout."""

    def __init__(self, space: Space, method: Method, planned: int, lang: Lang) -> None:
        self.space, self.planned, self.lang = space, planned, lang
        self.best: Trial | None = None
        self.by: Counter[str] = Counter()  # trials done by each process (host:pid)
        self.method, self.out = method, Console(highlight=False)
        self.bar = Progress(TextColumn("{task.description}", table_column=Column(no_wrap=True)),
                            BarColumn(bar_width=BAR), TimeElapsedColumn(),
                            TextColumn("{task.fields[status]}", table_column=Column(no_wrap=True, overflow="ellipsis")),
                            console=Console(stderr=True, highlight=False), transient=True, expand=True)
        self.task = self.bar.add_task(self._title(0), total=planned, status="")
        self.running = 0  # trials other processes are training, at the last look
        self.live = self.bar.console.is_terminal

    def start(self) -> None:
        """The search's header, and the live bar (redrawn ten times a second: the time runs on while it waits)."""
        self.out.print(escape(describe(self.space.base, self.lang)))
        self.out.print(t("tune.header", self.lang, method=t(f"tune.name.{self.method}", self.lang),
                         trials=self.planned, space=escape("; ".join(describe_param(p, self.lang)
                                                                     for p in self.space.params))))
        if self.live:
            self.bar.start()

    def _title(self, done: int) -> str:
        return t("tune.progress", self.lang, done=done, planned=self.planned)

    def trial(self, trial: Trial, planned: int) -> None:
        self.by[trial.worker] += 1
        if trial.status == "completed" and trial.val_loss is not None:
            if self.best is None or trial.val_loss < self.best.val_loss:
                self.best = trial
        self.bar.update(self.task, completed=self.by.total(), total=planned, description=self._title(self.by.total()))
        self._status()

    def waiting(self, running: int) -> None:
        """How many trials other processes are training, at each look of this one at the study."""
        if running != self.running:
            self.running = running
            self._status()

    def _status(self) -> None:
        said = []
        if self.best:
            said.append(t("tune.progress_best", self.lang, loss=fixed(self.best.val_loss),
                          params=params_text(self.best.params, self.lang)))
        if len(self.by) > 1:
            said.append(", ".join(f"{worker} {n}" for worker, n in self.by.most_common()))
        if self.running:
            said.append(t("tune.waiting", self.lang, running=self.running))
        self.bar.update(self.task, status=escape(" · ".join(said)))

    def close(self) -> None:
        """Take the live bar off the terminal (the search ended, or failed)."""
        if self.live:
            self.bar.stop()

    def summary(self, result: SweepResult) -> None:
        self.close()
        lang, out = self.lang, self.out
        out.print(self._table(result))
        if result.best:
            b = result.best
            key, run = ("tune.best", {"run": b.run_id}) if b.run_id is not None else ("tune.best_unsaved", {})
            out.print(t(key, lang, params=escape(params_text(b.params, lang)), loss=fixed(b.val_loss),
                        acc=pct(b.val_acc), **run))
            out.print(f"  → {t('run.try', lang)}: {escape(command(b.config))}")
        else:
            out.print(t("tune.no_best", lang))
        if result.importances:
            out.print(f"\n[bold]{t('tune.importances', lang)}[/bold]")
            for field, share in result.importances.items():
                filled = round(share * BAR)
                out.print(f"  {short_name(field, lang):<14} {'█' * filled}{'░' * (BAR - filled)} {pct(share)}")
        self._plots(result)
        if result.edge:
            e = result.edge
            warning = t(f"tune.edge.{e.side}", lang, field=short_name(e.field, lang), value=value(e.value),
                        low=value(e.low), high=value(e.high))
            out.print(f"\n[yellow]⚠ {warning}[/yellow]")
        if result.stopped:
            out.print("\n" + t(f"tune.stopped.{result.stopped}", lang, done=len(result.trials), planned=self.planned))
        elif len(result.trials) < self.planned:
            out.print("\n" + t("tune.given_up", lang, trials=self.planned - len(result.trials)))
        ids = [tr.run_id for tr in result.trials if tr.run_id is not None]
        if result.trials and not ids:
            workers = ", ".join(sorted({escape(tr.worker) for tr in result.trials}))
            out.print(t("tune.elsewhere", lang, trials=len(result.trials), workers=workers))
        else:
            out.print(t("tune.done", lang, trials=len(result.trials), seconds=seconds(result.seconds),
                        first=min(ids, default="—"), last=max(ids, default="—")))

    def _table(self, result: SweepResult) -> Table:
        table = Table(box=None, header_style="bold")
        fields = [p.field for p in self.space.params]
        for name in ("#", *(short_name(f, self.lang) for f in fields)):
            table.add_column(name, justify="right")
        for key in ("tune.col.status", "run.col.val_loss", "run.col.val_acc", "tune.col.epochs"):
            table.add_column(t(key, self.lang), justify="right")
        ranked = result.ranked()
        for tr in ranked[:ROWS]:
            status = t(f"tune.status.{tr.status}", self.lang)
            style = "bold green" if result.best and tr.number == result.best.number else None
            table.add_row(str(tr.number + 1), *(escape(value(tr.params[f])) for f in fields), status,
                          fixed(tr.val_loss), pct(tr.val_acc), str(tr.epochs_run), style=style)
        if len(ranked) > ROWS:
            table.caption = t("tune.more", self.lang, more=len(ranked) - ROWS)
        return table

    def _plots(self, result: SweepResult) -> None:
        done = [tr for tr in result.trials if tr.status == "completed" and tr.val_loss is not None]
        if len(done) < 2:
            return
        for p in self.space.params:
            if p.distribution.single():
                continue
            ys, d = [tr.val_loss for tr in done], p.distribution
            if p.numeric:
                ticks = sorted(p.grid) if 2 < len(p.grid) <= 6 else (d.low, d.high)
                lines = scatter([tr.params[p.field] for tr in done], ys, log_x=p.log, x_range=(d.low, d.high),
                                ticks=ticks)
            else:
                categories = [value(c) for c in (p.grid or d.choices)]
                lines = scatter([value(tr.params[p.field]) for tr in done], ys, categories=categories)
            title = t("tune.plot_log" if p.log else "tune.plot", self.lang, field=short_name(p.field, self.lang))
            self.out.print(f"\n[bold]{title}[/bold]")
            for line in lines:
                self.out.print(line, markup=False)


def print_lrfind(result: LRFind, lang: Lang) -> None:
    """The range test: its curve with the three suggestions marked, what they mean, and the next run."""
    out, cfg, s = Console(highlight=False), result.config, result.suggestions
    out.print(t("tune.lrfind.header", lang, dataset=cfg.dataset, net=network(cfg, lang),
                optimizer=setting("optimizer", cfg.optimizer, lang), batch=cfg.batch_size, steps=len(result.lrs)))
    out.print(f"\n[bold]{t('tune.lrfind.plot', lang)}[/bold]")
    readings = (("v", "valley", s.valley), ("s", "steepest", s.steepest), ("m", "min_div_10", s.min_div_10))
    shown = slice(0, max(len(result.lrs) - 5, 2))  # as fastai's plot: the last points only show the blow-up
    for line in scatter(result.lrs[shown], result.losses[shown], log_x=True, x_range=(START, END),
                        ticks=(1e-6, 1e-4, 1e-2, 1), marks=[(lr, letter) for letter, _, lr in readings]):
        out.print(line, markup=False)
    table = Table(box=None, header_style="bold")
    for key in ("tune.lrfind.col.name", "tune.lrfind.col.lr", "tune.lrfind.col.meaning"):
        table.add_column(t(key, lang))
    for letter, name, lr in readings:
        table.add_row(f"{letter} {t(f'tune.lrfind.name.{name}', lang)}", rate(lr),
                      t(f"tune.lrfind.meaning.{name}", lang))
    out.print(table)
    for line in explain(result, lang):
        out.print("• " + escape(line))
    valley = float(rate(s.valley))  # the lr the table shows, not 0.0102 beside its 0.01
    out.print(f"  → {t('run.try', lang)}: {escape(command(cfg.changed(lr=valley)))}")
