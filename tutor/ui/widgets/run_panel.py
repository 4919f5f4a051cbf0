"""The run panel: the config being trained, its progress, live loss and accuracy curves, the diagnosis."""

import time
from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import ProgressBar, Static

from tutor.config import ExperimentConfig
from tutor.diagnose import Diagnosis
from tutor.diagnose.explain import action, name, retold, stopped_at
from tutor.engine import Epoch, Metrics, RunResult
from tutor.fmt import num, pct, seconds
from tutor.i18n import Lang, t
from tutor.report import describe
from tutor.ui.text import ui
from tutor.ui.widgets.chart import LineChart, Series

TRAIN, VAL = "$primary", "$warning"  # the theme's colours
# seconds between two redraws of a training run: epochs come faster than that, and a redraw (curves, bar, lines) costs
# the session's screen, which runs before its training, more CPU than the epochs it shows; four a second still look live
REDRAW_EVERY = 0.25
# seconds between two places in the class queue shown: when a class starts it moves several times a second,
# and each new place lays the screen out again (in a class of 30, most of a session's work while it waited)
PLACE_EVERY = 0.5
SEVERITY = {"healthy": "$success", "diverged": "$error", "lr_too_high": "$error"}


def curve(history: Sequence[Epoch], key: str, init: Metrics | None = None) -> list[float | None]:
    """One metric by epoch, epoch 0 being the network before training (if `init` is known)."""
    points: list[float | None] = [getattr(init, key) if init else None]
    for e in history:
        points += [None] * (e.epoch - len(points)) + [getattr(e, key)]
    return points


class RunPanel(VerticalScroll):
    """One run at a time, live while it trains and complete once it ends."""

    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lang = lang
        self.config: ExperimentConfig | None = None
        self.history: list[Epoch] = []
        self.init: Metrics | None = None
        self.result: RunResult | None = None
        self.diagnoses: list[Diagnosis] = []
        self.suggestion: dict[str, Any] | None = None
        self.first_epoch_at = 0.0
        self.redraw_due = False
        self.place: tuple[int, int] | None = None  # (place, of) while waiting in the class queue
        self.place_due = False  # a newer place is shown in a moment

    def compose(self) -> ComposeResult:
        yield Static(id="run-config")
        with Horizontal(id="run-progress"):
            # an empty bar until a run starts: without a total it would pulse, redrawn 15 times a second for nothing
            yield ProgressBar(total=1, show_eta=False, show_percentage=False, id="run-bar")
            yield Static(id="run-epoch")
        with Horizontal(id="run-charts"):
            yield LineChart(id="loss-chart")
            yield LineChart(id="acc-chart", y_range=(0.0, 1.0))
        yield Static(id="run-diagnosis")

    def on_mount(self) -> None:
        self.redraw()

    def start(self, cfg: ExperimentConfig | None) -> None:
        """A new run of `cfg` (None: not known yet) is starting; its first epoch may wait for a JIT capture."""
        self.config, self.history, self.init, self.result = cfg, [], None, None
        self.diagnoses, self.suggestion, self.place = [], None, None
        self.query_one("#run-bar", ProgressBar).update(total=cfg.epochs if cfg else None, progress=0)
        self.redraw()

    def queued(self, place: int, of: int) -> None:
        """The run waits in the class queue at `place` of `of` (place 0: its turn has come); shown at once,
        then at most every PLACE_EVERY seconds."""
        self.place = (place, of) if place else None
        if not self.place_due:
            self.show_place()
            self.place_due = True
            self.set_timer(PLACE_EVERY, self.show_place)

    def show_place(self) -> None:
        self.place_due = False
        self.put("#run-epoch", self.progress_text())

    def put(self, selector: str, content: str | Content) -> None:
        """Put `content` in the line `selector` if it changed there, laying the screen out again only when
        the line's height may change. The panel redraws several times a second during a run, and a layout
        costs more than the rest of a redraw: when a class starts, more than the training it shows."""
        line = self.query_one(selector, Static)
        if line.content == content:
            return
        old, new = str(line.content), str(content)
        same_height = "\n" not in old + new and max(cell_len(old), cell_len(new)) <= line.content_size.width
        line.update(content, layout=not same_height)

    def add_epoch(self, epoch: Epoch) -> None:
        if not self.history:
            self.first_epoch_at = time.perf_counter()
        self.history.append(epoch)
        if not self.redraw_due:
            self.redraw_due = True
            self.set_timer(REDRAW_EVERY, self.redraw)

    def show(self, result: RunResult, diagnoses: list[Diagnosis], suggestion: dict[str, Any] | None) -> None:
        """A finished run, its history complete, with its diagnoses."""
        self.config, self.history, self.init, self.result = result.config, list(result.history), result.init, result
        self.diagnoses, self.suggestion = diagnoses, suggestion
        done = result.history[-1].epoch if result.history else 0
        self.query_one("#run-bar", ProgressBar).update(total=result.config.epochs, progress=done)
        self.redraw()

    def relang(self, lang: Lang) -> None:
        """Everything in `lang` from now on, the diagnoses of the run shown said again in it."""
        self.lang = lang
        if self.result is not None:
            self.diagnoses = retold(self.diagnoses, self.result, lang)
        self.redraw()

    def redraw(self) -> None:
        self.redraw_due = False
        lang, cfg = self.lang, self.config
        if self.history:
            self.query_one("#run-bar", ProgressBar).update(progress=self.history[-1].epoch)
        what = describe(cfg, lang) if cfg else ui("panel.empty", lang)
        title = (ui("panel.title", lang) + " ", "bold $accent")
        self.put("#run-config", Content.assemble(title, what))
        self.put("#run-epoch", self.progress_text())
        x_max = cfg.epochs if cfg else None
        history, init = self.history, self.init
        loss = [Series(ui("panel.train", lang), curve(history, "train_loss", init), TRAIN),
                Series(ui("panel.val", lang), curve(history, "val_loss", init), VAL)]
        acc = [Series(ui("panel.train", lang), curve(history, "train_acc", init), TRAIN),
               Series(ui("panel.val", lang), curve(history, "val_acc", init), VAL)]
        self.query_one("#loss-chart", LineChart).plot(loss, x_max, ui("panel.loss", lang))
        self.query_one("#acc-chart", LineChart).plot(acc, x_max, ui("panel.acc", lang))
        self.put("#run-diagnosis", self.diagnosis_text())

    def progress_text(self) -> str:
        cfg, lang = self.config, self.lang
        if cfg is None:
            return ""
        if self.result is not None:
            status = t(f"run.status.{self.result.status}", lang)
            return ui("panel.ended", lang, status=status, epoch=len(self.history), epochs=cfg.epochs,
                      seconds=seconds(self.result.train_seconds))
        if not self.history:
            if self.place:
                return t("queue.place", lang, place=self.place[0], of=self.place[1])
            return ui("panel.preparing", lang)
        done = self.history[-1].epoch
        per_epoch = (time.perf_counter() - self.first_epoch_at) / max(done - 1, 1)
        last = self.history[-1]
        return ui("panel.epoch", lang, epoch=done, epochs=cfg.epochs, eta=seconds(per_epoch * (cfg.epochs - done)),
                  loss=num(last.val_loss), acc=pct(last.val_acc))

    def diagnosis_text(self) -> Content:
        """The top finding by name, its first sentence, the sentences quoting its numbers, and the next
        experiment (proven, when the tutor tried it); the other findings by name."""
        if not self.diagnoses:
            return Content("")
        lang = self.lang
        top, *others = self.diagnoses
        headline, *rest = sentences(top.message)  # the whole text is in the conversation
        quoted = next((x for x in rest if any(c.isdigit() for c in x)), "")
        colour = SEVERITY.get(top.code, "$warning")
        parts: list[str | tuple[str, str]] = [
            (f"● {name(top.code, lang)}", f"bold {colour}"), f" {pct(top.confidence)} · {headline}"]
        if self.suggestion:
            change = action(self.suggestion, lang)
            proof = top.verified
            if proof and top.suggestion == self.suggestion:
                acc = pct(proof.best_val_acc)
                change = (ui("panel.proven", lang, change=change, acc=acc) if proof.planned is None else
                          ui("panel.proven_stopped", lang, change=change, acc=acc,
                             why=stopped_at(proof.config["epochs"], proof.planned, lang)))
            parts += ["\n", (ui("panel.suggestion", lang, change=change), "bold $accent")]
        if others:
            also = ", ".join(f"{name(d.code, lang)} ({pct(d.confidence)})" for d in others)
            parts += ["\n", (ui("panel.also", lang, codes=also), "dim")]
        if quoted:
            parts += ["\n", (ui("panel.evidence", lang) + ": ", "bold"), (quoted, "italic")]
        return Content.assemble(*parts)


def sentences(text: str) -> list[str]:
    """A paragraph cut after each '. ' (numbers such as 0.5 keep their point)."""
    return [x if x.endswith(".") else x + "." for x in text.split(". ") if x]
