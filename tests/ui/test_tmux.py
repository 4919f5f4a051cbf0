"""The real app in a real terminal (tmux, 80×24): it starts, shows the first lesson and exits 0
on ctrl+q; walking lesson 1, whenever the prompt says to choose with the number keys, every choice is on
screen; a student who quits and comes back finds the question they had open, in view, and the page keys
lead back to it."""

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tutor.i18n import t
from tutor.lessons import Predict, Quiz, WhatIf, load_lessons
from tutor.ui.text import ui

pytestmark = pytest.mark.slow  # drives the app in tmux

ROOT = Path(__file__).parents[2]
SCRIPT = Path(__file__).parent / "tmux_check.sh"
KEYS = re.compile(r"\b1–(\d+)\b")  # how the prompt names the number keys
EDGE = "▁▂▃▄▅▆▇█▔▏▎▊▌ "  # scrollbar and box characters at a row's ends


def test_tmux_check(tmux):
    """This interpreter running `tutor` with no command. The script's 2 s to the first screen is a goal for
    a run by hand: here its limits only guard against a hang (a loaded CI took over 4 s)."""
    env = {**os.environ, "TUTOR_CMD": f"{sys.executable} -m tutor --lang en", "TUTOR_FIRST_SCREEN_MS": "120000",
           "TUTOR_QUIT_MS": "60000"}
    done = subprocess.run([str(SCRIPT)], cwd=ROOT, capture_output=True, text=True, timeout=240, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "exit status 0 after ctrl+q" in done.stdout


class Terminal:
    """The app in an 80×24 tmux session on a server of its own: keys in, the screen out as text."""

    def __init__(self, tmux: str, home: Path, lang: str) -> None:
        self.tmux, self.socket, self.rc = tmux, f"tutor-test-{os.getpid()}-{lang}", home / "rc"
        self.command = (f"cd {ROOT} && env TUTOR_HOME={home} TUTOR_CACHE={os.environ['TUTOR_CACHE']} "
                        f"TUTOR_STUDENT=walker TERM=xterm-256color {sys.executable} -m tutor --lang {lang}; "
                        f"echo $? > {self.rc}; sleep 60")

    def start(self) -> None:
        """The app, in a new session the first time and in the same pane after `quit` (killing the last
        session stops the tmux server, and a new one started at once may meet it still shutting down)."""
        self.rc.unlink(missing_ok=True)
        if subprocess.run([self.tmux, "-L", self.socket, "has-session", "-t", "app"], capture_output=True).returncode:
            self.run("new-session", "-d", "-s", "app", "-x", "80", "-y", "24", self.command)
        else:
            self.run("respawn-pane", "-k", "-t", "app", self.command)

    def run(self, *args: str) -> str:
        done = subprocess.run([self.tmux, "-L", self.socket, *args], capture_output=True, text=True)
        assert done.returncode == 0, f"tmux {args[0]}: {done.stderr.strip()}"
        return done.stdout

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "app", *keys)

    def rows(self) -> list[str]:
        return self.run("capture-pane", "-p", "-t", "app").splitlines()

    def wait(self, check: Callable[[list[str]], object], timeout: float = 240) -> list[str]:
        """The screen once `check(rows)` holds and it has stopped changing (the prompt is relabelled after
        the view scrolls). `timeout` only guards against a hang: on a loaded machine a start or a run in
        between may take a minute."""
        deadline, before = time.monotonic() + timeout, None
        while not check(rows := self.rows()) or rows != before:
            assert time.monotonic() < deadline, "\n".join(rows)
            before = rows if check(rows) else None
            time.sleep(0.3)
        return rows

    def quit(self) -> None:
        self.keys("C-q")
        self.wait(lambda _: self.rc.exists())
        assert self.rc.read_text().strip() == "0"

    def close(self) -> None:
        subprocess.run([self.tmux, "-L", self.socket, "kill-server"], capture_output=True)


def prompt(rows: list[str]) -> str:
    """The input line's text: the placeholder while it is empty."""
    return next((row.strip(EDGE) for row in reversed(rows) if row.startswith("▊") and not row.startswith("▊▔")
                 and not row.startswith("▊▁")), "")


def text(rows: list[str]) -> str:
    """The screen as running text: rows stripped of their edges and joined (a wrapped line reads whole)."""
    return " ".join(" ".join(row.strip(EDGE).split()) for row in rows)


def has(words: str) -> Callable[[list[str]], bool]:
    return lambda rows: " ".join(words.split()) in text(rows)


def choices_on_screen(rows: list[str], menu: Predict | Quiz | WhatIf | None) -> None:
    """The prompt names the number keys only while `menu` is open, and then every choice is on screen."""
    named = KEYS.search(prompt(rows))
    assert bool(named) == (menu is not None), "\n".join(rows)
    if menu is not None:
        options = menu.questions if isinstance(menu, WhatIf) else [c.text for c in menu.choices]
        assert int(named[1]) == len(options), prompt(rows)
        for option in options:
            assert " ".join(option.split()) in text(rows), (option, "\n".join(rows))


@pytest.fixture
def terminal(tmux, tmp_path, request) -> Iterator[Terminal]:
    term = Terminal(tmux, tmp_path, request.node.callspec.params["lang"])
    yield term
    term.close()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_lesson_one_at_80x24_shows_every_choice_the_keys_choose_from(terminal, lang):
    lesson = load_lessons().in_lang(lang)[0]
    quiz, number = (b for b in lesson.steps[0].blocks if isinstance(b, Quiz))
    predict = next(b for b in lesson.steps[1].blocks if isinstance(b, Predict))
    whatif = next(b for b in lesson.steps[1].blocks if isinstance(b, WhatIf))
    wrong = next(i for i, c in enumerate(quiz.choices) if not c.correct)
    right = next(i for i, c in enumerate(quiz.choices) if c.correct)
    in_prompt = lambda key, **v: lambda rows: ui(key, lang, **v) in prompt(rows)  # noqa: E731

    terminal.start()
    choices_on_screen(terminal.wait(has(quiz.question)), quiz)
    terminal.keys(str(wrong + 1))  # a wrong choice: its feedback, and the question stays open, in view
    choices_on_screen(terminal.wait(has(quiz.choices[wrong].feedback)), quiz)
    terminal.keys(str(right + 1))  # right: the numeric question, answered by typing, names no keys
    choices_on_screen(terminal.wait(in_prompt("hint.number")), None)
    terminal.keys("300", "Enter")
    # a wrong number: told to try again, not given the worked answer
    wrong = f"{t('dialogue.more.wrong', lang)} {t('dialogue.more.try_again', lang)}"
    choices_on_screen(terminal.wait(has(wrong)), None)
    terminal.keys("354", "Enter")
    choices_on_screen(terminal.wait(in_prompt("hint.next_step")), None)
    terminal.keys("Enter")  # the next step opens on the prediction
    choices_on_screen(terminal.wait(has(predict.question)), predict)
    terminal.keys("1")  # the bet trains the step's experiment; at 80 columns the run panel comes in front
    choices_on_screen(terminal.wait(in_prompt("hint.panel")), None)
    terminal.keys("F2")  # back to the lesson: the what-if questions
    choices_on_screen(terminal.wait(in_prompt("hint.choose", n=len(whatif.questions))), whatif)
    terminal.keys("2")  # one of them, by its number: it trains
    choices_on_screen(terminal.wait(in_prompt("hint.panel")), None)
    terminal.keys("F2")  # its long reply, then the what-if questions brought back below it, in view
    choices_on_screen(terminal.wait(in_prompt("hint.choose", n=len(whatif.questions))), whatif)
    terminal.keys("PPage")  # the reply's start, a page up: the prompt says the questions are below
    choices_on_screen(terminal.wait(in_prompt("hint.scrolled_down")), None)
    terminal.keys("NPage")
    choices_on_screen(terminal.wait(in_prompt("hint.choose", n=len(whatif.questions))), whatif)

    terminal.quit()  # a student who comes back finds the what-if questions they had open, in view
    terminal.start()
    choices_on_screen(terminal.wait(in_prompt("hint.choose", n=len(whatif.questions))), whatif)
    terminal.keys("PPage")  # reading back up: the questions below, PgDn brings them back
    above = terminal.wait(in_prompt("hint.scrolled_down"))
    choices_on_screen(above, None)
    assert has(predict.question)(above) or has(predict.choices[0].text)(above)  # the bet, answered, is there
    terminal.keys("PPage")  # paging on up, not thrown back to the questions
    choices_on_screen(terminal.wait(lambda rows: rows != above and ui("hint.scrolled_down", lang) in prompt(rows)),
                      None)
    terminal.keys("NPage")
    choices_on_screen(terminal.wait(in_prompt("hint.choose", n=len(whatif.questions))), whatif)
    terminal.quit()
