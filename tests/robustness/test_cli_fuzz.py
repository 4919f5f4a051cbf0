"""Every command of the CLI, with generated values: exit 0 or 2, at most one line on stderr, never an
internal error, never an escape sequence (on stdout either). In-process through `tutor.cli.main` (fast),
and a few real processes. Each generated run, sweep, lr-find and serve carries at least one invalid
value, so that nothing trains for long or starts listening; the valid-but-cheap calls are listed by hand.
Files written under generated names land in the test's own folder."""

import contextlib
import io
import os
import sys

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from probe import run_tutor

from tutor.cli import main
from tutor.config import ExperimentConfig, flag
from tutor.settings import Settings

CONFIG_FLAGS = [flag(name) for name in ExperimentConfig.model_fields]
POISON = ["\x1b[2J", "\x00", "\x07", "\n", "\udcff", "\u202e"]  # never part of a valid value

numbers = st.sampled_from(["0", "-0", "-1", "1", "8", "0.5", "1e-3", "1e400", "-1e400", "nan", "inf", "-inf",
                           "9" * 5000, "0x10", "1_000", "½", "٣", " 3 ", "", "3.", ".5", "1e", "--", "-"])
words = st.sampled_from(["auto", "moons", "spiral", "digits", "relu", "adam", "sgd", "DISK", "CPU", "none",
                         "8 8", "8,8", "[8, 8]", "0,0", "8,,8", "a" * 5000, "lr=0.1", "lr=log:1e-4:1", "x=1"])
texts = st.text(max_size=30)
values = st.one_of(numbers, words, texts)
invalid = st.tuples(st.text(max_size=10), st.sampled_from(POISON)).map(lambda pair: pair[0] + pair[1])


@st.composite
def flags(draw, names: list[str], forced: bool) -> list[str]:
    """Some of `names` with generated values; with `forced`, at least one of them surely invalid."""
    chosen = draw(st.lists(st.sampled_from(names), min_size=int(forced), max_size=5, unique=True))
    argv: list[str] = []
    bad = draw(st.integers(0, len(chosen) - 1)) if forced else -1
    for i, name in enumerate(chosen):
        argv += [name, draw(invalid if i == bad else values)]
    return argv


def lang() -> st.SearchStrategy[list[str]]:
    return st.sampled_from([[], ["--lang", "es"], ["--lang", "en"]])


@st.composite
def invocation(draw, home: str) -> tuple[list[str], str]:
    """One command line and what standard input holds."""
    command = draw(st.sampled_from(["run", "sweep", "lr-find", "ask", "lessons", "class", "serve", "runs", "worker"]))
    # a file to write: nameless, missing folder, a folder, a device, a pipe, or fine
    path = draw(st.sampled_from(["", f"{home}/none/out.csv", home, "/dev/full", f"{home}/fifo", f"{home}/out.csv"]))
    stdin = draw(st.sampled_from(["", "a-good-password\n", "short\n", "\udcff" * 10 + "\n"]))
    if command == "run" or command == "lr-find":
        argv = [command, *draw(flags(CONFIG_FLAGS, forced=True)), *draw(st.sampled_from([[], ["--json"]]))]
    elif command == "sweep":
        method = draw(st.sampled_from([["--grid", draw(values)], ["--random", draw(values)],
                                       ["--bayes", draw(values)], []]))
        extra = draw(st.sampled_from([[], ["--space", draw(values)], ["--budget", draw(values)]]))
        argv = ["sweep", *method, *extra, *draw(flags(CONFIG_FLAGS, forced=True))]
    elif command == "ask":
        text = draw(st.text(min_size=1, max_size=60))
        argv = ["ask", "--no-run", *draw(st.sampled_from([[], ["--json"]])), "--", text]
    elif command == "lessons":
        action = draw(st.sampled_from([[], ["list"], ["list", "--json"], ["show", draw(values)],
                                       ["check", draw(invalid)], ["check", f"{home}/none"], ["check", ""]]))
        folder = draw(st.sampled_from([[], ["--lessons", f"{home}/none"], ["--lessons", draw(invalid)]]))
        argv = [*folder, "lessons", *action]
    elif command == "class":
        roster = ["--roster", f"{home}/roster.yaml"]
        action = draw(st.sampled_from([
            ["add-student", draw(st.one_of(values, invalid)), "--password"],
            ["add-student", draw(st.one_of(values, invalid)), "--key",
             draw(st.sampled_from(["/dev/zero", f"{home}/none", draw(invalid)]))],
            ["remove-student", draw(st.one_of(values, invalid))],
            ["list"], ["list", "--json"], ["export", "-"], ["export", path], ["export", draw(invalid)],
        ]))
        argv = ["class", *action, *roster]
    elif command == "runs":
        argv = ["runs", *draw(st.sampled_from([[], ["list", "--json"], ["show", draw(values)], ["export", draw(values)],
                                               ["export", "-o", path], ["export", "-o", draw(invalid)],
                                               ["--student", draw(values)], ["--all"]]))]
        argv += draw(st.sampled_from([[], ["--format", draw(values)]]))
    elif command == "worker":
        storage = draw(st.sampled_from([f"journal:{path}", f"sqlite:///{path}", draw(values), draw(invalid)]))
        argv = ["worker", "--storage", storage, "--study", draw(st.one_of(values, invalid))]
    else:
        argv = ["serve", *draw(flags(["--host", "--port", "--idle-timeout", "--slots", "--max-queued"], forced=True))]
    return [*argv, *draw(lang())], stdin


def call(argv: list[str], stdin: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def acceptable(argv: list[str], code: int, out: str, err: str) -> None:
    assert code in (0, 2), (argv, code, err)
    assert len(err.strip().splitlines()) <= 1, (argv, err)
    assert "internal error" not in err and "error interno" not in err and "Traceback" not in err, (argv, err)
    assert "\x1b" not in err + out, (argv, err, out)  # a name typed back is escaped, never run by the terminal


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    os.mkfifo(folder / "fifo")
    return str(folder)


CALLS = 1200 if os.environ.get("FUZZ") == "full" else 400  # FUZZ=full: the nightly count (README)


@pytest.mark.slow
@settings(max_examples=CALLS, deadline=None, phases=[Phase.explicit, Phase.generate],  # no shrinking: each call
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # is named in the assertion
@given(data=st.data())
def test_every_command_with_generated_values(data, home):
    argv, stdin = data.draw(invocation(home))
    with contextlib.chdir(home):  # a file written under a generated name lands there
        acceptable(argv, *call(argv, stdin))


CHEAP = ["--samples", "32", "--epochs", "1", "--hidden", "2"]


@pytest.mark.slow
@pytest.mark.parametrize("argv", [
    ["run", *CHEAP, "--json"],
    ["run", *CHEAP, "--noise", "-0", "--lr", "1000"],
    ["run", *CHEAP, "--hidden", "2 2", "--activation", "tanh"],
    ["sweep", *CHEAP, "--grid", "lr=0.01,0.1", "--json"],
    ["lr-find", *CHEAP, "--json"],
    ["ask", "--json", "--", "what if the learning rate were 0.1?"],
])
def test_valid_and_cheap_calls_succeed(tutor, argv, isolated_home):
    from tutor.store import DIALOGUE_STATE, Store

    store = Store(Settings.from_env().store)
    store.set_state("test", DIALOGUE_STATE, {"config": {"samples": 32, "epochs": 1, "hidden": [2]}})
    code, out, err = tutor(*argv)
    acceptable(argv, code, out, err)
    assert code == 0 and out


@pytest.mark.slow
@pytest.mark.parametrize("argv", [
    ["run", "--lr", "\x1b[31m"],
    ["sweep", "--random", "9" * 5000, "--space", "lr=log:1e-4:1"],
    ["class", "add-student", "ana\udcff", "--key", "/dev/zero"],
    ["serve", "--host", "\x1b]0;owned\x07"],
    ["--lessons", "", "lessons"],
])
def test_real_processes_refuse_bad_values_in_one_line(argv):
    done = run_tutor(*argv)
    acceptable(argv, done.returncode, done.stdout, done.stderr)
    assert done.returncode == 2
