"""Settings are read once by an entry point and put in force: the engine, deep in every process that
trains, and a sweep's worker processes train with those, whatever the environment says."""

import importlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from tutor.cli import main
from tutor.engine import jitcache, program
from tutor.settings import Settings
from tutor.tune import sweep


def test_the_engine_trains_with_the_settings_in_force_not_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path / "env"))
    assert jitcache.cache_dir() == tmp_path / "env" / "jit"  # no entry point: the environment's
    given = Settings.from_env().model_copy(update={"cache": tmp_path / "given", "epoch_program": False})
    before = Settings.use(given)
    try:
        assert jitcache.cache_dir() == tmp_path / "given" / "jit"
        assert program.load("any", {}) is None  # no epoch program: not even looked for
    finally:
        Settings.use(before)
    assert jitcache.cache_dir() == tmp_path / "env" / "jit"


def test_the_command_line_puts_its_settings_in_force_only_while_it_runs(tmp_path, monkeypatch):
    seen = []

    def command(*args):  # the environment changes under a running command: what it read at the start holds
        monkeypatch.setenv("TUTOR_CACHE", str(tmp_path / "changed"))
        seen.append(Settings.current().cache)
        return 0

    cli = importlib.import_module("tutor.cli.main")  # the module: `tutor.cli.main` is also its function
    monkeypatch.setattr(cli, "cmd_lessons", command)
    read = Settings.from_env()
    assert main(["--lang", "en", "lessons"]) == 0
    assert seen == [read.cache] and Settings.use(None) is None  # nothing left in force after it


def test_a_sweeps_workers_get_its_settings_not_their_environment(tmp_path):
    settings = Settings.from_env().model_copy(update={"cache": tmp_path / "elsewhere", "epoch_program": False})
    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(1, mp_context=ctx, initializer=sweep._worker_init,
                             initargs=(ctx.Event(), os.getpid(), settings)) as pool:
        assert pool.submit(Settings.current).result() == settings
