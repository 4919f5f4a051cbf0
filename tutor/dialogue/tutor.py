"""The conversation: one student's current config, runs and place in the course, turn by turn.

`Tutor.handle(text)` parses the message, applies it (changing the config and training, explaining,
comparing, moving through the lessons) and answers in the student's language. All state lives on
the object and in the store, so the CLI, the app and every SSH session each hold their own.
"""

import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from tutor.classroom.exercise import METRICS, current_exercise, leaderboard
from tutor.config import (
    DEFAULT_WIDTH,
    MAX_LAYERS,
    MAX_WIDTH,
    ExperimentConfig,
    accepted,
    argument,
    config_field,
    make_config,
    shaped,
)
from tutor.diagnose import Comparison, Diagnosis, compare, explain
from tutor.diagnose.explain import action, retold
from tutor.diagnose.verify import advise
from tutor.dialogue.glossary import define, lesson_for
from tutor.dialogue.intent import Change, FieldName, Search
from tutor.dialogue.parse import Intent, parse
from tutor.engine import Epoch, RunResult
from tutor.engine.device import resolve
from tutor.engine.training import train
from tutor.errors import ConfigError, TutorError
from tutor.fmt import fixed, num, pct, rate, seconds
from tutor.i18n import Lang, catalogue, t
from tutor.lessons import Course, Experiment, Lesson, Predict, Quiz, Sweep, WhatIf, load_lessons
from tutor.lessons.flow import Answer, Gate, Shown, StepFlow, relocated
from tutor.lessons.render import item_text
from tutor.progress import first_answers, steps_done
from tutor.store import DIALOGUE_STATE, Store
from tutor.tune.results import SweepResult

SEARCHES = ("sweep", "lr_find")  # kinds that train many runs: `run=False` only names them
SEARCH_TRIALS, SEARCH_BUDGET = 12, 60.0  # a search asked in conversation: its default size and time
MADE = 20  # runs of this conversation kept in memory, whose results serve again as the trial of a fix
# one usual step up of a setting the student asks to raise without a value (down: its inverse); proposed, not run
STEPS = {"lr": Change(op="mul", value=3), "batch_size": Change(op="mul", value=2), "epochs": Change(op="mul", value=2),
         "samples": Change(op="mul", value=2), "width": Change(op="mul", value=2), "layers": Change(op="add", value=1),
         "noise": Change(op="mul", value=2), "weight_decay": Change(op="mul", value=10)}


class Reply(BaseModel):
    """What the tutor answers to one message, with the run it made, if any."""

    text: str
    intent: Intent
    lang: Lang
    run: RunResult | None = None
    run_id: int | None = None
    diagnoses: list[Diagnosis] = []
    comparison: Comparison | None = None
    suggestion: dict[str, Any] | None = None  # the next experiment, runnable with one key
    shown: Shown | None = None  # the part of the lesson this reply shows, for a screen to draw


class Tutor:
    """One student's conversation. Cheap to create: its state comes from the store, and `course` None is
    loaded (the built-in lessons, then those of the folders `lessons`) only when first needed."""

    def __init__(self, store: Store, student: str, lang: Lang | None = None, course: Course | None = None,
                 lessons: Sequence[Path] = ()) -> None:
        self.store, self.student, self.fixed_lang = store, student, lang
        saved = store.get_state(student, DIALOGUE_STATE, {})
        self.config = ExperimentConfig(**saved.get("config", {}))
        self.run_ids: list[int] = saved.get("runs", [])
        self._saved_runs = set(self.run_ids)  # what the store had: runs beyond these were added elsewhere
        self.tried: list[int] = saved.get("tried", [])  # the tutor's own runs: fixes it tried before proposing one
        self.lesson_id: str | None = saved.get("lesson")
        self.step: int = saved.get("step", 0)
        self.last_text: str = saved.get("last_text", "")
        self.last_fields: list[str] = saved.get("last_fields", [])
        self.offered: dict[str, Any] = saved.get("offered", {})  # the change the last reply proposed: "sí" runs it
        self.lang: Lang = lang or saved.get("lang", "es")
        self.numbered = False  # a question's choices are on screen by number (the app), not by letter (`tutor ask`)
        self._course, self._lessons = course, lessons
        self._flow: StepFlow | None = None
        # where the student is in each lesson they have opened and not finished:
        # {id: {"step", "title" and "lang" (to find the step again after the lesson is edited), flow state}}
        self.places: dict[str, dict[str, Any]] = saved.get("places") or {}
        if saved.get("flow", {}).get("lesson"):  # stored before places were: the current lesson's only
            self.places.setdefault(saved["flow"]["lesson"], saved["flow"])
        self.made: list[RunResult] = []  # this conversation's latest runs, the fixes tried included (MADE at most)
        # sees a run's reply once it is explained, before the fix it proposes is tried (the app shows it
        # meanwhile); what `handle` returns is still the whole reply, the fix tried
        self.answered: Callable[[Reply], None] | None = None

    @property
    def course(self) -> Course:
        if self._course is None:
            self._course = load_lessons(self._lessons)
        return self._course

    def save(self) -> None:
        """Store the conversation. Runs that another process (a second `tutor ask`, a second session of
        the same student) stored meanwhile are kept, in the order they were made."""
        self.keep_place()
        state = {"config": self.config.model_dump(mode="json"), "lesson": self.lesson_id, "step": self.step,
                 "last_text": self.last_text, "last_fields": self.last_fields, "lang": self.lang,
                 "places": self.places, "tried": self.tried[-50:], "offered": self.offered}

        def merged(saved: dict[str, Any] | None) -> dict[str, Any]:
            elsewhere = set((saved or {}).get("runs", [])) - self._saved_runs
            return {**state, "runs": sorted({*self.run_ids, *elsewhere})[-50:]}

        self.run_ids = self.store.update_state(self.student, DIALOGUE_STATE, merged)["runs"]
        self._saved_runs = set(self.run_ids)

    # -- one turn --------------------------------------------------------------------------------

    def handle(self, text: str, on_epoch: Callable[[Epoch], None] | None = None,
               should_stop: Callable[[], bool] | None = None, run: bool = True) -> Reply:
        """Answer one message; `run=False` plans without training (what `tutor ask --no-run` does)."""
        intent = self.understand(text)
        self.lang = self.fixed_lang or intent.lang
        return self.turn(intent, on_epoch, should_stop, run)

    def turn(self, intent: Intent, on_epoch: Callable[[Epoch], None] | None = None,
             should_stop: Callable[[], bool] | None = None, run: bool = True) -> Reply:
        """Act on an understood message (the app's keys make their intents directly)."""
        intent = self.picked(intent)
        self.offered = {}
        handler = getattr(self, f"_on_{intent.kind}", self._on_unknown)
        if run or not (self.search(intent) or self.plan(intent) is not None):
            reply = handler(intent, on_epoch, should_stop)
        else:
            reply = self._plan(intent)
        lesson_run = not run and intent.kind in ("next", "answer")  # planned: the step's own run, no digression
        if reply.shown is None and intent.kind != "repeat" and not lesson_run:
            reply = self.recalled(reply)  # a digression: the lesson's thread picked up again
        if intent.kind != "repeat":
            self.last_text = reply.text
        self.save()
        return reply

    def understand(self, text: str) -> Intent:
        """The parse of `text`; "halve it" refers to the setting changed last."""
        intent = parse(text, default_lang=self.lang)
        if intent.kind in ("unknown", "repeat") and len(self.last_fields) == 1:
            again = parse(f"{text} {self.last_fields[0]}", default_lang=self.lang)
            if again.kind == "what_if" and list(again.changes) == self.last_fields:
                return again.model_copy(update={"lang": intent.lang})
        return intent

    def run_config(self, cfg: ExperimentConfig, intent: Intent, on_epoch=None, should_stop=None) -> Reply:
        """Train `cfg`, store it, explain it and compare it with the previous run."""
        previous = self.last_run()
        resolve(cfg.device, self.lang)  # a device that cannot be used, said in the student's language
        result = train(cfg, on_epoch=on_epoch, should_stop=should_stop)
        comparison = compare(previous, result, self.lang) if previous else None
        answered = self.answered
        early = answered and (lambda found: answered(self.ran(intent, cfg, result, found, comparison, None)))
        diagnoses = advise(result, self.lang, self.keep, should_stop, self.made, early)
        self.remember(result)
        run_id = self.store.add_run(self.student, result, [d.model_dump(mode="json") for d in diagnoses])
        self.config, self.run_ids = cfg, [*self.run_ids, run_id]
        reply = self.ran(intent, cfg, result, diagnoses, comparison, run_id)
        scored = self.scored(result)
        return reply.model_copy(update={"text": f"{reply.text}\n\n{scored}"}) if scored else reply

    def ran(self, intent: Intent, cfg: ExperimentConfig, result: RunResult, diagnoses: list[Diagnosis],
            comparison: Comparison | None, run_id: int | None) -> Reply:
        """The reply to a run: what changed, how it compares, and its top diagnosis with its next experiment."""
        suggestion = diagnoses[0].suggestion if diagnoses else None  # none for a run cancelled at once
        # the diagnosis ends with its next experiment (tried, or said to be untried): no second proposal
        parts = [t("dialogue.ran", self.lang, what=describe_changes(intent, cfg, self.lang)),
                 comparison.message if comparison else "", diagnoses[0].message if diagnoses else ""]
        if result.status == "cancelled":
            parts.append(t("dialogue.cancelled", self.lang, epochs=len(result.history)))
        return Reply(text="\n\n".join(p for p in parts if p), intent=intent, lang=self.lang, run=result, run_id=run_id,
                     diagnoses=diagnoses, comparison=comparison, suggestion=suggestion or None)

    def keep(self, run: RunResult, diagnoses: list[Diagnosis]) -> int:
        """Store a fix the tutor tried, as the tutor's run (the runs view lists it, marked)."""
        run_id = self.store.add_run(self.student, run, [d.model_dump(mode="json") for d in diagnoses], by="tutor")
        self.tried.append(run_id)
        self.remember(run)
        return run_id

    def remember(self, run: RunResult) -> None:
        """Keep a run made in this conversation: a fix it already ran is not trained again."""
        if not any(run is known for known in self.made):  # a run reused as a fix's trial is kept once
            self.made = [*self.made, run][-MADE:]

    def last_diagnoses(self) -> list[Diagnosis]:
        """What was said about the latest run, the fixes tried for it included (explaining it again
        would not try them again); a run stored without diagnoses is explained now."""
        stored = self.store.run(self.run_ids[-1]) if self.run_ids else None
        if stored is None:
            return []
        run = RunResult.model_validate(stored.result)
        return retold(stored.diagnoses, run, self.lang) if stored.diagnoses else explain(run, self.lang)

    def last_run(self, back: int = 1) -> RunResult | None:
        """The run made `back` turns ago in this conversation (1: the latest)."""
        if len(self.run_ids) < back:
            return None
        stored = self.store.run(self.run_ids[-back])
        return RunResult.model_validate(stored.result) if stored else None

    # -- intents ---------------------------------------------------------------------------------

    def _reply(self, intent: Intent, key: str, **values: object) -> Reply:
        return Reply(text=t(key, self.lang, **values), intent=intent, lang=self.lang)

    def changed(self, intent: Intent) -> ExperimentConfig:
        """The config with the message's changes, and the class exercise's locked settings: changing one is refused."""
        cfg = apply(self.config, intent.changes, self.lang)
        exercise = current_exercise(self.store)
        if exercise is None:
            return cfg
        named = {config_field(f) for f in intent.changes}
        for field in exercise.broken(cfg.model_dump(mode="json")):
            if field in named:
                raise ConfigError(t("teacher.exercise.locked", self.lang, field=field_name(field, self.lang),
                                    value=argument(exercise.locked[field])))
        return exercise.lock(cfg)

    def _locked(self, cfg: ExperimentConfig) -> ExperimentConfig:
        """`cfg` with the class exercise's locked settings, if the teacher set an exercise."""
        exercise = current_exercise(self.store)
        return exercise.lock(cfg) if exercise else cfg

    def exercise_text(self) -> str:
        """The class exercise, if the teacher set one, and this student's place on its leaderboard."""
        exercise = current_exercise(self.store)
        if exercise is None:
            return t("teacher.exercise.none", self.lang)
        board = leaderboard(self.store, exercise)
        mine = next((entry for entry in board if entry.student == self.student), None)
        if mine is None:
            place = t("teacher.exercise.unplaced", self.lang, of=len(board))
        else:
            place = t("teacher.exercise.place", self.lang, place=mine.place, of=len(board), params=mine.n_params,
                      metric=t(f"run.col.{exercise.metric}", self.lang), value=exercise.shown(mine.value),
                      run=mine.run_id)
        return f"{t('teacher.exercise_line', self.lang, exercise=exercise.describe(self.lang))}\n\n{place}"

    def scored(self, run: RunResult) -> str:
        """A completed run against the class exercise, if the teacher set one: its target reached (and the
        student's place), not yet, or not counted (a lesson's run that changes the fixed settings)."""
        exercise = current_exercise(self.store)
        if exercise is None or run.status != "completed" or not run.history:
            return ""
        value = getattr(run.history[-1], exercise.metric)
        values = {"metric": t(f"run.col.{exercise.metric}", self.lang), "value": exercise.shown(value),
                  "op": METRICS[exercise.metric], "target": exercise.shown(exercise.threshold)}
        if exercise.broken(run.config.model_dump(mode="json")):
            return t("thread.exercise.uncounted", self.lang, **values)
        if not exercise.met(value):
            return t("thread.exercise.short", self.lang, **values)
        board = leaderboard(self.store, exercise)
        place = next((entry.place for entry in board if entry.student == self.student), len(board))
        return t("thread.exercise.met", self.lang, place=place, of=len(board), **values)

    def planned(self, text: str) -> ExperimentConfig | None:
        """The config `text` would train, if it asks for a run the tutor accepts (for a live panel)."""
        return self.plan(self.understand(text))

    def plan(self, intent: Intent) -> ExperimentConfig | None:
        """The one config this intent would train: a what-if, the step's experiment on "next", the run
        that grades a prediction, a what-if question picked by its number; else None."""
        intent = self.picked(intent)
        if intent.kind == "what_if":
            try:
                return self.changed(intent)
            except TutorError:
                return None
        flow = self.flow
        if flow is None:
            return None
        if intent.kind == "next" and intent.skip is None and isinstance(flow.gate, Experiment):
            return flow.gate.config
        if intent.kind != "answer":
            return None
        if isinstance(flow.gate, Predict) and choice_index(intent.answer, len(flow.gate.choices)) is not None:
            return flow.gate.experiment.config
        return None

    def picked(self, intent: Intent) -> Intent:
        """A number while what-if questions are on offer (and no question open) asks that question, of the
        step's experiment they follow: a run made meanwhile (a digression) does not change what it varies.
        A yes to a change the tutor proposed, with no question open, asks for it."""
        flow = self.flow if intent.kind == "answer" else None
        if intent.answer == "yes" and self.offered and (flow is None or flow.question is None):
            return what_if(self.config, self.config.changed(**self.offered), intent.lang)
        if flow is None or flow.question is not None or not isinstance(flow.menu, WhatIf):
            return intent
        index = choice_index(intent.answer, len(flow.menu.questions))
        if index is None:
            return intent
        asked, base = self.understand(flow.menu.questions[index]), flow.varied()
        if asked.kind != "what_if" or base is None:
            return asked
        try:
            cfg = apply(base, asked.changes, self.lang)
        except ConfigError:
            return asked  # refused as asked of the current config, with the accepted range
        return what_if(self.config, cfg, asked.lang)

    def search(self, intent: Intent) -> str | None:
        """The search this intent launches: one asked in words, alternatives to compare ("¿relu o tanh?"),
        or the step's search on "next"; else None."""
        if intent.kind in SEARCHES:
            return intent.kind
        if intent.kind == "compare" and intent.search is not None:
            return "sweep"
        flow = self.flow if intent.kind == "next" and intent.skip is None else None
        return "sweep" if flow is not None and isinstance(flow.gate, Sweep) else None

    def _plan(self, intent: Intent) -> Reply:
        if search := self.search(intent):
            return self._reply(intent, f"dialogue.would.{search}")
        if intent.kind != "what_if":
            cfg = self.plan(intent)
            what = said(self.config.diff(cfg), cfg, self.lang) if cfg else ""
            return self._reply(intent, "dialogue.would_run", what=what)
        try:
            cfg = self.changed(intent)
        except ConfigError as err:
            return Reply(text=str(err), intent=intent, lang=self.lang)
        return self._reply(intent, "dialogue.would_run", what=describe_changes(intent, cfg, self.lang))

    def _on_what_if(self, intent: Intent, on_epoch, should_stop) -> Reply:
        try:
            cfg = self.changed(intent)
        except ConfigError as err:
            return Reply(text=str(err), intent=intent, lang=self.lang)
        self.last_fields = list(intent.changes)
        return self.run_config(cfg, intent, on_epoch, should_stop)

    def _on_why(self, intent: Intent, *_) -> Reply:
        run = self.last_run()
        if intent.concept:  # "what is an epoch?": the idea, tied to the last run if there is one
            text = define(intent.concept, self.lang, self.course, run, self.last_diagnoses() if run else [])
            return Reply(text=text, intent=intent, lang=self.lang)
        if run is None:
            return self._reply(intent, "dialogue.no_run")
        diagnoses = self.last_diagnoses()
        text = "\n\n".join(f"• {d.message}" for d in diagnoses) or t("dialogue.no_run", self.lang)
        return Reply(text=text, intent=intent, lang=self.lang, diagnoses=diagnoses,
                     suggestion=diagnoses[0].suggestion if diagnoses else None)

    def _on_compare(self, intent: Intent, on_epoch, should_stop) -> Reply:
        if intent.search is not None:  # "compara 1, 2 y 4 capas": train each, side by side
            return self._on_sweep(intent, on_epoch, should_stop)
        a, b = self.last_run(2), self.last_run(1)
        if a is None or b is None:
            return self._reply(intent, "dialogue.compare_needs_two")
        comparison = compare(a, b, self.lang)
        return Reply(text=comparison.message, intent=intent, lang=self.lang, comparison=comparison)

    def _on_hint(self, intent: Intent, *_) -> Reply:
        """A hint for the question open, else the change the latest run calls for."""
        flow = self.flow
        if flow is not None and flow.question is not None:
            return self._question_hint(intent, flow, flow.question)
        run = self.last_run()
        if run is None:
            return self._reply(intent, "dialogue.hint_first")
        top = next(iter(self.last_diagnoses()), None)
        if top is None or not top.suggestion:
            return self._reply(intent, "dialogue.hint_healthy")
        return Reply(text=t("dialogue.suggest", self.lang, change=action(top.suggestion, self.lang)), intent=intent,
                     lang=self.lang, suggestion=top.suggestion)

    def _on_repeat(self, intent: Intent, *_) -> Reply:
        return Reply(text=self.last_text or t("dialogue.nothing_yet", self.lang), intent=intent, lang=self.lang)

    def _on_reset(self, intent: Intent, *_) -> Reply:
        fresh = ExperimentConfig()
        fields = [f for f in intent.fields if f in ExperimentConfig.model_fields]
        if fields:  # "reinicia el lr": only those settings
            self.config = self.config.changed(**{f: getattr(fresh, f) for f in fields})
            return self._reply(intent, "dialogue.more.reset_fields", config=said(fields, fresh, self.lang))
        self.config, self.run_ids = fresh, []
        return self._reply(intent, "dialogue.reset", config=said(ExperimentConfig.model_fields, fresh, self.lang))

    def _on_undo(self, intent: Intent, *_) -> Reply:
        """ "deshaz el último cambio", "back to the previous settings": the settings before the last change (the
        latest run's, when they were changed since it ran; else the run's before it), restored, nothing trained."""
        last = self.last_run()
        before = last if last is not None and self.config.diff(last.config) else self.last_run(2)
        if before is None or not self.config.diff(before.config):
            return self._reply(intent, "dialogue.more.nothing_to_undo")
        fields = list(self.config.diff(before.config))
        self.config = self._locked(before.config)
        return self._reply(intent, "dialogue.more.undone", config=said(fields, self.config, self.lang))

    def _on_quit(self, intent: Intent, *_) -> Reply:
        return self._reply(intent, "dialogue.more.quit")

    def _on_exercise(self, intent: Intent, *_) -> Reply:
        return Reply(text=self.exercise_text(), intent=intent, lang=self.lang)

    def _on_help(self, intent: Intent, *_) -> Reply:
        return self._reply(intent, "dialogue.help")

    def _on_clarify(self, intent: Intent, *_) -> Reply:
        if intent.told:
            return self._offer_told(intent)
        fields = [config_field(f) for f in intent.fields] or ["lr"]  # "make it deeper"
        fields = [f for f in fields if f in ExperimentConfig.model_fields] or ["lr"]
        name, asked = field_name(fields[0], self.lang), (intent.fields or ["lr"])[0]
        step = stepped(self.config, asked, intent.direction, self.lang) if intent.direction else None
        if step is None:
            return self._reply(intent, "dialogue.clarify", field=name, range=accepted(fields[0], self.lang))
        self.offered = {f: getattr(step, f) for f in self.config.diff(step)}
        return Reply(text=t("dialogue.more.propose", self.lang, now=said(self.offered, self.config, self.lang),
                            then=said(self.offered, step, self.lang), field=name,
                            range=accepted(fields[0], self.lang)), intent=intent, lang=self.lang,
                     suggestion=self.offered)

    def _offer_told(self, intent: Intent) -> Reply:
        """ "cambié el lr a 0.1", "cambie el lr a 0.1" (told as done, or asked): the change is offered, a yes
        trains it."""
        try:
            cfg = self.changed(intent.model_copy(update={"changes": intent.told}))
        except ConfigError as err:
            return Reply(text=str(err), intent=intent, lang=self.lang)
        now = said(intent.told, self.config, self.lang)
        self.offered = {f: getattr(cfg, f) for f in self.config.diff(cfg)}
        if not self.offered:
            return self._reply(intent, "dialogue.more.told_same", now=now)
        return Reply(text=t("dialogue.more.told", self.lang, then=said(self.offered, cfg, self.lang), now=now),
                     intent=intent, lang=self.lang, suggestion=self.offered)

    def _on_unknown(self, intent: Intent, *_) -> Reply:
        return self._reply(intent, "dialogue.unknown")

    def _on_sweep(self, intent: Intent, _on_epoch, should_stop) -> Reply:
        from tutor.tune.space import DEFAULT_GRID, SpecError, from_request
        from tutor.tune.sweep import sweep

        ask = intent.search or Search()
        method = ask.method or ("grid" if ask.values else "random")
        unset = [f for f in ask.fields if f not in DEFAULT_GRID and f not in ask.values and f not in ask.bounds]
        if unset:  # no usual values to try: the student says which
            return self._reply(intent, "dialogue.search.which", field=field_name(unset[0], self.lang))
        try:
            for field, candidates in [*ask.values.items(), *ask.bounds.items()]:  # out of range: said in words
                for value in candidates:
                    apply(self.config, {field: Change(op="set", value=value)}, self.lang)
            space = from_request(method, ask.fields, ask.values, ask.bounds, self._locked(self.config), self.lang)
        except SpecError as err:  # a search that cannot be made (a width to search without a hidden layer)
            why = f"dialogue.search.why.{err.key}"
            return self._reply(intent, "dialogue.search.cannot",
                               why=t(why if why in catalogue(self.lang) else "dialogue.search.why.other", self.lang))
        except ConfigError as err:
            return Reply(text=str(err), intent=intent, lang=self.lang)
        result = sweep(space, method, ask.trials or SEARCH_TRIALS, budget=SEARCH_BUDGET, should_stop=should_stop,
                       store=self.store, student=self.student)
        return self.searched(intent, method, result)

    def searched(self, intent: Intent, method: str, result: SweepResult) -> Reply:
        """The reply to a search: its best trial, what mattered, a range edge to widen, the change to try."""
        if result.best is None:
            return self._reply(intent, "dialogue.search.none", trials=len(result.trials))
        best = result.best
        ranked = ", ".join(f"{field_name(k, self.lang)} {pct(v)}"
                           for k, v in sorted(result.importances.items(), key=lambda kv: -kv[1]))
        parts = [t("dialogue.search.best", self.lang, method=t(f"tune.name.{method}", self.lang),
                   trials=len(result.trials), seconds=seconds(result.seconds),
                   params=said(best.params, best.config, self.lang), loss=fixed(best.val_loss),
                   acc=pct(best.val_acc))]
        if ranked:
            parts.append(t("dialogue.search.importance", self.lang, ranked=ranked))
        if result.edge:
            parts.append(t("dialogue.search.edge", self.lang, field=field_name(result.edge.field, self.lang),
                           value=num(result.edge.value)))
        suggestion = {k: v for k, v in best.config.model_dump().items() if v != getattr(self.config, k)}
        if suggestion:
            parts.append(t("dialogue.suggest", self.lang, change=said(suggestion, best.config, self.lang)))
        self.run_ids = [*self.run_ids, *(tr.run_id for tr in result.trials if tr.run_id is not None)][-50:]
        return Reply(text="\n\n".join(parts), intent=intent, lang=self.lang, suggestion=suggestion or None)

    def _on_lr_find(self, intent: Intent, *_) -> Reply:
        from tutor.tune.lrfind import lr_find
        from tutor.tune.results import explain as explain_lr_find

        result = lr_find(self._locked(self.config))
        s = result.suggestions
        head = t("dialogue.search.lr_find", self.lang, valley=rate(s.valley), steepest=rate(s.steepest),
                 min_div_10=rate(s.min_div_10))
        text = "\n\n".join([head, *explain_lr_find(result, self.lang)])
        return Reply(text=text, intent=intent, lang=self.lang, suggestion={"lr": float(rate(s.valley))})

    # -- the lesson: the student's place, the question open, answers graded, moving on ----------

    def lesson(self) -> Lesson | None:
        return self.course.get(self.lesson_id, self.lang) if self.lesson_id else None

    @property
    def flow(self) -> StepFlow | None:
        """The cursor in the current step, resumed where the student left it; None without a lesson."""
        lesson = self.lesson()
        if lesson is None or not lesson.steps:
            return None
        flow = self._flow
        if flow is None or flow.lesson is not lesson or flow.index != self.step:  # F4: the same place, resumed
            self.keep_place()
            before = self.places.get(lesson.id, {}).get("step")
            stored = self.place(lesson)
            if before == self.step:  # the current step is the place stored: it moves with it
                self.step = stored["step"]
            self.step = max(0, min(self.step, len(lesson.steps) - 1))
            self._flow = StepFlow.resume(lesson, self.step, stored if stored.get("step") == self.step else {})
        return self._flow

    def keep_place(self) -> None:
        """Note where the student is in the lesson open, to resume it there (after a restart, or another lesson)."""
        flow = self._flow
        if flow is not None:
            self.places[flow.lesson.id] = {"lesson": flow.lesson.id, "step": flow.index, "title": flow.step.title,
                                           "lang": flow.lesson.lang, **flow.state()}

    def place(self, lesson: Lesson) -> dict[str, Any]:
        """The student's stored place in `lesson` ({} if none), moved to where its step now is if the lesson
        was edited since (see `relocated`); compared in the language it was stored in."""
        stored = self.places.get(lesson.id, {})
        lang = stored.get("lang", lesson.lang)
        saved = self.course.get(lesson.id, lang)
        if stored and saved is not None and saved.lang == lang:
            stored = self.places[lesson.id] = relocated(stored, [step.title for step in saved.steps])
        return stored

    def start(self) -> Reply:
        """The student's place: a new student starts the first lesson of the course, and their place (and
        language) is kept from this first screen on; one coming back, or switching language, finds the
        step as they left it (what they had read, their answers, the question open)."""
        new = self.lesson() is None
        if new:
            lessons = self.course.in_lang(self.lang)
            self.lesson_id, self.step = (lessons[0].id, 0) if lessons else (None, 0)
        reply = self.open_step(Intent(kind="goto", lang=self.lang), resume=True)
        if new:
            self.save()
        return reply

    def open_lesson(self, lesson_id: str, intent: Intent | None = None) -> Reply:
        """Open a lesson where the student left it (its step as they left it), else at its top."""
        self.keep_place()
        place = self.places.get(lesson_id)
        self.lesson_id, self.step = lesson_id, place.get("step", 0) if place else 0
        return self.open_step(intent or Intent(kind="goto", lang=self.lang), resume=place is not None)

    def open_step(self, intent: Intent, resume: bool = False) -> Reply:
        """Show the current step from its top, up to its first question or experiment; with `resume`, as
        far as the student had got in it."""
        lesson = self.lesson()
        if lesson is None or not lesson.steps:
            return self._reply(intent, "dialogue.no_lesson")
        flow = self.flow if resume else None  # before clamping: a stored place moves with its step
        self.step = max(0, min(self.step, len(lesson.steps) - 1))
        if flow is None or not flow.shown:
            self.keep_place()
            flow = self._flow = StepFlow(lesson, self.step)
            shown = Shown(items=flow.reveal())
        else:
            shown = Shown(items=flow.seen(), answered=flow.answers, resumed=True)
        shown.heading = t("dialogue.step", self.lang, lesson=lesson.title, n=self.step + 1, of=len(lesson.steps),
                          title=flow.step.title)
        shown.intro = f"# {lesson.title}\n\n{lesson.intro}".strip() if self.step == 0 else ""
        return self._lesson_reply(intent, shown)

    def _on_next(self, intent: Intent, on_epoch, should_stop) -> Reply:
        """Go on as the step allows (train its experiment, launch its search, show what follows, open the next
        step); a skip leaves the step, or the lesson, as it is, an open question included."""
        flow = self.flow
        if flow is None:
            return self._on_goto(intent)
        if intent.skip is None:
            if isinstance(flow.gate, Experiment):
                return self._ran_gate(intent, flow, flow.gate.config, on_epoch, should_stop)
            if isinstance(flow.gate, Sweep):
                return self._searched_gate(intent, flow, flow.gate, should_stop)
            if flow.question is not None:
                return self._ask_again(intent, flow.question)
            if not flow.finished:
                return self._lesson_reply(intent, Shown(items=flow.reveal()))
            self.store.record(self.student, flow.lesson.id, flow.index, "done")
        if intent.skip != "lesson" and not flow.last_step:
            self.step += 1
            return self.open_step(intent)
        ids = [lesson.id for lesson in self.course.in_lang(self.lang)]
        following = ids[ids.index(flow.lesson.id) + 1:] if flow.lesson.id in ids else []
        if not following:
            return self._reply(intent, "dialogue.more.course_done")
        if intent.skip is None:  # the lesson is done: opened again, it starts from its top
            self._flow = None
            self.places.pop(flow.lesson.id, None)
        return self.open_lesson(following[0], intent)

    def _on_back(self, intent: Intent, *_) -> Reply:
        """The step before; from a lesson's first step, the last step of the lesson before it. "Lección anterior"
        (`skip` "lesson") opens the lesson before at its first step."""
        lessons = self.course.in_lang(self.lang)
        ids = [lesson.id for lesson in lessons]
        if intent.skip == "lesson":
            if self.lesson_id not in ids[1:]:
                return self._reply(intent, "dialogue.more.first_lesson")
            self.lesson_id, self.step = ids[ids.index(self.lesson_id) - 1], 0
        elif self.step == 0 and self.lesson_id in ids[1:]:
            previous = lessons[ids.index(self.lesson_id) - 1]
            self.lesson_id, self.step = previous.id, len(previous.steps) - 1
        else:
            self.step = max(0, self.step - 1)
        return self.open_step(intent)

    def _on_goto(self, intent: Intent, *_) -> Reply:
        """Open the lesson the message names (by its number as the course lists it, else its idea, else its
        topic) at the step it names ("paso 3": of the current lesson when it names none). A number outside the
        course or the lesson is refused with the range; one that names none ("open a lesson") starts a new student
        at the first lesson, and leaves one in a lesson where they are, listing the course."""
        lessons = self.course.in_lang(self.lang)
        titles = ", ".join(f"{n}. {lesson.title}" for n, lesson in enumerate(lessons, 1))
        if intent.lesson is not None and lessons:
            if not 1 <= intent.lesson <= len(lessons):
                return self._reply(intent, "dialogue.more.no_such_lesson", n=intent.lesson, of=len(lessons),
                                   lessons=titles)
            match = lessons[intent.lesson - 1]
        elif intent.step is not None and not (intent.concept or intent.topic):  # "paso 3": in this lesson
            match = self.lesson()
        else:
            match = (intent.concept and lesson_for(intent.concept, self.course, self.lang)) or next(
                (lesson for lesson in lessons if intent.topic in lesson.topics), None)
        if match is None and self.lesson() is not None:
            return self._reply(intent, "dialogue.more.which_lesson", lessons=titles)
        match = match or next(iter(lessons), None)
        if match is None:
            return self._reply(intent, "dialogue.no_lesson")
        if intent.step is None:
            return self.open_lesson(match.id, intent)
        if not 1 <= intent.step <= len(match.steps):
            return self._reply(intent, "dialogue.more.no_such_step", n=intent.step, lesson=match.title,
                               of=len(match.steps))
        self.lesson_id, self.step = match.id, intent.step - 1
        return self.open_step(intent)

    def _on_where(self, intent: Intent, *_) -> Reply:
        """Where the student is ("¿dónde estaba?", "¿cómo voy?"): the lesson and its place in the course, the
        step, how much of the course is done and how many answers were right at the first try, and what the step
        waits for (the open question again, the experiment or search to launch)."""
        flow = self.flow
        if flow is None:  # a new student: the course opens at its first lesson
            return self._on_goto(intent)
        lesson, ids = flow.lesson, [x.id for x in self.course.in_lang(flow.lesson.lang)]
        place = t("dialogue.more.where", self.lang, lesson=lesson.title, number=ids.index(lesson.id) + 1,
                  lessons=len(ids), n=flow.index + 1, of=len(lesson.steps), title=flow.step.title)
        place += " " + self.progress_text(flow.lesson.lang)
        if flow.question is not None:
            place += " " + t("dialogue.more.where_question", self.lang)
            if flow.tries or flow.hints:
                place += " " + t("thread.where.tries", self.lang, n=len(flow.tries), hints=flow.hints)
        elif flow.gate is None:
            place += " " + t("dialogue.more.no_question", self.lang)
        return self._lesson_reply(intent, Shown(said=place, block=flow.open, recalled=True), recall=flow.open)

    def progress_text(self, lang: Lang) -> str:
        """How much of the course (in `lang`) the student has done, and their answers right at the first try."""
        lessons = self.course.in_lang(lang)
        events = self.store.progress(self.student)
        done = steps_done(self.store, self.student, events)
        finished = sum(len(done.get(lesson.id, set()) & set(range(len(lesson.steps)))) for lesson in lessons)
        first = first_answers(self.store, self.student, events)
        text = t("dialogue.more.progress", self.lang, done=finished, total=sum(len(x.steps) for x in lessons))
        if first:
            text += " " + t("dialogue.more.first_tries", self.lang, right=sum(first.values()), answered=len(first))
        return text

    def _on_answer(self, intent: Intent, on_epoch, should_stop) -> Reply:
        """An answer to the question the step waits for; a number also picks a what-if question."""
        flow = self.flow
        question = flow.question if flow else None
        if flow is None or question is None:
            return self._reply(intent, "dialogue.more.no_question")
        if isinstance(question, Quiz) and not question.choices:
            number = _as_number(intent.answer)
            if number is None:
                return self._ask_again(intent, question)
            return self._graded(intent, flow, question, None, question.grade(number))
        index = choice_index(intent.answer, len(question.choices))
        if index is None:
            return self._ask_again(intent, question)
        if isinstance(question, Quiz):
            return self._graded(intent, flow, question, index, question.choices[index].correct)
        return self._ran_gate(intent, flow, question.experiment.config, on_epoch, should_stop, index)

    def _ran_gate(self, intent: Intent, flow: StepFlow, cfg: ExperimentConfig, on_epoch, should_stop,
                  chosen: int | None = None) -> Reply:
        """Train the step's experiment (or the one a prediction bets on) and grade the bet by its diagnoses;
        a cancelled run leaves the gate open."""
        gate = flow.gate
        ran = self.run_config(cfg, what_if(self.config, cfg, self.lang), on_epoch, should_stop)
        if ran.run is None or ran.run.status == "cancelled" or gate is None:
            return self._lesson_reply(intent, Shown(said=ran.text, block=gate), ran)
        if isinstance(gate, Predict) and chosen is not None:
            right = gate.right(d.code for d in ran.diagnoses)
            return self._graded(intent, flow, gate, chosen, chosen in right, right=right, run=ran)
        flow.settle(ran=cfg)
        return self._lesson_reply(intent, Shown(said=ran.text, block=gate, settled=True, items=flow.reveal()), ran)

    def _searched_gate(self, intent: Intent, flow: StepFlow, block: Sweep, should_stop) -> Reply:
        """Run the step's search (its own base and fields, as its `tutor sweep` command would); a search
        stopped before any trial finished leaves the gate open."""
        from tutor.tune.space import parse_grid, parse_space
        from tutor.tune.sweep import sweep

        make = parse_grid if block.method == "grid" else parse_space
        space = make(block.specs(), self._locked(block.base), self.lang)
        result = sweep(space, block.method, block.n_trials, budget=block.budget or SEARCH_BUDGET,
                       should_stop=should_stop, store=self.store, student=self.student)
        reply = self.searched(intent, block.method, result)
        if result.best is None:
            return self._lesson_reply(intent, Shown(said=reply.text, block=block), reply)
        flow.settle()
        return self._lesson_reply(intent, Shown(said=reply.text, block=block, settled=True, items=flow.reveal()), reply)

    def _graded(self, intent: Intent, flow: StepFlow, block: Quiz | Predict, chosen: int | None, correct: bool, *,
                right: tuple[int, ...] | None = None, run: Reply | None = None) -> Reply:
        """Record the answer, say whether it is right and why (and what its run showed), and show what the
        step holds next; a wrong answer to a quiz leaves it open."""
        choice = block.choices[chosen] if chosen is not None else None
        # a numeric answer's feedback is its worked solution: shown once it is right, not to a wrong try
        feedback = choice.feedback if choice else getattr(block, "feedback", "") if correct else ""
        self.store.record(self.student, flow.lesson.id, flow.index, "quiz" if isinstance(block, Quiz) else "predict",
                          choice.text if choice else str(intent.answer), correct)
        verdict = t("dialogue.more.right" if correct else "dialogue.more.wrong", self.lang)
        again = t("dialogue.more.try_again", self.lang) if isinstance(block, Quiz) and not correct else ""
        words = " ".join(p for p in (verdict, " ".join(feedback.split()), again) if p)
        said = "\n\n".join(p for p in (words, run.text if run else "") if p)
        if again:
            flow.tries.append(str(intent.answer) if chosen is None else str(chosen))  # a choice by place: any language
            return self._lesson_reply(intent, Shown(said=said, block=block, chosen=chosen, correct=False))
        if right is None:
            right = tuple(i for i, c in enumerate(block.choices) if getattr(c, "correct", False))
        flow.settle(ran=run.run.config if run and run.run else None, answer=Answer(chosen=chosen, right=list(right)))
        shown = Shown(said=said, block=block, chosen=chosen, correct=correct, settled=True, right=list(right),
                      items=flow.reveal())
        return self._lesson_reply(intent, shown, run)

    def _ask_again(self, intent: Intent, question: Quiz | Predict) -> Reply:
        """The question is still open: how to answer it, and the question again (a digression may have
        pushed it out of sight)."""
        if isinstance(question, Quiz) and not question.choices:
            said = t("dialogue.more.want_number", self.lang)
        elif self.numbered:
            said = t("dialogue.more.pick_number", self.lang, n=len(question.choices))
        else:
            said = t("dialogue.more.pick_letter", self.lang, last=chr(ord("a") + len(question.choices) - 1))
        return self._lesson_reply(intent, Shown(said=said, block=question, recalled=True), recall=question)

    def _question_hint(self, intent: Intent, flow: StepFlow, question: Quiz | Predict) -> Reply:
        """A hint for the open question, one more each time: a wrong choice ruled out (never the last one, which
        would give the answer away), or, for a number, whether the last try was too high or too low."""
        flow.hints += 1
        if isinstance(question, Quiz) and not question.choices:
            last = _as_number(flow.tries[-1]) if flow.tries else None
            if last is None or question.answer is None:
                said = t("thread.hint.number", self.lang)
            else:
                said = t("thread.hint.high" if last > question.answer else "thread.hint.low", self.lang,
                         value=flow.tries[-1])
        else:
            expected = set(question.experiment.expect.any) if isinstance(question, Predict) else set()
            untried = [c for i, c in enumerate(question.choices) if str(i) not in flow.tries
                       and not (getattr(c, "correct", False) or expected & set(getattr(c, "codes", ())))]
            out = untried[:flow.hints] if flow.hints < len(untried) else []  # one wrong choice left at least
            if out:
                named = ", ".join(t("thread.hint.quoted", self.lang, text=c.text) for c in out)
                said = " ".join(p for p in (t("thread.hint.not", self.lang, choices=named),
                                            " ".join(getattr(out[-1], "feedback", "").split())) if p)
            else:
                said = t("thread.hint.narrow", self.lang)
        return self._lesson_reply(intent, Shown(said=said, block=question, recalled=True), recall=question)

    def recalled(self, reply: Reply) -> Reply:
        """A reply off the lesson's path (an idea explained, a what-if trained, help), followed by what the lesson
        is in the middle of, as it was: the open question, the experiment or search to launch, the what-ifs."""
        flow = self.flow
        block = flow.open if flow is not None else None
        if block is None:
            return reply
        kind = "question" if isinstance(block, (Quiz, Predict)) else block.kind
        said = f"{reply.text}\n\n{t(f'thread.back.{kind}', self.lang)}"
        return self._lesson_reply(reply.intent, Shown(said=said, block=block, recalled=True), reply, recall=block)

    def _lesson_reply(self, intent: Intent, shown: Shown, run: Reply | None = None,
                      recall: Gate | WhatIf | None = None) -> Reply:
        """A reply that shows part of the lesson; its text is the whole of it, as `tutor ask` prints it
        (with `recall`, the open question or the block to launch again: a screen keeps its card in view
        instead)."""
        flow = self.flow
        step = flow.step if flow else None

        def words(item: Any) -> str:
            ran = flow is not None and isinstance(item, Experiment) and item.config in flow.ran
            return item_text(item, step, self.lang, ran)

        parts = [shown.said, recall and words(recall), shown.intro, shown.heading, *map(words, shown.items)]
        text = "\n\n".join(p for p in parts if p) or t("dialogue.more.no_question", self.lang)
        fields = {k: getattr(run, k) for k in ("run", "run_id", "diagnoses", "comparison", "suggestion")
                  } if run else {}
        return Reply(text=text, intent=intent, lang=self.lang, shown=shown, **fields)


# -- applying changes ------------------------------------------------------------------------------


def apply(cfg: ExperimentConfig, changes: dict[str, Any], lang: Lang) -> ExperimentConfig:
    """The config with each change applied; a change that cannot apply, or an out-of-range result, is
    refused with the accepted range, never clamped."""
    values = cfg.model_dump()
    for field, change in changes.items():
        try:
            values[config_field(field)] = _changed(cfg, values, field, change.op, change.value)
        except (TypeError, ValueError, OverflowError):
            raise ConfigError(t("dialogue.cannot_apply", lang, field=field_name(field, lang),
                                range=accepted(field, lang))) from None
    try:  # "the number of examples 3: …", never "--samples 3: …"
        return make_config(values, lang, named=lambda name: field_name(name, lang))
    except ConfigError as err:
        field = next(iter(changes), "")
        raise ConfigError(t("dialogue.refused", lang, reason=str(err), field=field_name(field, lang))) from None


def stepped(cfg: ExperimentConfig, field: str, direction: int, lang: Lang) -> ExperimentConfig | None:
    """`cfg` with `field` one usual step up (`direction` 1) or down (-1), to one significant digit ("the lr is
    too high": 0.01 -> 0.003); None for a setting without a usual step, or a step that changes nothing or
    leaves the accepted range."""
    step = STEPS.get(field)
    if step is None:
        return None
    value = step.value if direction > 0 else 1 / step.value if step.op == "mul" else -step.value
    try:
        moved = apply(cfg, {field: Change(op=step.op, value=value)}, lang)
        moved = moved.changed(**{f: float(f"{v:.1g}") for f, v in moved.model_dump().items()
                                 if isinstance(v, float) and f in cfg.diff(moved)})
    except ConfigError:
        return None
    return moved if cfg.diff(moved) else None


def _changed(cfg: ExperimentConfig, values: dict[str, Any], field: str, op: str, value: Any) -> Any:
    """The new value of `field` (of `hidden` for the shapes); TypeError or ValueError when `op`
    cannot apply to it ("double the activation", "add tanh")."""
    widths: tuple[int, ...] = tuple(values["hidden"])
    if field == "hidden" and isinstance(value, list):
        return (*widths, *value) if op == "add" else tuple(value) if op == "set" else _refuse()
    if field == "layers" or (field == "hidden" and op == "add"):  # "add 2 layers" to the widths
        depth = _whole(combine(op, len(widths), _number(value)))
        if not 0 <= depth <= MAX_LAYERS:
            raise ValueError(depth)
        return shaped(widths, depth)
    if field in ("width", "hidden"):  # "hidden 64": each layer 64 wide
        new = tuple(_whole(combine(op, w, _number(value))) for w in widths or (DEFAULT_WIDTH,))
        if not all(1 <= w <= MAX_WIDTH for w in new):
            raise ValueError(new)
        return new
    current = cfg.n_samples if field == "samples" else values[field]  # samples: None is the data set's count
    if op == "set":
        return value
    new = combine(op, _number(current), _number(value))
    return _whole(new) if isinstance(current, int) else new


def _number(x: Any) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(x)
    return x


def _whole(x: float) -> int:
    """Counts stay whole: 32 × 0.5 = 16, 32 × 1/3 = 11; a count that rounds to nothing is refused."""
    if not math.isfinite(x) or abs(x) > 10**9:
        raise ValueError(x)
    return int(round(x))


def _refuse() -> Any:
    raise TypeError


def what_if(before: ExperimentConfig, after: ExperimentConfig, lang: Lang) -> Intent:
    """A what-if naming the fields that differ, for runs the tutor launches itself (lesson experiments,
    suggestions run with one key)."""
    changes = {field: Change(op="set", value=list(new) if isinstance(new, tuple) else new)
               for field, (_, new) in before.diff(after).items() if field in get_args(FieldName)}
    return Intent(kind="what_if", changes=changes, lang=lang)


def _as_number(answer: object) -> float | None:
    """A typed numeric answer: 354, "0,5", "1e-3"; None when it is no number."""
    try:
        number = float(str(answer).strip().replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def choice_index(answer: object, n: int) -> int | None:
    """'b', 'B)', '2' -> 1: a choice by letter or by number, None if it names no choice."""
    text = str(answer).strip().lower().rstrip(").")
    if len(text) == 1 and "a" <= text <= "z":
        index = ord(text) - ord("a")
    elif text.isdigit():
        index = int(text) - 1
    else:
        return None
    return index if 0 <= index < n else None


def combine(op: str, current: float, value: float) -> float:
    return current * value if op == "mul" else current + value if op == "add" else value


def field_name(field: str, lang: Lang) -> str:
    """How a field is called in conversation ('la tasa de aprendizaje (lr)')."""
    return catalogue(lang).get(f"dialogue.field.{field}", field)


def describe_changes(intent: Intent, cfg: ExperimentConfig, lang: Lang) -> str:
    """'un learning rate de 10 y un batch de 16': the new values of the fields the student changed."""
    return said(intent.changes, cfg, lang) or t("dialogue.same_config", lang)


def said(fields: Iterable[str], cfg: ExperimentConfig, lang: Lang) -> str:
    """'un learning rate de 0.01, un batch de 32 y 20 épocas': `cfg`'s values of `fields` in words (width and
    layers as the hidden layers they make; fields a student does not set, and unset ones, left out)."""
    named = dict.fromkeys(config_field(f) for f in fields)
    values = {f: getattr(cfg, f) for f in named if f"diagnose.action.{f}" in catalogue(lang)}
    return action({f: v for f, v in values.items() if v is not None}, lang)
