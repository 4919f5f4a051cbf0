"""The main screen: the conversation and the lesson on one side, the run panel on the other.

Below 120 columns the two share the screen and F2 switches between them; the view follows the
action (a run shows the panel, a reply shows the conversation). Turns that may train go through one
worker thread, one at a time; messages typed meanwhile wait in a queue. A run's reply is shown as soon
as the run is explained, while the tutor tries the fix it will propose: the offer completes the reply
when tried, and a new message meanwhile stops the trying (the fix is then offered untried).
"""

import asyncio
import threading
from collections import deque
from contextlib import suppress
from dataclasses import dataclass

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerError, WorkerState

from tutor.classroom.exercise import current_exercise
from tutor.config import ExperimentConfig
from tutor.diagnose.explain import action, retold
from tutor.dialogue.intent import Intent
from tutor.dialogue.tutor import Reply, Tutor, what_if
from tutor.engine import Epoch, RunResult, gate
from tutor.errors import TutorError
from tutor.i18n import Lang
from tutor.lessons import WhatIf
from tutor.ui.jobs import Job
from tutor.ui.keys import LocalizedBindings, localized
from tutor.ui.screens.lesson import LessonSteps
from tutor.ui.text import ui
from tutor.ui.widgets.conversation import Conversation, Said
from tutor.ui.widgets.footer import Footer
from tutor.ui.widgets.prompt import PromptInput
from tutor.ui.widgets.run_panel import RunPanel

MAX_WAITING = 3  # messages that may wait behind a training: typing ten what-ifs queues three
STOP_PATIENCE = 0.5  # seconds quitting waits for a run to store itself


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

    @dataclass
    class Answered(Message):
        reply: Reply  # a run's, explained, its fix still being tried

    def __init__(self, tutor: Tutor) -> None:
        super().__init__()
        self.tutor = tutor
        self.cards: dict[int, Widget] = {}  # the widget of each block shown, by id(block)
        self.jobs: deque[Job] = deque()
        self.busy: Job | None = None
        self.trying: Said | None = None  # the reply shown while its fix is tried, completed when the job is done
        self.stop = threading.Event()
        self.watching = False
        self.suggestion: dict | None = None
        self.warmed: tuple[int, int] | None = None  # the background warm-up's shapes done and in all
        self.sized: Size | None = None  # the size it was composed for or last resized to

    @property
    def lang(self) -> Lang:
        return self.tutor.lang

    def compose(self) -> ComposeResult:
        # the width's class (-narrow, -wide) as Textual's first resize would set it, but before anything is
        # styled: that resize, of this size, then has nothing to do (see on_event)
        self.sized, breakpoints = self.app.size, self.app.HORIZONTAL_BREAKPOINTS
        _, current = max(b for b in breakpoints if b[0] <= self.sized.width)
        for _, name in breakpoints:
            self.set_class(name == current, name, update=False)
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
        tutor.answered = lambda reply: self.post_message(self.Answered(reply))
        resumed = tutor.lesson() is not None
        stored = tutor.store.run(tutor.run_ids[-1]) if tutor.run_ids else None
        if stored is not None:
            result = RunResult.model_validate(stored.result)
            diagnoses = retold(stored.diagnoses, result, self.lang)
            self.suggestion = diagnoses[0].suggestion if diagnoses else None
            self.panel.show(result, diagnoses, self.suggestion)
        greeting = [Said(ui("welcome_back" if resumed else "welcome", self.lang), "note")]
        exercise = current_exercise(tutor.store)
        if exercise is not None:  # the teacher's class exercise, and how to see one's place on its board
            greeting.append(Said(ui("exercise", self.lang, exercise=exercise.describe(self.lang)), "note"))
        self.show_step(*greeting)
        self.watch(self.talk, "scroll_y", lambda _: self.relabel(), init=False)  # the choices in view or not
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
        state = ui("status.verifying" if self.trying else "status.training" if self.busy else "status.idle", self.lang)
        if self.warmed:
            state += " · " + ui("status.warming", self.lang, done=self.warmed[0], total=self.warmed[1])
        self.query_one("#status", Static).update(f"tutor{where} · {self.lang.upper()} · {state}")
        prompt = self.query_one(PromptInput)
        prompt.options = self.choosing()
        prompt.placeholder = self.placeholder()
        if self.panel.lang != self.lang:
            self.panel.relang(self.lang)
        self.refresh_bindings()

    def warming(self, progress: tuple[int, int] | None) -> None:
        """The background warm-up has captured (done, total) of the course's network shapes; None: it ended."""
        self.warmed = progress
        if self.is_mounted:
            self.relabel()

    def show_view(self, run: bool) -> None:
        """Below 120 columns: show the run panel (True) or the conversation.

        Only the two views' own rules read `-show-run`, so only they are styled again, not the whole screen
        (each turn of the conversation: each run and each reply switched the view)."""
        if run != self.has_class("-show-run"):
            self.set_class(run, "-show-run", update=False)
            self.app.stylesheet.update_nodes([self.talk, self.panel])
        if self.is_mounted:
            self.relabel()

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
        self.ask(text)

    @on(PromptInput.Chosen)
    def chosen(self, event: PromptInput.Chosen) -> None:
        """A number key: the tutor answers the question open with it, or asks the what-if it numbers."""
        menu = self.flow.menu if self.flow else None
        self.talk.follow()
        if isinstance(menu, WhatIf):
            self.say(menu.questions[event.number - 1], "student")
        self.lesson_turn(Intent(kind="answer", answer=event.number, lang=self.lang))

    def ask(self, text: str) -> None:
        """Free text goes to the tutor, as `tutor ask` does."""
        self.submit(Job(call=lambda on_epoch, stop: self.tutor.handle(text, on_epoch, stop),
                        plan=lambda: self.tutor.planned(text)))

    # -- runs --------------------------------------------------------------------------------------

    def launch_config(self, cfg: ExperimentConfig) -> None:
        """Train `cfg` as the next experiment of the conversation."""
        intent = what_if(self.tutor.config, cfg, self.lang)
        self.submit(Job(call=lambda on_epoch, stop: self.tutor.run_config(cfg, intent, on_epoch, stop),
                        plan=lambda: cfg))

    def submit(self, job: Job) -> None:
        """Run `job` now, or after the ones waiting; past MAX_WAITING it is refused (Escape clears them)."""
        if self.trying is not None:
            self.stop.set()  # the student moved on: the fix being tried is offered untried
        if len(self.jobs) >= MAX_WAITING:
            self.say(ui("too_many_waiting", self.lang, waiting=len(self.jobs)), "error")
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

    @on(Answered)
    def answered(self, event: Answered) -> None:
        """The run explained: its reply, to read while the fix it will propose is tried."""
        if self.busy is None:
            return
        reply = event.reply
        self.panel.show(reply.run, reply.diagnoses, None)
        self.trying = Said(reply.text)
        self.talk.add(self.trying)
        self.relabel()

    @on(JobDone)
    def job_done(self, event: JobDone) -> None:
        reply, trying = event.reply, self.trying
        self.busy = self.trying = None
        if reply.run is not None:
            self.suggestion = reply.suggestion
            self.panel.show(reply.run, reply.diagnoses, reply.suggestion)
        elif reply.suggestion:
            self.suggestion = reply.suggestion
        self.show_view(reply.run is not None)
        if trying is not None and (reply.shown is None or reply.shown.recalled):
            self.show_reply(reply, into=trying)  # the reply being read, with the fix tried
        else:
            if trying is not None:  # a lesson's reply says it again in the lesson's place
                trying.remove()
            self.show_reply(reply)
        self.launch()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "train" or event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        message = str(error) if isinstance(error, TutorError) else ui("internal", self.lang, error=type(error).__name__)
        self.say(message, "error")
        self.notify(message, severity="error")
        self.busy = self.trying = None
        self.reopen()
        self.launch()

    def on_unmount(self) -> None:
        """However the app ends, a run in progress stops at its next step and is stored as cancelled."""
        self.jobs.clear()
        self.stop.set()

    async def stop_training(self) -> None:
        """Cancel the run (it is stored as cancelled) and wait for the worker to store it.

        A run stops at its next step; a network being compiled cannot stop midway, so the wait is
        at most STOP_PATIENCE seconds: quitting never hangs on it.
        """
        self.jobs.clear()
        self.stop.set()
        waits = [worker.wait() for worker in self.workers if worker.group == "train"]
        if waits:
            with suppress(WorkerError, TimeoutError):
                await asyncio.wait_for(asyncio.gather(*waits), STOP_PATIENCE)

    # -- key actions -------------------------------------------------------------------------------

    def can(self, action: str) -> bool | None:
        if action == "toggle_panel":
            return not self.has_class("-wide")
        if action == "cancel":
            return self.busy is not None
        if action == "run_suggestion":
            return bool(self.suggestion)
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
            cfg = tutor.changed(what_if(tutor.config, tutor.config.changed(**self.suggestion), self.lang))
        except TutorError as err:
            self.notify(str(err), severity="error")
            return
        self.say(ui("suggested", self.lang, change=action(self.suggestion, self.lang)), "student")
        self.launch_config(cfg)

    def action_scroll_talk(self, direction: int) -> None:
        """A page of the conversation; towards the question the keys answer, out of view (the prompt says
        which key), it brings the question back whole."""
        if self.menu_side() == direction:
            self.keep_question_in_view()
        elif direction < 0:
            self.talk.scroll_page_up()
        else:
            self.talk.scroll_page_down()

    async def on_event(self, event: events.Event) -> None:
        """A resize to the size last handled is dropped: a session's start brings three of the size the screen
        was composed for (the app's, the terminal's, the first layout's), each handled by styling and laying
        the whole screen out again."""
        if isinstance(event, events.Resize):
            if event.size == self.sized:
                event.stop()
                return
            self.sized = event.size
        await super().on_event(event)

    def on_resize(self) -> None:
        self.relabel()
