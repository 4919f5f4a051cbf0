"""`tutor serve`: an SSH server where each roster user gets their own tutor on their own terminal.

One asyncssh server authenticates against the roster (keys or hashed passwords, failed tries slowed per
address). Passwords are checked in a pool of their own, a thread per core below the event loop's
priority: a crowd logging in at once neither delays the bytes of the sessions already open nor the steps
of every login that asyncssh hands to the default executor (a key login waited for every password queued
ahead of it). Each accepted session asks for a terminal and a shell, nothing else: subsystems (SFTP),
port and agent forwarding are refused, and so is every command but one: a roster teacher's `export`
(`ssh -p 2222 profe@server export > clase.csv`), which sends the class's progress as CSV. The app then
runs in a child process on a pseudo-terminal; bytes and window changes pass through. Children come from
a fork server that has already imported the app, so a session starts in a fraction of an import. Every
child's training goes through one `TrainingQueue`. The store records who is connected, for the teacher's
view.
"""

import asyncio
import concurrent.futures
import contextlib
import fcntl
import io
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import pty
import shutil
import signal
import struct
import tempfile
import termios
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import asyncssh

from tutor.classroom import roster as rosters
from tutor.classroom.queue import TrainingQueue
from tutor.classroom.throttle import Throttle
from tutor.dialogue.warmup import Warmup
from tutor.errors import TutorError
from tutor.files import read_text, shown_path, write_atomically
from tutor.i18n import Lang, t
from tutor.priority import cores, lower_thread
from tutor.serve import session
from tutor.serve.options import ServeOptions
from tutor.settings import Settings
from tutor.store import Store

log = logging.getLogger("tutor.serve")
MAX_WAITING, MAX_WAITING_PER_ADDRESS = 256, 64  # connections not logged in yet: a lab behind one NAT logs in at once
HANGUP_GRACE = 10.0  # seconds a child has to store a run in progress before it is killed
FPS = "20"  # remote sessions redraw at most this often: less CPU, fewer bytes
EXPORTS = {"export": False, "export --excel": True}  # the commands a teacher may run, and whether for spreadsheets
HOST_KEY_BYTES = 2**16  # an OpenSSH ed25519 private key is about 400 bytes
HASHING_NICE = 4  # password checks yield to the event loop (every session's bytes) and to the sessions (nice 2)


class Classroom:
    """The server's state: roster, store, queue, throttle and the live sessions."""

    def __init__(self, opts: ServeOptions, settings: Settings) -> None:
        self.opts = opts
        # what every session runs with: the server's data folder and lessons, the class queue (set by `start`)
        self.settings = settings.model_copy(update={"home": opts.data, "lessons": opts.lessons, "student": None})
        self.store = Store(self.settings.store)
        self.throttle = Throttle()  # password guesses: per login from an address, and per address
        self.hashers = concurrent.futures.ThreadPoolExecutor(min(cores(), rosters.HASHING_AT_ONCE), "password",
                                                             initializer=lower_thread, initargs=(HASHING_NICE,))
        self.unauthenticated: Counter[str] = Counter()  # connections not logged in yet, by address
        self.sessions: dict[int, Terminal] = {}  # by child pid
        self.queue = TrainingQueue(opts.slots, opts.max_queued, self.owner)
        self._roster: tuple[float, rosters.Roster] | None = None
        self.children = multiprocessing.get_context("forkserver")
        self.warmup: Warmup | None = None

    def roster(self) -> rosters.Roster:
        """The roster file as it is now: `tutor class add-student` takes effect without a restart.

        A file broken while the server runs is logged, and the last good roster stays in force.
        """
        mtime = self.opts.roster.stat().st_mtime if self.opts.roster.exists() else 0.0
        if self._roster is None or self._roster[0] != mtime:
            try:
                self._roster = (mtime, rosters.load(self.opts.roster, self.opts.lang))
            except TutorError as err:
                log.error("roster not reloaded: %s", err)
                if self._roster is None:
                    raise
                self._roster = (mtime, self._roster[1])
        return self._roster[1]

    def class_csv(self, excel: bool) -> str:
        """The class's progress as `tutor class export -` writes it (runs in a worker thread: its own Store)."""
        from tutor.classroom.board import export_csv
        from tutor.lessons import load_lessons

        out = io.StringIO()
        export_csv(Store(self.settings.store), load_lessons(self.opts.lessons), out, self.roster().students(), excel)
        return out.getvalue()

    def owner(self, pid: int) -> str | None:
        terminal = self.sessions.get(pid)
        return terminal.user if terminal else None

    def lang_of(self, student: str) -> Lang:
        """The language the student last used (the tutor's saved state), else the server's."""
        return (self.store.get_state(student, "dialogue") or {}).get("lang") or self.opts.lang

    async def start(self) -> asyncssh.SSHAcceptor:
        """Listen; returns the SSH acceptor (`close()` it to stop taking connections)."""
        self.key = host_key(self.opts.data, self.opts.lang)  # first: a broken one is said before any warm-up
        self.store.close_all_sessions()  # sessions left open by a server that was killed
        self.folder = Path(tempfile.mkdtemp(prefix="tutor-"))  # short: a socket path has ~100 bytes at most
        queue_path = self.folder / "queue.sock"
        self.queue_server = await asyncio.start_unix_server(self.queue.handle, path=queue_path)
        self.children.set_forkserver_preload(session.WARM)
        # the fork server starts with the sessions' settings but the queue (its warm-up trains outside it)
        with _environment({**self.settings.env(), "TEXTUAL_FPS": FPS}):
            multiprocessing.forkserver.ensure_running()
        self.settings = self.settings.model_copy(update={"queue": queue_path})  # what each session is given
        await asyncio.get_running_loop().run_in_executor(None, self.warm_up)
        self.warmup = Warmup.start(self.settings.model_copy(update={"queue": None}))  # the course's shapes, unqueued
        if self.warmup is not None:
            asyncio.get_running_loop().run_in_executor(None, self.follow_warmup, self.warmup)
        try:
            return await self._listen()
        except OSError as err:  # the port is taken, or the address is not this machine's
            self.queue_server.close()
            shutil.rmtree(self.folder, ignore_errors=True)
            raise TutorError(t("serve.cannot_listen", self.opts.lang, host=self.opts.host, port=self.opts.port,
                               reason=err.strerror or err)) from None

    async def _listen(self) -> asyncssh.SSHAcceptor:
        return await asyncssh.create_server(
            lambda: Door(self), self.opts.host, self.opts.port, server_host_keys=[self.key],
            encoding=None, line_editor=False, agent_forwarding=False,
            x11_forwarding=False, allow_scp=False, sftp_factory=None, login_timeout=60, keepalive_interval=30)

    def warm_up(self) -> None:
        """Start the fork server and wait until it has warmed up (imports, course, device, one run)."""
        probe = self.children.Process(target=session.ready)
        probe.start()
        probe.join()
        probe.close()

    @staticmethod
    def follow_warmup(warmup: Warmup) -> None:
        """Log the background warm-up when it ends."""
        for _ in warmup.progress():
            pass
        log.info("%d of %s network shapes captured ahead of time", warmup.done, warmup.total)

    async def reap_idle(self) -> None:
        """Every few seconds, hang up sessions idle longer than the idle timeout."""
        while True:
            await asyncio.sleep(min(self.opts.idle_timeout / 4, 15))
            now = asyncio.get_running_loop().time()
            for terminal in list(self.sessions.values()):
                if now - terminal.last_input > self.opts.idle_timeout:
                    terminal.hang_up("idle")

    async def stop(self) -> None:
        """Hang up every session and wait (briefly) for their runs to be stored."""
        for terminal in list(self.sessions.values()):
            terminal.hang_up("stopped")
        deadline = asyncio.get_running_loop().time() + HANGUP_GRACE + 1
        while self.sessions and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        self.queue_server.close()
        self.hashers.shutdown(wait=False, cancel_futures=True)
        if self.warmup is not None:
            self.warmup.cancel()
        shutil.rmtree(self.folder, ignore_errors=True)


class Door(asyncssh.SSHServer):
    """Authentication: roster users only, by key or password; password guesses throttled (see `throttle`),
    and at most MAX_WAITING connections (MAX_WAITING_PER_ADDRESS from one address) not logged in yet."""

    def __init__(self, room: Classroom) -> None:
        self.room = room
        self.address = "?"
        self.waiting = False  # counted among the connections not logged in yet

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.address = (conn.get_extra_info("peername") or ("?",))[0]
        waiting = self.room.unauthenticated
        if waiting[self.address] >= MAX_WAITING_PER_ADDRESS or waiting.total() >= MAX_WAITING:
            log.warning("too many connections not logged in yet (%s): refused one", self.address)
            conn.abort()
            return
        waiting[self.address] += 1
        self.waiting = True

    def auth_completed(self) -> None:
        self._done_waiting()

    def connection_lost(self, exc: Exception | None) -> None:
        self._done_waiting()

    def _done_waiting(self) -> None:
        """This connection no longer counts against the admission limit: logged in, or gone."""
        if self.waiting:
            self.waiting = False
            self.room.unauthenticated[self.address] -= 1
            if self.room.unauthenticated[self.address] <= 0:
                del self.room.unauthenticated[self.address]

    def begin_auth(self, username: str) -> bool:
        keys = self.room.roster().authorized_keys(username)
        if keys:
            self.conn.set_authorized_keys(asyncssh.import_authorized_keys(keys))
        return True

    def password_auth_supported(self) -> bool:
        return True

    def session_requested(self) -> "Terminal":
        return Terminal(self.room)

    async def validate_password(self, username: str, password: str) -> bool:
        throttle, address = self.room.throttle, self.address
        attempt = throttle.reserve(address, username)
        if attempt is None:
            log.warning("too many password attempts waiting from %s: refused %r unchecked", address, username)
            return False
        if attempt.wait > 0:
            log.info("password attempt for %r from %s waits %.1f s for its turn", username, address, attempt.wait)
            await asyncio.sleep(attempt.wait)
        roster, opts = self.room.roster(), self.room.opts  # an outdated hash is upgraded on the way (log_in)
        ok = await asyncio.get_running_loop().run_in_executor(self.room.hashers, rosters.log_in, roster, opts.roster,
                                                              username, password, opts.lang)
        if ok:
            throttle.succeeded(attempt)
        else:
            log.warning("failed password for %r from %s", username, address)
            await asyncio.sleep(throttle.failed(attempt))
        return ok


class Terminal(asyncssh.SSHServerSession):
    """One session: the user's app on a pseudo-terminal, with bytes and window changes passed through."""

    def __init__(self, room: Classroom) -> None:
        self.room = room
        self.term: str | None = None
        self.size = (80, 24)
        self.reason: str | None = None  # why the server hung up, if it did
        self.gone = False  # the client left: nothing more to send
        self.command: str | None = None  # a teacher's export, instead of the app
        self.killer: asyncio.TimerHandle | None = None  # the SIGKILL that follows a hang-up's SIGHUP
        self.last_input = asyncio.get_running_loop().time()

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self.chan = chan
        self.user: str = chan.get_extra_info("username")
        self.address = (chan.get_extra_info("peername") or ("?",))[0]

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes) -> bool:
        self.term = term_type or "xterm-256color"
        self.size = term_size[0] or 80, term_size[1] or 24
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        user = self.room.roster().user(self.user)
        if command.strip() in EXPORTS and user is not None and user.role == "teacher":
            self.command = command.strip()
            return True
        log.warning("refused a command from %s: %r", self.user, command)
        return False

    async def export(self, excel: bool) -> None:
        """Send the class's CSV and end the session (exit 1, with a line on stderr, if it failed)."""
        try:
            text = await asyncio.get_running_loop().run_in_executor(None, self.room.class_csv, excel)
        except Exception:  # a broken roster or store: the teacher gets one line, the log the details
            log.exception("export for %s failed", self.user)
            self.chan.write_stderr(t("serve.export_failed", self.room.lang_of(self.user)).encode() + b"\n")
            self.chan.exit(1)
            return
        log.info("%s exported the class from %s", self.user, self.address)
        if not self.gone:
            self.chan.write(text.encode())
            self.chan.exit(0)

    def subsystem_requested(self, subsystem: str) -> bool:
        log.warning("refused subsystem %r for %s", subsystem, self.user)
        return False

    def session_started(self) -> None:
        if self.command is not None:
            asyncio.ensure_future(self.export(EXPORTS[self.command]))
            return
        if self.term is None:
            self.chan.write(t("serve.needs_terminal", self.room.lang_of(self.user)).encode() + b"\r\n")
            self.chan.exit(1)
            return
        self.master, self.slave = pty.openpty()  # the slave stays open here, so the master never reads EIO
        self.resize(*self.size)
        os.set_blocking(self.master, False)
        roster = self.room.roster()
        user = roster.user(self.user)  # None if taken off the roster since logging in: a student still
        teacher = user is not None and user.role == "teacher"
        students = roster.students() if teacher else None
        self.child = self.room.children.Process(target=session.main, name=f"tutor:{self.user}",
                                                args=(self.user, os.ttyname(self.slave), self.term, self.room.opts.lang,
                                                      students, self.room.settings))
        self.child.start()
        self.room.sessions[self.child.pid] = self
        # the class view lists who is connected: students, not the teachers watching
        self.session_id = None if teacher else self.room.store.open_session(self.user, self.address)
        loop = asyncio.get_running_loop()
        loop.add_reader(self.master, self.pump)
        loop.add_reader(self.child.sentinel, self.ended)
        log.info("%s connected from %s (pid %d, %s %dx%d)", self.user, self.address, self.child.pid, self.term,
                 *self.size)

    def pump(self) -> bool:
        """The app drew something: pass it to the client (dropped once the client has gone).
        Whether there was anything to read."""
        try:
            data = os.read(self.master, 65536)
        except OSError:  # nothing now (BlockingIOError), or nothing ever again
            return False
        if data and not self.gone:
            self.chan.write(data)
        return bool(data)

    def pause_writing(self) -> None:  # the client reads slower than the app draws
        asyncio.get_running_loop().remove_reader(self.master)

    def resume_writing(self) -> None:
        if not self.gone:
            asyncio.get_running_loop().add_reader(self.master, self.pump)

    def data_received(self, data: bytes, datatype: int | None) -> None:
        if self.command is not None:  # an export reads nothing
            return
        self.last_input = asyncio.get_running_loop().time()
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self.master, view):]
            except BlockingIOError:  # the app is not reading (a huge paste): the rest would not help
                return

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if self.command is None:
            self.resize(width, height)

    def resize(self, width: int, height: int) -> None:
        """Set the terminal's size; the kernel tells the app with SIGWINCH."""
        self.size = width, height
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))

    def hang_up(self, reason: str) -> None:
        """End the app as a closed terminal would: SIGHUP, then SIGKILL if it does not go in time."""
        if self.reason is not None or not self.child.is_alive():
            return
        self.reason = reason
        os.kill(self.child.pid, signal.SIGHUP)
        self.killer = asyncio.get_running_loop().call_later(HANGUP_GRACE, self.child.kill)  # cancelled by `ended`

    def ended(self) -> None:
        """The app exited: log a crash, say why the server ended it, close the channel and clean up."""
        loop = asyncio.get_running_loop()
        loop.remove_reader(self.child.sentinel)
        if self.killer:
            self.killer.cancel()
        self.child.join()
        while not self.gone and self.pump():  # the app's last bytes (the terminal restored)
            pass
        loop.remove_reader(self.master)
        code = self.child.exitcode
        if code and self.reason is None:
            log.error("the session of %s ended with exit code %s", self.user, code)
        if self.reason in ("idle", "stopped") and not self.gone:
            lang = self.room.lang_of(self.user)
            self.chan.write(b"\r\n" + t(f"serve.hung_up.{self.reason}", lang,
                                         minutes=f"{self.room.opts.idle_timeout / 60:g}").encode() + b"\r\n")
        self.room.sessions.pop(self.child.pid, None)
        if self.session_id is not None:
            self.room.store.close_session(self.session_id)
        os.close(self.master)
        os.close(self.slave)
        self.child.close()
        log.info("%s disconnected (exit %s)", self.user, code)
        if not self.gone:
            self.chan.exit(max(code or 0, 0))

    def connection_lost(self, exc: Exception | None) -> None:
        self.gone = True  # `pump` goes on reading, and drops, what the app draws: blocked on a full
        if hasattr(self, "child"):  # terminal, the app could not quit
            asyncio.get_running_loop().add_reader(self.master, self.pump)  # in case writing was paused
            self.hang_up("left")


def host_key(data: Path, lang: Lang = "en") -> asyncssh.SSHKey:
    """The server's host key, made on first start and kept in the data folder (mode 0600, written atomically:
    a first start cut short leaves no half key). A TutorError says what to do with a file that is not one."""
    path = data / "ssh_host_ed25519_key"
    text = read_text(path, HOST_KEY_BYTES, lang)
    if text is None:
        key = asyncssh.generate_private_key("ssh-ed25519")
        write_atomically(path, key.export_private_key(), lang)
        return key
    try:
        return asyncssh.import_private_key(text)
    except (asyncssh.KeyImportError, ValueError):
        raise TutorError(t("serve.bad_host_key", lang, path=shown_path(path))) from None


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """This process's environment with `values` for the span of the block, then as it was."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def serve(opts: ServeOptions, settings: Settings) -> int:
    """Run the server until interrupted (ctrl+c or SIGTERM); sessions end as if their terminals closed."""
    opts.data.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s",
                        handlers=[logging.StreamHandler(), logging.FileHandler(opts.data / "serve.log")])
    return asyncio.run(_serve(opts, settings))


async def _serve(opts: ServeOptions, settings: Settings) -> int:
    room = Classroom(opts, settings)
    acceptor = await room.start()
    print(t("serve.listening", opts.lang, host=opts.host, port=opts.port, users=len(room.roster().users),
            slots=opts.slots, data=opts.data, fingerprint=room.key.get_fingerprint()), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    reaper = asyncio.ensure_future(room.reap_idle())
    await stop.wait()
    reaper.cancel()
    acceptor.close()
    await room.stop()
    return 0
