"""`tutor class` and `tutor serve` as the teacher types them; the server, the board and the teacher's
view are stand-ins, so nothing listens and no app opens."""

import errno
import fcntl
import io
import json
import os
import sys
import types
from pathlib import Path

import asyncssh
import pytest

from tutor.classroom import board
from tutor.classroom.roster import load
from tutor.cli import main
from tutor.serve.options import ServeOptions
from tutor.settings import Settings
from tutor.store import Store


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "id_ed25519.pub"
    key = asyncssh.generate_private_key("ssh-ed25519", comment="ana@laptop")
    path.write_bytes(b"# ana's laptop\n\n" + key.export_public_key())
    return path


@pytest.fixture
def stdin(monkeypatch):
    def feed(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    return feed


@pytest.fixture
def fake(monkeypatch):
    """Replace a module with a stand-in whose functions record their calls and return 0."""
    calls: list[tuple] = []

    def install(module: str, *names: str) -> list[tuple]:
        stub = types.ModuleType(module)
        for name in names:
            setattr(stub, name, lambda *args, _name=name: calls.append((_name, *args)) or 0)
        monkeypatch.setitem(sys.modules, module, stub)
        return calls
    return install


def listed(capsys) -> dict[str, dict]:
    capsys.readouterr()
    assert main(["class", "list", "--json"]) == 0
    return {u["name"]: u for u in json.loads(capsys.readouterr().out)["users"]}


@pytest.mark.slow
def test_add_list_update_and_remove(capsys, key_file, stdin):
    assert main(["class", "add-student", "Ana", "--key", str(key_file)]) == 0
    stdin("a long secret\n")
    assert main(["class", "add-student", "profe", "--password", "--teacher"]) == 0
    assert listed(capsys) == {"ana": {"name": "ana", "role": "student", "keys": 1, "password": False},
                              "profe": {"name": "profe", "role": "teacher", "keys": 0, "password": True}}
    stdin("another secret\n")
    assert main(["class", "add-student", "profe", "--password"]) == 0  # an update keeps the role
    assert main(["class", "add-student", "ana", "--key", str(key_file)]) == 0  # the same key again: still one
    assert listed(capsys)["profe"]["role"] == "teacher" and listed(capsys)["ana"]["keys"] == 1
    assert load(Settings.from_env().roster).verify("profe", "another secret")
    assert main(["class", "remove-student", "ana"]) == 0
    assert set(listed(capsys)) == {"profe"}


def test_a_roster_that_cannot_be_locked_is_one_clear_line(capsys, stdin, monkeypatch):
    def no_locks(fd, operation):
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "flock", no_locks)
    stdin("a long secret\n")
    assert main(["--lang", "en", "class", "add-student", "ana", "--password"]) == 2
    assert capsys.readouterr().err.strip() == f"tutor: {Settings.from_env().roster}: No locks available"
    assert not Settings.from_env().roster.exists()


def test_the_table_is_translated(capsys, stdin):
    stdin("a long secret\n")
    main(["class", "add-student", "ana", "--password"])
    capsys.readouterr()
    assert main(["--lang", "es", "class", "list"]) == 0
    out = capsys.readouterr().out
    assert "contraseña" in out and "alumno" in out and "sí" in out


def test_a_new_user_needs_a_key_or_a_password(capsys):
    assert main(["--lang", "en", "class", "add-student", "ana"]) == 2
    assert "--key" in capsys.readouterr().err and not Settings.from_env().roster.exists()


@pytest.mark.parametrize("argv, message", [
    (["class", "add-student", "ana!", "--key", "KEY"], "'ana!': a name is"),
    (["class", "add-student", "ana", "--key", "MISSING"], "No such file"),
    (["class", "add-student", "ana", "--key", "PRIVATE"], ":1: this is a private key"),
    (["class", "add-student", "ana", "--key", "EMPTY"], "no public key"),
    (["class", "remove-student", "nobody"], "nobody is not on the roster"),
])
def test_mistakes_exit_2_with_one_line(capsys, tmp_path, key_file, argv, message):
    (tmp_path / "PRIVATE").write_bytes(asyncssh.generate_private_key("ssh-ed25519").export_private_key())
    (tmp_path / "EMPTY").write_text("# nothing\n")
    files = {"KEY": key_file, "MISSING": tmp_path / "missing.pub", "PRIVATE": tmp_path / "PRIVATE",
             "EMPTY": tmp_path / "EMPTY"}
    assert main(["--lang", "en", *[str(files.get(a, a)) for a in argv]]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_passwords_typed_at_a_terminal_must_match_and_be_long_enough(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(isatty=lambda: True))
    typed = iter(["first secret", "other secret", "short", "short"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    assert main(["--lang", "en", "class", "add-student", "ana", "--password"]) == 2
    assert main(["--lang", "en", "class", "add-student", "ana", "--password"]) == 2
    assert "differ" in capsys.readouterr().err.splitlines()[0] and not Settings.from_env().roster.exists()


def test_a_roster_elsewhere(tmp_path, key_file):
    roster = tmp_path / "class" / "roster.yaml"
    assert main(["class", "add-student", "ana", "--key", str(key_file), "--roster", str(roster)]) == 0
    assert load(roster).user("ana") and not Settings.from_env().roster.exists()


def test_serve_refuses_a_public_address_without_public(capsys, fake):
    calls = fake("tutor.serve.server", "serve")
    assert main(["--lang", "en", "serve", "--host", "0.0.0.0"]) == 2
    assert "--public" in capsys.readouterr().err and calls == []


@pytest.mark.parametrize("argv, message", [
    (["--port", "0"], "--port 0: must be a whole number ≥ 1 and ≤ 65535"),
    (["--port", "http"], "--port http:"),
    (["--idle-timeout", "-5"], "--idle-timeout -5: must be > 0 and ≤ 1440"),
    (["--idle-timeout", "nan"], "--idle-timeout nan:"),
    (["--slots", "0"], "--slots 0:"),
    (["--max-queued", "2.5"], "--max-queued 2.5:"),
])
def test_serve_checks_its_flags(capsys, fake, argv, message):
    calls = fake("tutor.serve.server", "serve")
    assert main(["--lang", "en", "serve", *argv]) == 2
    assert message in capsys.readouterr().err and calls == []


def test_serve_hands_the_options_to_the_server(capsys, fake, isolated_home, tmp_path, monkeypatch):
    (tmp_path / "ours").mkdir()
    monkeypatch.chdir(tmp_path)
    calls = fake("tutor.serve.server", "serve")
    assert main(["--lessons", "ours", "serve", "--host", "0.0.0.0", "--public", "--port", "2200", "--idle-timeout",
                 "0.5", "--slots", "3", "--lang", "en"]) == 0
    assert "roster" in capsys.readouterr().err  # an empty roster is worth a warning
    assert calls == [("serve", ServeOptions(host="0.0.0.0", port=2200, roster=isolated_home / "roster.yaml",
                                            data=isolated_home, idle_timeout=30.0, slots=3, max_queued=2, lang="en",
                                            lessons=(Path("ours"),)), Settings.from_env())]


def test_class_opens_the_teachers_view_and_exports(tmp_path, fake, monkeypatch):
    calls = fake("tutor.ui.teacher", "run_class_app")
    roster = tmp_path / "roster.yaml"
    assert main(["--lang", "en", "--lessons", str(tmp_path), "class"]) == 0
    assert main(["--lang", "en", "class", "--roster", str(roster)]) == 0
    settings = Settings.from_env()
    assert calls == [("run_class_app", settings, "en", [tmp_path], None), ("run_class_app", settings, "en", [], roster)]
    exported: list[tuple] = []
    monkeypatch.setattr("tutor.classroom.board.export_csv", lambda *args: exported.append(args))
    roster.write_text("users:\n  - {name: ana}\n  - {name: profe, role: teacher}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["class", "export"]) == 0 and main(["class", "--roster", str(roster), "export", "-"]) == 0
    (store, course, first, nobody, excel, lang), (*_, second, students, _) = exported
    assert first.name.startswith("class-") and first.suffix == ".csv" and nobody == []  # no DATA/roster.yaml
    assert second is sys.stdout and students == ["ana"]  # the roster's students, not its teachers
    assert hasattr(store, "students") and hasattr(course, "lessons") and excel is False and lang == "es"


def test_export_writes_the_boards_csv(tmp_path, capsys):
    out = tmp_path / "class.csv"
    assert main(["--lang", "en", "class", "export", str(out)]) == 0
    assert out.read_text().startswith("student,") and str(out) in capsys.readouterr().out
    missing = tmp_path / "no" / "such" / "dir.csv"
    assert main(["--lang", "en", "class", "export", str(missing)]) == 2
    assert capsys.readouterr().err.strip() == f"tutor: {missing}: No such file or directory"
    assert not (tmp_path / "no").exists()  # a mistyped folder is named, not made


def test_an_export_that_fails_leaves_the_old_file_whole(tmp_path, capsys, monkeypatch):
    (tmp_path / "exports").mkdir()
    out = tmp_path / "exports" / "class.csv"
    out.write_text("yesterday's export\n")
    for student in ("ana", "bob"):
        Store(Settings.from_env().store).open_session(student)
    rows = board.class_rows

    def killed_midway(*args):  # ctrl+c (or a kill) after the first student's row
        yield rows(*args)[0]
        raise KeyboardInterrupt

    def disk_full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch:
        patch.setattr(board, "class_rows", killed_midway)
        with pytest.raises(KeyboardInterrupt):
            main(["--lang", "en", "class", "export", str(out)])
    monkeypatch.setattr(os, "fsync", disk_full)
    assert main(["--lang", "en", "class", "export", str(out)]) == 2
    assert capsys.readouterr().err.strip() == f"tutor: {out}: No space left on device"
    assert out.read_text() == "yesterday's export\n" and os.listdir(out.parent) == ["class.csv"]  # no temporary left


def test_export_for_spreadsheets_in_spanish_locales(tmp_path):
    out = tmp_path / "class.csv"
    assert main(["--lang", "en", "class", "export", "--excel", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith("\ufeffstudent;connected;".encode())  # a BOM: spreadsheets then read UTF-8
