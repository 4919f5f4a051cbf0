"""`tutor serve` for real: a server subprocess on loopback, students on asyncssh terminals (80×24)."""

import csv
import io
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import asyncssh
import pytest
from pilot_tools import until
from remote import PASSWORD, Server, Terminal
from test_roster import scrypt_hash

from tutor.classroom.roster import Roster, User, load, outdated, save
from tutor.i18n import t
from tutor.settings import Settings
from tutor.store import Store

pytestmark = pytest.mark.slow  # each test starts a real SSH server


def running(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


async def test_a_student_sees_the_lesson_asks_a_what_if_resizes_and_leaves(isolated_home, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")  # the teacher's own terminal, where the server was started: not the students'
    monkeypatch.setenv("LINES", "30")
    with Server(isolated_home, ["ana"]) as server:
        term = await Terminal(80, 24).connect(server.port, "ana")
        await term.wait_for("Qué es entrenar una red")
        await term.wait_for(r"Ayuda[^\n]*\Z")  # the footer, on the last row
        assert len(term.screen.display) == 24

        term.type("¿y si el learning rate fuera 10?\r")
        await term.wait_for("divergió")  # at 80 columns the run panel takes the screen

        term.resize(120, 40)
        await term.wait_for("Entrené con un learning rate de 10")  # at 120 the conversation and the panel side by side
        await term.wait_for(r"Ayuda[^\n]*\Z")
        rows = term.screen.display
        assert len(rows) == 40 and "Ayuda" in rows[39]
        panel = next(r for r in rows if "Ejecución:" in r)
        assert panel.index("Ejecución:") > 60

        await term.close()
        store = Store(isolated_home / "tutor.db")
        assert await until(lambda: not store.connected())
        [run] = store.runs("ana")
        assert run.result["config"]["lr"] == 10 and run.status == "diverged"


async def test_what_ifs_that_need_a_new_network_shape_are_answered_and_quit_is_prompt(isolated_home):
    """Sessions are forked from a warmed server: tinygrad's compile pool must not come along half-dead."""
    with Server(isolated_home, ["ana"]) as server:
        term = await Terminal(120, 40).connect(server.port, "ana")
        await term.wait_for("Qué es entrenar una red")
        store = Store(isolated_home / "tutor.db")
        for n, (question, field, value) in enumerate((("¿y si el batch fuera 6?", "batch_size", 6),
                                                     ("¿y si el ancho fuera 16?", "hidden", [16, 16]),
                                                     ("¿y si hubiera 3 capas?", "hidden", [16, 16, 16])), 1):
            term.type(question + "\r")
            assert await until(lambda: len(store.runs("ana")) == n)  # noqa: B023
            assert store.runs("ana")[0].result["config"][field] == value
        term.type("¿y si el ancho fuera 48?\r")  # a shape nobody has compiled yet
        await term.wait_for("preparando la red")
        term.type("\x11")  # ctrl+q
        assert await until(lambda: term.closed)
        assert len(store.runs("ana")) == 3  # the session ended before the network was compiled: not waited for


async def test_wrong_password_and_unknown_user_get_nothing(isolated_home):
    with Server(isolated_home, ["ana"]) as server:
        for user, password in (("ana", "wrong"), ("nobody", PASSWORD)):
            with pytest.raises(asyncssh.PermissionDenied):
                await asyncssh.connect("127.0.0.1", server.port, username=user, password=password,
                                       known_hosts=None, client_keys=None, agent_path=None)
        assert "failed password for 'nobody'" in server.output() + (isolated_home / "serve.log").read_text()


async def test_a_student_with_an_old_hash_logs_in_and_gets_argon2id(isolated_home):
    roster = isolated_home / "roster.yaml"
    save(Roster(users=[User(name=name, password=scrypt_hash(PASSWORD)) for name in ("ana", "bob")]), roster)
    login = {"known_hosts": None, "client_keys": None, "agent_path": None}
    with Server(isolated_home, ["ana"]) as server:
        for _ in range(2):  # the second time with the new hash
            async with asyncssh.connect("127.0.0.1", server.port, username="ana", password=PASSWORD, **login):
                assert not outdated(load(roster).user("ana").password)  # Argon2id at today's cost
        with pytest.raises(asyncssh.PermissionDenied):
            await asyncssh.connect("127.0.0.1", server.port, username="ana", password="wrong", **login)
    after = load(roster)
    assert [u.name for u in after.users] == ["ana", "bob"] and after.user("bob").password.startswith("scrypt$")


async def test_commands_forwarding_and_sftp_are_refused(isolated_home):
    with Server(isolated_home, ["ana"]) as server:
        async with asyncssh.connect("127.0.0.1", server.port, username="ana", password=PASSWORD,
                                    known_hosts=None, client_keys=None, agent_path=None) as conn:
            with pytest.raises(asyncssh.ChannelOpenError):
                await conn.run("ls")
            with pytest.raises(asyncssh.ChannelOpenError):
                await conn.open_connection("127.0.0.1", server.port)
            with pytest.raises(asyncssh.ChannelListenError):
                await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 9)
            with pytest.raises((asyncssh.ChannelOpenError, asyncssh.SFTPError)):
                await conn.start_sftp_client()
            shell = await conn.create_process(encoding="utf-8")  # a shell, but no terminal (ssh -T)
            assert "needs a terminal" in await shell.stdout.read()
            assert (await shell.wait()).exit_status == 1
        assert Store(isolated_home / "tutor.db").runs() == []


async def test_killing_the_server_mid_run_loses_nothing_and_the_student_resumes(isolated_home):
    with Server(isolated_home, ["ana"]) as server:
        term = await Terminal(120, 40).connect(server.port, "ana")
        await term.wait_for("Qué es entrenar una red")
        term.type("¿y si el learning rate fuera 10?\r")
        await term.wait_for("Entrené con un learning rate de 10")
        term.type("¿y si el learning rate fuera 0.01 y las épocas 10000?\r")
        await term.wait_for(r"época \d+/10000")  # training, mid-run
        server.stop(signal.SIGKILL)
    store = Store(isolated_home / "tutor.db")
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # the orphaned session hears the hangup, stores its run as cancelled, and goes
    assert await until(lambda: len(store.runs("ana")) == 2)
    pid = int(re.search(r"ana connected from \S+ \(pid (\d+)", (isolated_home / "serve.log").read_text())[1])
    assert await until(lambda: not running(pid))
    cancelled, finished = store.runs("ana")
    assert finished.status == "diverged" and cancelled.status == "cancelled"
    assert store.connected() == {"ana"}  # nobody closed the session row: the server was killed

    with Server(isolated_home, ["ana"]) as again:
        assert store.connected() == set()  # the new server closed the stale session
        term = await Terminal(120, 40).connect(again.port, "ana")
        await term.wait_for("Sigues donde lo dejaste")  # the same lesson and step, the last run in the panel
        await term.wait_for(r"cancelada · \d+/10000 épocas")
        await term.close()


async def test_an_idle_session_is_closed_with_a_word_and_progress_kept(isolated_home):
    with Server(isolated_home, ["ana"], (), "--idle-timeout", "0.05") as server:  # 3 seconds
        term = await Terminal(80, 24).connect(server.port, "ana")
        await term.wait_for("Qué es entrenar una red")
        await term.wait_for("Sesión cerrada tras 0.05 min sin actividad")
        assert await until(lambda: term.closed)


async def test_a_crashing_session_takes_nobody_else_down(isolated_home):
    with Server(isolated_home, ["ana", "ben"]) as server:
        ana, ben = Terminal(80, 24), Terminal(80, 24)
        for term, name in ((ana, "ana"), (ben, "ben")):
            await term.connect(server.port, name)
            await term.wait_for("Qué es entrenar una red")
        log = isolated_home / "serve.log"
        pid = int(re.search(r"ana connected from \S+ \(pid (\d+)", log.read_text())[1])
        os.kill(pid, signal.SIGKILL)
        assert await until(lambda: ana.closed)
        assert await until(lambda: "the session of ana ended with exit code -9" in log.read_text())

        ben.type("¿y si el learning rate fuera 10?\r")
        await ben.wait_for("divergió")
        await ben.close()


@pytest.mark.parametrize("remote", [False, True])
async def test_a_remote_session_cannot_write_screenshots_on_the_server(isolated_home, remote):
    from tutor.ui.app import TutorApp

    app = TutorApp(Store(Settings.from_env().store), "ana", remote=remote)
    async with app.run_test(size=(80, 24)):
        titles = {c.title for c in app.get_system_commands(app.screen)}
        screenshot, quit = (t(f"ui.cmd.{name}", app.lang) for name in ("screenshot", "quit"))
    assert (screenshot in titles) is not remote and quit in titles


@pytest.mark.slow
async def test_a_teacher_takes_the_class_csv_home_and_only_that(isolated_home):
    """`ssh profe@server export > clase.csv`: the CSV of `tutor class export`; a student, or any other
    command, is refused."""
    with Server(isolated_home, ["ana", "ben"], ("profe",)) as server:
        login = {"known_hosts": None, "client_keys": None, "agent_path": None, "password": PASSWORD}
        async with asyncssh.connect("127.0.0.1", server.port, username="profe", **login) as conn:
            done = await conn.run("export")
            assert done.exit_status == 0, done.stderr
            rows = list(csv.DictReader(io.StringIO(done.stdout)))
            assert [row["student"] for row in rows] == ["ana", "ben"] and "mastery_lr" in rows[0]
            spreadsheet = await conn.run("export --excel")
            assert spreadsheet.stdout.splitlines()[0].startswith("student;connected;now;lesson;")
            for command in ("ls", "export; ls", "export > /tmp/x", "tutor class export", "export -o x"):
                with pytest.raises(asyncssh.ChannelOpenError):
                    await conn.run(command)
        async with asyncssh.connect("127.0.0.1", server.port, username="ana", **login) as conn:
            with pytest.raises(asyncssh.ChannelOpenError):
                await conn.run("export")
        log = (isolated_home / "serve.log").read_text()
        assert "profe exported the class" in log and "refused a command from ana: 'export'" in log


async def test_a_teacher_gets_the_live_class_view_over_ssh(isolated_home):
    with Server(isolated_home, ["ana"], ("profe",)) as server:
        teacher = await Terminal(80, 24).connect(server.port, "profe")
        await teacher.wait_for(r"Class · 1 student · 0 connected · 0 need help")  # ana is on the roster, not here yet
        ana = await Terminal(80, 24).connect(server.port, "ana")
        await ana.wait_for("Qué es entrenar una red")
        await teacher.wait_for(r"1 connected")  # profe is a teacher, not a student
        ana.type("¿y si el learning rate fuera 10?\r")
        await teacher.wait_for(r"ana .*✗")  # ana's diverged run, live in the class table
        await ana.close()
        await teacher.close()


def test_a_student_sees_only_their_own_runs(isolated_home):
    from tutor.dialogue.tutor import Tutor

    store = Store(Settings.from_env().store)
    Tutor(store, "ana", "en").handle("what if the learning rate were 10?")
    ben = Tutor(store, "ben", "en")
    assert ben.run_ids == [] and ben.last_run() is None
    for question in ("why?", "compare", "show my runs"):
        assert "lr 10" not in ben.handle(question, run=False).text


def test_a_port_in_use_is_a_clear_error(isolated_home):
    server = Server(isolated_home, ["ana"])
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", server.port))
        taken.listen()
        done = subprocess.run([sys.executable, "-m", "tutor", "--lang", "en", "serve", "--port", str(server.port),
                               "--roster", str(server.roster)], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "TUTOR_HOME": str(isolated_home)})
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{server.port}" in done.stderr and "--port" in done.stderr
