"""Paths the user names are never replaced unless they are regular files, and never read without bound."""

import os
import stat
from pathlib import Path

import pytest
from probe import one_clear_line, run_tutor

from tutor.errors import StoreError
from tutor.files import read_text, write_atomically


def test_a_fifo_given_as_roster_is_refused_and_left_a_fifo(tmp_path):
    fifo = tmp_path / "roster"
    os.mkfifo(fifo)
    done = run_tutor("class", "add-student", "ana", "--password", "--roster", str(fifo), stdin="a-good-password\n")
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


@pytest.mark.parametrize("kind", ["folder", "fifo", "device"])
def test_a_read_refuses_what_is_not_a_regular_file(tmp_path, kind):
    target = tmp_path / "target"
    os.mkfifo(target) if kind == "fifo" else target.mkdir()
    with pytest.raises(StoreError, match="not a regular file"):
        read_text(Path("/dev/null") if kind == "device" else target, 2**20)


def test_a_folder_named_as_roster_or_key_is_refused_in_one_line(tutor, tmp_path):
    folder = str(tmp_path)
    for argv in (("class", "--roster", folder, "list"), ("serve", "--roster", folder),
                 ("class", "add-student", "ana", "--key", folder, "--roster", f"{folder}/roster.yaml")):
        code, _, err = tutor("--lang", "en", *argv)
        one_clear_line(code, err)
        assert f"{folder}: not a regular file" in err


def test_a_journal_that_is_a_device_or_a_pipe_is_refused_not_waited_on(tutor, tmp_path):
    fifo = tmp_path / "journal"
    os.mkfifo(fifo)  # appending to it would wait for a reader forever
    for journal in ("/dev/null", fifo):
        for argv in (("worker", "--study", "x"), ("sweep", "--grid", "lr=0.1", "--epochs", "1")):
            code, _, err = tutor("--lang", "en", *argv, "--storage", f"journal:{journal}")
            one_clear_line(code, err)
            assert f"journal:{journal}: cannot be used (a folder, a device or a pipe" in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_an_empty_export_file_name_is_refused_not_replaced_by_a_default(tutor, tmp_path, monkeypatch):
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    for argv in (("runs", "export", "-o", ""), ("class", "export", "")):
        code, _, err = tutor("--lang", "en", *argv)
        one_clear_line(code, err)
        assert "'': no file name" in err
    assert os.listdir(tmp_path / "here") == []


def test_the_host_key_is_made_whole_once_and_a_broken_one_is_one_clear_line(isolated_home):
    from tutor.classroom.roster import Roster, User, hash_password, save
    from tutor.serve.server import host_key

    key, path = host_key(isolated_home), isolated_home / "ssh_host_ed25519_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and os.listdir(isolated_home) == [path.name]  # no temporary
    assert host_key(isolated_home).get_fingerprint() == key.get_fingerprint()
    path.write_text(path.read_text()[:100])  # cut short: a first start killed while an earlier version wrote it
    save(Roster(users=[User(name="ana", password=hash_password("a-good-password"))]), isolated_home / "roster.yaml")
    done = run_tutor("--lang", "en", "serve", "--port", "2222")
    one_clear_line(done.returncode, done.stderr)
    assert f"{path}: not the server's SSH host key" in done.stderr


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
