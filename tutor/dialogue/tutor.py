"""The conversation: one student's current config, runs and place in the course, turn by turn.

`Tutor.handle(text)` parses the message, applies it (changing the config and training, explaining,
comparing, moving through the lessons) and answers in the student's language. All state lives on
the object and in the store, so the CLI, the app and every SSH session each hold their own.
"""

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from tutor.classroom.exercise import current_exercise, leaderboard
from tutor.config import ExperimentConfig, accepted, argument, make_config
from tutor.diagnose import Comparison, Diagnosis, compare, explain
from tutor.diagnose.explain import action
from tutor.diagnose.verify import advise
from tutor.dialogue.intent import Search
from tutor.dialogue.parse import Intent, parse
from tutor.engine import Epoch, RunResult, train
from tutor.errors import ConfigError, TutorError
from tutor.i18n import Lang, catalogue, t
from tutor.lessons import Course, Lesson, Predict, Quiz, Step, load_lessons
from tutor.store import Store

STATE_KEY = "dialogue"
TRAINS = ("what_if", "sweep", "lr_find", "answer")  # kinds that train: `run=False` only plans them
SEARCH_TRIALS, SEARCH_BUDGET = 12, 60.0  # a search asked in conversation: its default size and time
DEFAULT_WIDTH = 32


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


class Tutor:
    """One student's conversation. Cheap to create: its state comes from the store."""

    def __init__(self, store: Store, student: str, lang: Lang | None = None, course: Course | None = None) -> None:
        self.store, self.student, self.fixed_lang = store, student, lang
        saved = store.get_state(student, STATE_KEY, {})
        self.config = ExperimentConfig(**saved.get("config", {}))
        self.run_ids: list[int] = saved.get("runs", [])
        self.tried: list[int] = saved.get("tried", [])  # the tutor's own runs: fixes it tried before proposing one
        self.lesson_id: str | None = saved.get("lesson")
        self.step: int = saved.get("step", 0)
        self.last_text: str = saved.get("last_text", "")
        self.last_fields: list[str] = saved.get("last_fields", [])
        self.lang: Lang = lang or saved.get("lang", "es")
        self._course = course

    @property
    def course(self) -> Course:
        if self._course is None:
            self._course = load_lessons()
        return self._course

    def save(self) -> None:
        self.store.set_state(self.student, STATE_KEY, {
            "config": self.config.model_dump(mode="json"), "runs": self.run_ids[-50:], "tried": self.tried[-50:],
            "lesson": self.lesson_id,
            "step": self.step, "last_text": self.last_text, "last_fields": self.last_fields, "lang": self.lang})

    # -- one turn --------------------------------------------------------------------------------

    def handle(self, text: str, on_epoch: Callable[[Epoch], None] | None = None,
               should_stop: Callable[[], bool] | None = None, run: bool = True) -> Reply:
        """Answer one message; `run=False` plans without training (what `tutor ask --no-run` does)."""
        intent = self.understand(text)
        self.lang = self.fixed_lang or intent.lang
        handler = getattr(self, f"_on_{intent.kind}", self._on_unknown)
        reply = handler(intent, on_epoch, should_stop) if run or intent.kind not in TRAINS else self._plan(intent)
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
        result = train(cfg, on_epoch=on_epoch, should_stop=should_stop)
        diagnoses = advise(result, self.lang, self.keep, should_stop)
        run_id = self.store.add_run(self.student, result, [d.model_dump(mode="json") for d in diagnoses])
        self.config, self.run_ids = cfg, [*self.run_ids, run_id]
        comparison = compare(previous, result, self.lang) if previous else None
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
        return run_id

    def last_diagnoses(self) -> list[Diagnosis]:
        """What was said about the latest run, the fixes tried for it included (explaining it again
        would not try them again); a run stored without diagnoses is explained now."""
        stored = self.store.run(self.run_ids[-1]) if self.run_ids else None
        if stored is None:
            return []
        if stored.diagnoses:
            return [Diagnosis.model_validate(d) for d in stored.diagnoses]
        return explain(RunResult.model_validate(stored.result), self.lang)

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
        named = {"hidden" if f in ("width", "layers") else f for f in intent.changes}
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

    def planned(self, text: str) -> ExperimentConfig | None:
        """The config `text` would train, if it asks for a run the tutor accepts (for a live panel)."""
        intent = self.understand(text)
        if intent.kind != "what_if":
            return None
        try:
            return self.changed(intent)
        except TutorError:
            return None

    def _plan(self, intent: Intent) -> Reply:
        if intent.kind != "what_if":
            return self._reply(intent, "dialogue.would_run", what=intent.kind)
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
        if run is None:
            return self._reply(intent, "dialogue.no_run")
        diagnoses = self.last_diagnoses()
        text = "\n\n".join(f"• {d.message}" for d in diagnoses) or t("dialogue.no_run", self.lang)
        return Reply(text=text, intent=intent, lang=self.lang, diagnoses=diagnoses,
                     suggestion=diagnoses[0].suggestion if diagnoses else None)

    def _on_compare(self, intent: Intent, *_) -> Reply:
        a, b = self.last_run(2), self.last_run(1)
        if a is None or b is None:
            return self._reply(intent, "dialogue.compare_needs_two")
        comparison = compare(a, b, self.lang)
        return Reply(text=comparison.message, intent=intent, lang=self.lang, comparison=comparison)

    def _on_hint(self, intent: Intent, *_) -> Reply:
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
            return self._reply(intent, "dialogue.more.reset_fields", config=shown({f: getattr(fresh, f) for f in fields}))
        self.config, self.run_ids = fresh, []
        return self._reply(intent, "dialogue.reset", config=shown(fresh.model_dump(exclude={"device"})))

    def _on_exercise(self, intent: Intent, *_) -> Reply:
        return Reply(text=self.exercise_text(), intent=intent, lang=self.lang)

    def _on_help(self, intent: Intent, *_) -> Reply:
        return self._reply(intent, "dialogue.help")

    def _on_clarify(self, intent: Intent, *_) -> Reply:
        fields = [f for f in (intent.fields or []) if f in ExperimentConfig.model_fields] or ["lr"]
        name = field_name(fields[0], self.lang)
        return self._reply(intent, "dialogue.clarify", field=name, range=accepted(fields[0], self.lang))

    def _on_unknown(self, intent: Intent, *_) -> Reply:
        return self._reply(intent, "dialogue.unknown")

    def _on_answer(self, intent: Intent, on_epoch, should_stop) -> Reply:
        step = self.current_step()
        block = next((b for b in step.blocks if isinstance(b, (Quiz, Predict))), None) if step else None
        if block is None:
            return self._reply(intent, "dialogue.more.no_question")
        if isinstance(block, Quiz) and not block.choices:
            try:
                number = float(str(intent.answer).replace(",", "."))
            except ValueError:
                return self._reply(intent, "dialogue.more.want_number")
            right = block.grade(number)
            return self._graded(intent, "quiz", str(intent.answer), right, block.feedback)
        index = choice_index(intent.answer, len(block.choices))
        if index is None:
            return self._reply(intent, "dialogue.more.pick_choice", n=len(block.choices))
        if isinstance(block, Quiz):
            chosen = block.choices[index]
            return self._graded(intent, "quiz", chosen.text, chosen.correct, chosen.feedback)
        reply = self.run_config(block.experiment.config, intent, on_epoch, should_stop)
        codes = [d.code for d in reply.diagnoses]
        right = index in block.right(codes)
        graded = self._graded(intent, "predict", block.choices[index].text, right, block.choices[index].feedback)
        return reply.model_copy(update={"text": f"{graded.text}\n\n{reply.text}"})

    def _graded(self, intent: Intent, kind: str, answer: str, right: bool, feedback: str) -> Reply:
        self.store.record(self.student, self.lesson_id or "", self.step, kind, answer, right)
        verdict = t("dialogue.more.right" if right else "dialogue.more.wrong", self.lang)
        return Reply(text=f"{verdict} {feedback}".strip(), intent=intent, lang=self.lang)

    def current_step(self) -> Step | None:
        lesson = self.lesson()
        return lesson.steps[self.step] if lesson and 0 <= self.step < len(lesson.steps) else None

    def _on_sweep(self, intent: Intent, _on_epoch, should_stop) -> Reply:
        from tutor.tune.space import from_request
        from tutor.tune.sweep import sweep

        ask = intent.search or Search()
        method = ask.method or ("grid" if ask.values else "random")
        try:
            space = from_request(method, ask.fields, ask.values, ask.bounds, self._locked(self.config), self.lang)
        except ConfigError as err:
            return Reply(text=str(err), intent=intent, lang=self.lang)
        result = sweep(space, method, ask.trials or SEARCH_TRIALS, budget=SEARCH_BUDGET, should_stop=should_stop,
                       store=self.store, student=self.student)
        if result.best is None:
            return self._reply(intent, "dialogue.search.none", trials=len(result.trials))
        best = result.best
        ranked = ", ".join(f"{k} {v:.0%}" for k, v in sorted(result.importances.items(), key=lambda kv: -kv[1]))
        parts = [t("dialogue.search.best", self.lang, method=method, trials=len(result.trials), seconds=f"{result.seconds:.1f}",
                   params=shown(best.params), loss=f"{best.val_loss:.3f}", acc=f"{(best.val_acc or 0):.0%}")]
        if ranked:
            parts.append(t("dialogue.search.importance", self.lang, ranked=ranked))
        if result.edge:
            parts.append(t("dialogue.search.edge", self.lang, field=result.edge.field, value=f"{result.edge.value:g}"))
        suggestion = {k: v for k, v in best.config.model_dump().items() if v != getattr(self.config, k)}
        if suggestion:
            parts.append(t("dialogue.suggest", self.lang, change=shown(suggestion)))
        self.run_ids = [*self.run_ids, *(tr.run_id for tr in result.trials if tr.run_id is not None)][-50:]
        return Reply(text="\n\n".join(parts), intent=intent, lang=self.lang, suggestion=suggestion or None)

    def _on_lr_find(self, intent: Intent, *_) -> Reply:
        from tutor.tune.lrfind import explain as explain_lr_find
        from tutor.tune.lrfind import lr_find

        result = lr_find(self._locked(self.config))
        s = result.suggestions
        head = t("dialogue.search.lr_find", self.lang, valley=f"{s.valley:.2g}", steepest=f"{s.steepest:.2g}",
                 min_div_10=f"{s.min_div_10:.2g}")
        text = "\n\n".join([head, *explain_lr_find(result, self.lang)])
        return Reply(text=text, intent=intent, lang=self.lang, suggestion={"lr": float(f"{s.valley:.2g}")})

    # lessons: goto a topic, next and back through the steps, answers to quizzes

    def lesson(self) -> Lesson | None:
        return self.course.get(self.lesson_id, self.lang) if self.lesson_id else None

    def _show_step(self, intent: Intent) -> Reply:
        lesson = self.lesson()
        if lesson is None or not lesson.steps:
            return self._reply(intent, "dialogue.no_lesson")
        self.step = max(0, min(self.step, len(lesson.steps) - 1))
        step = lesson.steps[self.step]
        head = t("dialogue.step", self.lang, lesson=lesson.title, n=self.step + 1, of=len(lesson.steps), title=step.title)
        return Reply(text=f"{head}\n\n{step.text}".strip(), intent=intent, lang=self.lang)

    def _on_goto(self, intent: Intent, *_) -> Reply:
        lessons = self.course.in_lang(self.lang)
        match = next((lesson for lesson in lessons if intent.topic in lesson.topics), lessons[0] if lessons else None)
        if match is None:
            return self._reply(intent, "dialogue.no_lesson")
        self.lesson_id, self.step = match.id, 0
        return self._show_step(intent)

    def _on_next(self, intent: Intent, *_) -> Reply:
        if self.lesson() is None:
            return self._on_goto(intent)
        self.store.record(self.student, self.lesson_id or "", self.step, "done")
        self.step += 1
        return self._show_step(intent)

    def _on_back(self, intent: Intent, *_) -> Reply:
        self.step = max(0, self.step - 1)
        return self._show_step(intent)


# -- applying changes ------------------------------------------------------------------------------


def apply(cfg: ExperimentConfig, changes: dict[str, Any], lang: Lang) -> ExperimentConfig:
    """The config with each change applied; out-of-range results are refused with the range, never clamped."""
    values = cfg.model_dump()
    for field, change in changes.items():
        op, value = change.op, change.value
        if field == "width":
            widths = values["hidden"] or (DEFAULT_WIDTH,)
            values["hidden"] = tuple(_integral(combine(op, w, value)) for w in widths)
        elif field == "layers":
            depth = _integral(combine(op, len(values["hidden"]), value))
            if depth < 0:
                raise ConfigError(t("dialogue.out_of_range", lang, field=field_name("layers", lang), value=depth,
                                    range=accepted("hidden", lang)))
            widths = values["hidden"] or (DEFAULT_WIDTH,)
            values["hidden"] = tuple(widths[min(i, len(widths) - 1)] for i in range(depth))
        elif field == "hidden":
            values[field] = (*values[field], *value) if op == "add" else value
        elif op == "set":
            values[field] = value
        else:
            new = combine(op, values[field], value)
            values[field] = _integral(new) if isinstance(values[field], int) else new
    try:
        return make_config(values, lang)
    except ConfigError as err:
        field = next(iter(changes), "")
        raise ConfigError(t("dialogue.refused", lang, reason=str(err), field=field_name(field, lang))) from None


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


def _integral(x: float) -> int | float:
    """Counts stay whole: 32 × 0.5 = 16; a fractional count is kept so validation can refuse it."""
    return int(round(x)) if abs(x - round(x)) < 1e-9 or abs(x) >= 1 else x


def field_name(field: str, lang: Lang) -> str:
    """How a field is called in conversation ('la tasa de aprendizaje (lr)')."""
    return catalogue(lang).get(f"dialogue.field.{field}", field)


def describe_changes(intent: Intent, cfg: ExperimentConfig, lang: Lang) -> str:
    """'un learning rate de 10 y un batch de 16': the new values of the fields the student changed."""
    fields = ["hidden" if f in ("width", "layers") else f for f in intent.changes]
    return action({f: getattr(cfg, f) for f in dict.fromkeys(fields)}, lang) or t("dialogue.same_config", lang)


def shown(values: dict[str, Any]) -> str:
    """'lr 0.05, hidden 32,32': settings as the student would type them."""
    return ", ".join(f"{k} {argument(v)}" for k, v in values.items())
