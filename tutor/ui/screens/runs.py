"""The runs view: this conversation's runs in a table; one run, or two marked ones, drawn below."""

import numpy as np
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tutor.data import load
from tutor.diagnose import compare
from tutor.diagnose.explain import name
from tutor.dialogue.tutor import Tutor
from tutor.engine import RunResult
from tutor.engine.model import layout_of, predict
from tutor.fmt import num, pct
from tutor.i18n import t
from tutor.report import describe
from tutor.ui.keys import LocalizedBindings, localized
from tutor.ui.text import config_diff, ui
from tutor.ui.widgets.chart import LineChart, Series
from tutor.ui.widgets.datamap import DataMap
from tutor.ui.widgets.footer import Footer
from tutor.ui.widgets.run_panel import TRAIN, VAL, curve

OTHER_TRAIN, OTHER_VAL = "$success", "$error"  # run B beside run A's TRAIN and VAL
COLUMNS = {"mark": 1, "id": 3, "changes": 14, "val_loss": 9, "val_acc": 10, "status": 10, "diagnosis": 18}
# with a column of padding each side, 79 columns: the table fits 80 with its scrollbar; the changes end in …
# (the run under the cursor is described in full below), a longer status or diagnosis wraps


def rows(runs: list[int], tried: list[int]) -> list[tuple[int, bool]]:
    """The student's runs in order, each followed by the fixes the tutor tried for it (stored just
    before it: a run is stored once its advice is known); (id, tried by the tutor)."""
    out: list[tuple[int, bool]] = []
    for before, run_id in zip([0, *runs], runs):
        out.append((run_id, False))
        out += [(x, True) for x in sorted(tried) if before < x < run_id]
    return out


class RunsScreen(LocalizedBindings, Screen):
    """Every run of the conversation, oldest first; space marks up to two to compare."""

    BINDINGS = [*localized("escape", "app.pop_screen", "back"), *localized("space", "mark", "mark")]

    def __init__(self, tutor: Tutor) -> None:
        super().__init__()
        self.tutor = tutor
        self.results: dict[int, RunResult] = {}
        self.top: dict[int, str] = {}  # top diagnosis code per run
        self.marked: list[int] = []

    @property
    def lang(self):
        return self.tutor.lang

    def compose(self) -> ComposeResult:
        yield Static(ui("runs.title", self.lang), id="runs-title")
        yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="runs-detail"):
            with Horizontal(id="runs-pictures"):
                yield LineChart(id="runs-chart")
                with Vertical(id="runs-data"):
                    yield DataMap(id="runs-map")
                    yield Static(id="runs-map-note")
            yield Static(id="runs-compare")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        lang, store = self.lang, self.tutor.store
        table = self.query_one(DataTable)
        for key, width in COLUMNS.items():
            table.add_column(ui(f"runs.col.{key}", lang), key=key, width=width)
        previous = None
        for run_id, tried in rows(self.tutor.run_ids, self.tutor.tried):
            stored = store.run(run_id)
            if stored is None:
                continue
            result = RunResult.model_validate(stored.result)
            self.results[run_id] = result
            self.top[run_id] = name(stored.diagnoses[0]["code"], lang) if stored.diagnoses else "—"
            last = result.history[-1] if result.history else None
            status = t(f"run.status.{result.status}", lang)
            changes = Text(config_diff(previous, result.config, lang), overflow="ellipsis", no_wrap=True)
            table.add_row(" ", str(run_id), changes,
                          num(last.val_loss if last else None), pct(last.val_acc if last else None),
                          ui("runs.by_tutor", lang, status=status) if tried else status,
                          self.top[run_id], key=str(run_id), height=None)
            if not tried:
                previous = result.config
        if not self.results:
            self.query_one("#runs-pictures").display = False
            self.query_one("#runs-compare", Static).update(ui("runs.none", lang))
        table.move_cursor(row=table.get_row_index(str(self.tutor.run_ids[-1])) if self.tutor.run_ids[-1:] and
                          str(self.tutor.run_ids[-1]) in table.rows else table.row_count - 1)
        table.focus()

    @on(DataTable.RowHighlighted)
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self.draw(int(event.row_key.value))

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        self.action_mark()

    def action_mark(self) -> None:
        """Mark the run under the cursor (a third mark drops the oldest); two marked runs are compared."""
        table = self.query_one(DataTable)
        if not self.results:
            return
        run_id = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)
        self.marked = [r for r in self.marked if r != run_id] if run_id in self.marked else [*self.marked, run_id][-2:]
        for key in self.results:
            label = "AB"[sorted(self.marked).index(key)] if key in self.marked else " "
            table.update_cell(str(key), "mark", label)
        self.draw(run_id)

    def draw(self, run_id: int) -> None:
        """The marked pair if two are marked, else the run `run_id`: curves, data, and the comparison."""
        lang = self.lang
        chart, note = self.query_one("#runs-chart", LineChart), self.query_one("#runs-compare", Static)
        if len(self.marked) == 2:
            first, second = sorted(self.marked)
            a, b = self.results[first], self.results[second]
            chart.plot([Series("A " + ui("panel.train", lang), curve(a.history, "train_loss", a.init), TRAIN),
                        Series("A " + ui("panel.val", lang), curve(a.history, "val_loss", a.init), VAL),
                        Series("B " + ui("panel.train", lang), curve(b.history, "train_loss", b.init), OTHER_TRAIN),
                        Series("B " + ui("panel.val", lang), curve(b.history, "val_loss", b.init), OTHER_VAL)],
                       max(a.config.epochs, b.config.epochs), ui("panel.loss", lang))
            note.update(f"A #{first} · B #{second}: {compare(a, b, lang).message}")
            run = b
        else:
            run = self.results[run_id]
            status = t(f"run.status.{run.status}", lang)
            note.update(f"#{run_id} · {describe(run.config, lang)} · {status}\n{ui('runs.hint', lang)}")
            chart.plot([Series(ui("panel.train", lang), curve(run.history, "train_loss", run.init), TRAIN),
                        Series(ui("panel.val", lang), curve(run.history, "val_loss", run.init), VAL)],
                       run.config.epochs, ui("panel.loss", lang))
        self.draw_data(run)

    def draw_data(self, run: RunResult) -> None:
        """The run's data set, if it is 2-D, over the regions its trained network assigns to each class."""
        split = load(run.config)
        shown = split.n_features == 2
        self.query_one("#runs-data").display = shown
        if shown:
            layout, params = layout_of(run.config, 2), run.params
            classify = (lambda xy: predict(layout, run.config.activation, np.asarray(params), xy)) if params else None
            self.query_one(DataMap).show(split.x_train, split.y_train, classify)
            self.query_one("#runs-map-note", Static).update(ui("runs.map", self.lang, dataset=run.config.dataset))
