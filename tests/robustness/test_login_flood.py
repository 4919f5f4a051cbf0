"""Password guessing against a real `tutor serve`: held to one guess a second from one address, however
many connections guess at once, and the right person is let in at once as soon as the guessing stops.

What is checked is what the server did (its log, the order of answers), never how long a login took: a
loaded machine makes any login slow. How long logins take is benchmarks/classroom_load.py's."""

import asyncio
import functools
import socket
import time

import asyncssh
import pytest
from pilot_tools import until
from remote import PASSWORD, Server, hashed_password
from test_roster import scrypt_hash

from tutor.classroom.roster import Roster, User, save
from tutor.classroom.throttle import Throttle
from tutor.serve.server import HANGUP_GRACE, MAX_WAITING_PER_ADDRESS

pytestmark = pytest.mark.slow
FREE, INTERVAL = Throttle().free, Throttle().interval


async def login(port: int, user: str, password: str | None = None, key: asyncssh.SSHKey | None = None) -> bool:
    try:
        conn = await asyncssh.connect("127.0.0.1", port, username=user, password=password, known_hosts=None,
                                      client_keys=[key] if key else None, agent_path=None)
    except (asyncssh.PermissionDenied, asyncssh.ConnectionLost, ConnectionError):
        return False
    conn.close()
    return True


@functools.cache
def old_hash() -> str:
    """PASSWORD's hash as an earlier version wrote it: scrypt at N=2^17, a good part of a second a check."""
    return scrypt_hash(PASSWORD, 2**17)


def admitted(port: int) -> bool:
    """Whether the server greets a new connection (one over its limit is closed unanswered)."""
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.settimeout(10)
        return s.recv(64).startswith(b"SSH-")


@pytest.fixture
def classroom(isolated_home):
    key = asyncssh.generate_private_key("ssh-ed25519")
    hashed, old = hashed_password(), old_hash()
    save(Roster(users=[User(name="ana", password=hashed), User(name="bob", password=hashed),
                       User(name="cara", keys=[key.export_public_key().decode().strip()]),
                       *(User(name=f"old{i}", password=old) for i in range(8))]),
         isolated_home / "roster.yaml")
    with Server(isolated_home, []) as server:
        yield server, key


async def test_fifty_parallel_guessers_get_one_guess_a_second_and_the_right_person_gets_in_at_once(classroom):
    server, key = classroom
    assert await login(server.port, "bob", PASSWORD)  # bob has logged in from here before
    seconds, start = 8.0, time.monotonic()

    async def guess() -> None:
        while time.monotonic() - start < seconds:
            assert not await login(server.port, "ana", "wrong-guess")

    await asyncio.gather(*(guess() for _ in range(50)))
    elapsed = time.monotonic() - start
    log = server.data / "serve.log"
    guessed = log.read_text()
    checked = guessed.count("failed password for 'ana'")
    print(f"{checked} wrong guesses checked in {elapsed:.1f} s from 50 parallel guessers")
    assert checked >= FREE and "for its turn" in guessed  # the guessing was real: past the free ones, guesses waited
    assert checked <= FREE + elapsed / INTERVAL + 1, (checked, elapsed)
    assert await login(server.port, "ana", PASSWORD)
    assert await login(server.port, "bob", PASSWORD)
    assert await login(server.port, "cara", key=key)
    assert "for its turn" not in log.read_text()[len(guessed):]  # once the guessing stopped, no right password waited


async def test_a_key_login_is_not_held_behind_a_crowd_of_password_checks(classroom):
    """Eight wrong passwords against old hashes (a good part of a second each) keep the checking threads busy;
    a key login needs none of them, nor anything queued behind them: of the checks not done when it asks,
    half or more are still not done when it is in (queued, it came after all)."""
    server, key = classroom
    crowd = [asyncio.ensure_future(login(server.port, f"old{i}", "a-guess")) for i in range(8)]
    log = server.data / "serve.log"

    def unchecked() -> int:
        return len(crowd) - log.read_text().count("failed password")

    assert await until(lambda: unchecked() < len(crowd))  # the checks are under way
    asked = unchecked()
    assert await login(server.port, "cara", key=key)
    left = unchecked()
    print(f"password checks not done: {asked} when a key login asked, {left} when it was in")
    assert 2 * left >= asked > 0
    assert not any(await asyncio.gather(*crowd))


async def test_connections_not_logged_in_are_capped_per_address(classroom):
    server, key = classroom
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(MAX_WAITING_PER_ADDRESS)]
    try:
        for s in idle:
            s.recv(64)  # the server's banner: it has counted this connection
        extra = socket.create_connection(("127.0.0.1", server.port))
        extra.settimeout(10)
        assert extra.recv(64) == b""  # closed at once, not left waiting for the login timeout
        extra.close()
    finally:
        for s in idle:
            s.close()
    assert await until(lambda: admitted(server.port))  # once the server has seen them close
    assert await login(server.port, "cara", key=key)


async def test_a_disconnect_leaves_no_traceback_in_the_log(classroom):
    server, key = classroom
    conn = await asyncssh.connect("127.0.0.1", server.port, username="cara", client_keys=[key], known_hosts=None,
                                  agent_path=None)
    process = await conn.create_process(term_type="xterm-256color", term_size=(80, 24))
    await asyncio.sleep(2)
    process.close()
    conn.close()
    log = server.data / "serve.log"
    deadline = time.monotonic() + HANGUP_GRACE + 3  # past the moment the hang-up's SIGKILL was due
    while "cara disconnected" not in log.read_text() or time.monotonic() < deadline:
        assert time.monotonic() < deadline + 30, log.read_text()
        await asyncio.sleep(0.2)
    assert "Traceback" not in log.read_text() + server.output()
