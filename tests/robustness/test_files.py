"""Paths the user names are never replaced unless they are regular files, and never read without bound."""

import os
import stat

import pytest
from probe import one_clear_line, run_tutor

from tutor.errors import StoreError
from tutor.files import read_text, write_atomically


def test_a_fifo_given_as_roster_is_refused_and_left_a_fifo(tmp_path):
    fifo = tmp_path / "roster"
    os.mkfifo(fifo)
    done = run_tutor("class", "add-student", "ana", "--password", "--roster", str(fifo), stdin="a-good-password\n",
                     timeout=30)
    one_clear_line(done.returncode, done.stderr)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_an_atomic_write_refuses_what_is_not_a_regular_file(tmp_path, kind):
    target = tmp_path / "target"
    os.mkfifo(target) if kind == "fifo" else target.mkdir()
    with pytest.raises(StoreError, match="not a regular file"):
        write_atomically(target, b"data")
    assert not stat.S_ISREG(os.lstat(target).st_mode)
    assert os.listdir(tmp_path) == ["target"]  # no temporary file left behind


def test_an_atomic_write_through_a_symlink_writes_its_target(tmp_path):
    real, link = tmp_path / "real.yaml", tmp_path / "link.yaml"
    real.write_text("old")
    link.symlink_to(real)
    write_atomically(link, b"new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_key_from_an_endless_device_is_refused_at_once(tutor):
    code, _, err = tutor("class", "add-student", "ana", "--key", "/dev/zero")
    one_clear_line(code, err)
    assert "/dev/zero" in err


def test_a_huge_key_file_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "big.pub"
    with open(big, "wb") as f:
        f.truncate(2**30)  # sparse: 1 GiB that costs no disk
    with pytest.raises(StoreError, match="too large"):
        read_text(big, 2**20)


def test_an_empty_lessons_folder_is_refused_not_the_current_folder(tutor, tmp_path, monkeypatch):
    (tmp_path / "broken.md").write_text("---\nid: [\n---\n")
    monkeypatch.chdir(tmp_path)
    for argv in (("--lessons", "", "lessons"), ("lessons", "check", "")):
        code, out, err = tutor(*argv)
        one_clear_line(code, err)
        assert "broken.md" not in out + err
