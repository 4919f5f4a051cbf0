"""The main screen: the conversation and the lesson on one side, the run panel on the other.

Below 120 columns the two share the screen and F2 switches between them; the view follows the
action (a run shows the panel, a reply shows the conversation). Turns that may train go through one
worker thread, one at a time; messages typed meanwhile wait in a queue.
"""

import threading
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerError, WorkerState

from tutor.classroom.exercise import current_exercise
from tutor.config import ExperimentConfig
from tutor.diagnose import Diagnosis
from tutor.diagnose.explain import action
from tutor.dialogue.tutor import Reply, Tutor
from tutor.engine import Epoch, RunResult, gate
from tutor.errors import TutorError
from tutor.i18n import Lang
from tutor.lessons import Predict, Quiz, WhatIf
from tutor.ui.flow import StepFlow
from tutor.ui.jobs import Job, intent_for
from tutor.ui.keys import LocalizedBindings, localized
from tutor.ui.screens.lesson import LessonSteps
from tutor.ui.text import ui
from tutor.ui.widgets.conversation import Conversation, Said
from tutor.ui.widgets.footer import Footer
from tutor.ui.widgets.prompt import PromptInput
from tutor.ui.widgets.run_panel import RunPanel


MAX_WAITING = 3  # messages that may wait behind a training: typing ten what-ifs queues three


class MainScreen(LessonSteps, LocalizedBindings, Screen):
    """The tutor's conversation, the current lesson step, and the live run."""

    BINDINGS = [
        *localized("f2", "toggle_panel", "panel"),
        *localized("ctrl+r", "run_suggestion", "suggest"),
        *localized("escape", "cancel", "cancel"),
        Binding("pageup", "scroll_talk(-1)", show=False, priority=True),
        Binding("pagedown", "scroll_talk(1)", show=False, priority=True),
    ]

    @dataclass
    class EpochDone(Message):
        epoch: Epoch

    @dataclass
    class Queued(Message):
        place: int
        of: int

    @dataclass
    class JobDone(Message):
        job: Job
        reply: Reply

    def __init__(self, tutor: Tutor) -> None:
        super().__init__()
        self.tutor = tutor
        self.flow: StepFlow | None = None
        self.cards: dict[int, Widget] = {}  # the widget of each block shown, by id(block)
        self.jobs: deque[Job] = deque()
        self.busy: Job | None = None
        self.stop = threading.Event()
        self.watching = False
        self.suggestion: dict | None = None

    @property
    def lang(self) -> Lang:
        return self.tutor.lang

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="body"):
            yield Conversation(id="talk")
            yield RunPanel(self.lang, id="run")
        prompt = PromptInput(id="prompt")
        prompt.cursor_blink = not self.app.remote  # each blink redraws the prompt: over SSH, bytes and CPU for nothing
        yield prompt
        yield Footer(compact=True)

    def on_mount(self) -> None:
        tutor = self.tutor
        resumed = tutor.lesson() is not None
        if not resumed:
            lessons = tutor.course.in_lang(self.lang)
            tutor.lesson_id, tutor.step = (lessons[0].id, 0) if lessons else (None, 0)
            tutor.save()
        stored = tutor.store.run(tutor.run_ids[-1]) if tutor.run_ids else None
        if stored is not None:
            diagnoses = [Diagnosis.model_validate(d) for d in stored.diagnoses]
            self.suggestion = diagnoses[0].suggestion if diagnoses else None
            self.panel.show(RunResult.model_validate(stored.result), diagnoses, self.suggestion)
        greeting = [Said(ui("welcome_back" if resumed else "welcome", self.lang), "note")]
        exercise = current_exercise(tutor.store)
        if exercise is not None:  # the teacher's class exercise, and how to see one's place on its board
            greeting.append(Said(ui("exercise", self.lang, exercise=exercise.describe(self.lang)), "note"))
        self.show_step(*greeting)
        self.query_one(PromptInput).focus()

    # -- parts -----------------------------------------------------------------------------------

    @property
    def panel(self) -> RunPanel:
        return self.query_one(RunPanel)

    @property
    def talk(self) -> Conversation:
        return self.query_one(Conversation)

    def say(self, text: str, kind: str = "tutor") -> None:
        self.talk.add(Said(text, kind))

    def relabel(self) -> None:
        """Bring every label to the current language and state."""
        lesson, flow = self.tutor.lesson(), self.flow
        where = f" · {lesson.title} · {flow.index + 1}/{len(lesson.steps)}" if lesson and flow else ""
        state = ui("status.training" if self.busy else "status.idle", self.lang)
        self.query_one("#status", Static).update(f"tutor{where} · {self.lang.upper()} · {state}")
        prompt = self.query_one(PromptInput)
        prompt.options = flow.options() if flow else 0
        prompt.placeholder = self.placeholder()
        if self.panel.lang != self.lang:
            self.panel.lang = self.lang
            self.panel.redraw()
        self.refresh_bindings()

    def show_view(self, run: bool) -> None:
        """Below 120 columns: show the run panel (True) or the conversation."""
        self.set_class(run, "-show-run")
        self.refresh_bindings()

    # -- the student's input ---------------------------------------------------------------------

    @on(PromptInput.Submitted)
    def submitted(self, event: PromptInput.Submitted) -> None:
        text = event.value.strip()
        event.input.clear()
        self.talk.follow()
        if not text:
            self.action_continue()
            return
        self.say(text, "student")
        gate = self.flow.gate if self.flow else None
        if isinstance(gate, (Quiz, Predict)):
            intent = self.tutor.understand(text)
            if intent.kind == "answer" and intent.answer is not None:
                self.answer(gate, str(intent.answer))
                return
        self.ask(text)

    @on(PromptInput.Chosen)
    def chosen(self, event: PromptInput.Chosen) -> None:
        menu = self.flow.menu if self.flow else None
        self.talk.follow()
        if isinstance(menu, WhatIf):
            question = menu.questions[event.number - 1]
            self.say(question, "student")
            self.ask(question)
        elif menu is not None:
            self.answer(menu, str(event.number))

    def ask(self, text: str) -> None:
        """Free text goes to the tutor, as `tutor ask` does."""
        self.submit(Job(call=lambda on_epoch, stop: self.tutor.handle(text, on_epoch, stop),
                        plan=lambda: self.tutor.planned(text)))

    # -- runs --------------------------------------------------------------------------------------

    def launch_config(self, cfg: ExperimentConfig, after: Callable[[Reply], None] | None = None) -> None:
        """Train `cfg` as the next experiment of the conversation."""
        intent = intent_for(self.tutor.config, cfg, self.lang)
        self.submit(Job(call=lambda on_epoch, stop: self.tutor.run_config(cfg, intent, on_epoch, stop),
                        plan=lambda: cfg, after=after))

    def submit(self, job: Job) -> None:
        """Run `job` now, or after the ones waiting; past MAX_WAITING it is refused (Escape clears them)."""
        if len(self.jobs) >= MAX_WAITING:
            self.say(ui("too_many_waiting", self.lang, waiting=len(self.jobs)), "error")
            if job.after is not None:
                self.reopen()
            return
        self.jobs.append(job)
        if self.busy:
            self.notify(ui("queued", self.lang))
        self.launch()

    def launch(self) -> None:
        if self.busy or not self.jobs:
            return
        job = self.busy = self.jobs.popleft()
        self.stop = threading.Event()
        cfg = job.plan()
        self.watching = cfg is not None  # the panel shows this job's run
        if cfg is not None:
            self.panel.start(cfg)
            self.show_view(True)
        self.relabel()
        self.run_job(job, self.stop)

    @work(thread=True, exclusive=True, group="train", exit_on_error=False)
    def run_job(self, job: Job, stop: threading.Event) -> None:
        """In the worker thread: the turn, its epochs and its end posted to the screen in order."""
        gate.listener.set(gate.Listener(self.lang, lambda place, of: self.post_message(self.Queued(place, of))))
        reply = job.call(lambda epoch: self.post_message(self.EpochDone(epoch)), stop.is_set)
        self.tutor.save()
        self.post_message(self.JobDone(job, reply))

    @on(EpochDone)
    def epoch_done(self, event: EpochDone) -> None:
        if self.busy is None:
            return
        if not self.watching:  # a run the plan did not foresee
            self.watching = True
            self.panel.start(None)
            self.show_view(True)
        self.panel.add_epoch(event.epoch)

    @on(Queued)
    def queued(self, event: Queued) -> None:
        if self.busy is not None:
            self.panel.queued(event.place, event.of)

    @on(JobDone)
    def job_done(self, event: JobDone) -> None:
        reply, job = event.reply, event.job
        self.busy = None
        if reply.run is not None:
            self.suggestion = reply.suggestion
            self.panel.show(reply.run, reply.diagnoses, reply.suggestion)
        elif reply.suggestion:
            self.suggestion = reply.suggestion
        if reply.run is None and reply.intent.kind in ("next", "back", "goto") and self.tutor.lesson() is not None:
            self.show_step()
        else:
            self.say(reply.text)
        if job.after is not None:
            job.after(reply)
        self.show_view(reply.run is not None)
        self.relabel()
        self.launch()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "train" or event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        message = str(error) if isinstance(error, TutorError) else f"{type(error).__name__}: {error}"
        self.say(message, "error")
        self.notify(message, severity="error")
        failed, self.busy = self.busy, None
        if failed is not None and failed.after is not None:
            self.reopen()
        self.relabel()
        self.launch()

    def on_unmount(self) -> None:
        """However the app ends, a run in progress stops at its next step and is stored as cancelled."""
        self.jobs.clear()
        self.stop.set()

    async def stop_training(self) -> None:
        """Cancel the run (it is stored as cancelled) and wait for the worker to store it."""
        self.jobs.clear()
        self.stop.set()
        for worker in self.workers:
            if worker.group == "train":
                with suppress(WorkerError):
                    await worker.wait()

    # -- key actions -------------------------------------------------------------------------------

    def can(self, action: str) -> bool | None:
        if action == "toggle_panel":
            return not self.has_class("-wide")
        if action == "cancel":
            return self.busy is not None
        if action == "run_suggestion":
            return bool(self.suggestion) or None
        return True

    def action_toggle_panel(self) -> None:
        self.show_view(not self.has_class("-show-run"))

    def action_cancel(self) -> None:
        self.jobs.clear()
        self.stop.set()

    def action_run_suggestion(self) -> None:
        if not self.suggestion:
            self.notify(ui("no_suggestion", self.lang))
            return
        tutor = self.tutor
        try:  # as if typed: a setting the class exercise locks is refused, not changed
            cfg = tutor.changed(intent_for(tutor.config, tutor.config.changed(**self.suggestion), self.lang))
        except TutorError as err:
            self.notify(str(err), severity="error")
            return
        self.say(ui("suggested", self.lang, change=action(self.suggestion, self.lang)), "student")
        self.launch_config(cfg)

    def action_scroll_talk(self, direction: int) -> None:
        if direction < 0:
            self.talk.scroll_page_up()
        else:
            self.talk.scroll_page_down()

    def on_resize(self) -> None:
        self.refresh_bindings()
