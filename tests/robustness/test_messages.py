"""Bad input and broken storage get one clear line and exit 2, never an internal error."""

import json
import os

import pytest
from probe import one_clear_line

from tutor.errors import StoreError
from tutor.settings import Settings
from tutor.store import Store

BIG = "9" * 10_000
ESC = "\x1b[2J\x1b[31m"


@pytest.mark.parametrize("argv", [
    ["run", "--device", "DISK"],
    ["run", "--device", ESC],
    ["run", "--epochs", BIG],
    ["sweep", "--random", BIG, "--space", "lr=log:0.001:0.1"],
    ["sweep", "--bayes", BIG, "--space", "lr=log:0.001:0.1"],
    ["sweep", "--random", ESC, "--space", "lr=log:0.001:0.1"],
    ["sweep", "--bayes", ESC, "--space", "lr=log:0.001:0.1"],
    ["sweep", "--budget", ESC, "--grid", "lr=0.1"],
    ["lessons", "check", "/tmp/" + "a" * 5000],
    ["lessons", "check", ESC],
    ["class", "add-student", "ana\udcff", "--password"],
    ["class", "add-student", ESC, "--password"],
    ["lessons", "show", ESC],
], ids=lambda argv: " ".join(a[:12].encode("unicode_escape").decode() for a in argv[:3]))
def test_a_bad_value_is_one_clear_line(tutor, argv):
    code, _, err = tutor(*argv, stdin="a-good-password\n")
    one_clear_line(code, err)


def test_negative_zero_noise_is_zero(tutor):
    code, out, err = tutor("run", "--noise", "-0", "--samples", "32", "--epochs", "1", "--hidden", "2", "--json")
    assert code == 0, err
    assert json.loads(out)["config"]["noise"] == 0


@pytest.mark.slow
def test_widths_separated_by_spaces_are_layers(tutor):
    code, out, err = tutor("run", "--hidden", "8 8", "--samples", "32", "--epochs", "1", "--json")
    assert code == 0, err
    assert json.loads(out)["config"]["hidden"] == [8, 8]  # never one layer of 88


def test_a_long_folder_name_for_lessons_is_one_short_line(tutor):
    code, _, err = tutor("--lessons", "/tmp/" + "a" * 5000, "lessons", "--json")
    one_clear_line(code, err)
    assert len(err) < 300, err


def test_a_roster_under_a_regular_file_is_one_clear_line(tutor, tmp_path):
    (tmp_path / "file").write_text("")
    roster = str(tmp_path / "file" / "roster.yaml")
    code, _, err = tutor("class", "add-student", "ana", "--password", "--roster", roster, stdin="a-good-password\n")
    one_clear_line(code, err)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only folder")
def test_a_read_only_data_folder_is_one_clear_line(tutor, isolated_home):
    isolated_home.mkdir(parents=True)
    isolated_home.chmod(0o500)
    try:
        code, _, err = tutor("class", "add-student", "ana", "--password", stdin="a-good-password\n")
    finally:
        isolated_home.chmod(0o700)
    one_clear_line(code, err)


def test_a_roster_yaml_error_is_one_line_with_its_line_number(tutor, tmp_path):
    roster = tmp_path / "roster.yaml"
    roster.write_text("users:\n  - name: ana\n    keys: [\x07]\n")
    code, _, err = tutor("class", "list", "--roster", str(roster))
    one_clear_line(code, err)
    assert f"{roster}:3:" in err


def test_a_full_disk_while_a_run_is_stored_is_a_store_error(isolated_home):
    store = Store(Settings.from_env().store)
    store.db.execute("PRAGMA max_page_count = 8")  # what a full disk looks like to SQLite
    with pytest.raises(StoreError, match="full"):
        for i in range(100):
            store.set_state("ana", f"k{i}", "x" * 4000)


def test_a_damaged_page_found_mid_command_is_one_clear_line(tutor, isolated_home):
    store = Store(Settings.from_env().store)
    for i in range(300):
        store.record("ana", "intro", i, "done")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    path = isolated_home / "tutor.db"
    size = path.stat().st_size
    with open(path, "r+b") as f:  # scribble over the second half: the progress table's leaves
        f.seek(size // 2)
        f.write(b"\xff" * (size - size // 2))
    code, _, err = tutor("class", "export", "-")
    one_clear_line(code, err)
    with pytest.raises(StoreError):
        Store(Settings.from_env().store).progress("ana")


def test_unreadable_lesson_entries_are_reported_not_skipped(tutor, tmp_path):
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "loop.md").symlink_to(folder / "loop.md")
    (folder / "dangling.md").symlink_to(folder / "nowhere.md")
    os.mkfifo(folder / "pipe.md")
    (folder / (ESC + ".md")).write_text("---\nid: [\n---\n")
    code, out, err = tutor("lessons", "check", str(folder))
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 4, err
    assert all(name in err for name in ("loop.md", "dangling.md", "pipe.md")) and "\x1b" not in err + out
