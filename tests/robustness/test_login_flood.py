"""Password guessing against a real `tutor serve`: held to one guess a second from one address, however
many connections guess at once, and the right person is let in at once as soon as the guessing stops."""

import asyncio
import socket
import time

import asyncssh
import pytest
from remote import PASSWORD, Server, hashed_password

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


async def timed(attempt) -> tuple[bool, float]:
    start = time.perf_counter()
    ok = await attempt
    return ok, time.perf_counter() - start


@pytest.fixture
def classroom(isolated_home):
    key = asyncssh.generate_private_key("ssh-ed25519")
    hashed = hashed_password()
    save(Roster(users=[User(name="ana", password=hashed), User(name="bob", password=hashed),
                       User(name="cara", keys=[key.export_public_key().decode().strip()])]),
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
    checked = (server.data / "serve.log").read_text().count("failed password for 'ana'")
    print(f"{checked} wrong guesses checked in {elapsed:.1f} s from 50 parallel guessers")
    assert checked >= FREE  # the guessing was real
    assert checked <= FREE + elapsed / INTERVAL + 1, (checked, elapsed)
    for attempt in (login(server.port, "ana", PASSWORD), login(server.port, "bob", PASSWORD),
                    login(server.port, "cara", key=key)):
        ok, took = await timed(attempt)
        print(f"then a right login in {took:.2f} s")
        assert ok and took < 1.0, took


async def test_a_key_login_is_not_held_behind_a_crowd_of_password_checks(classroom):
    """Sixteen passwords at once keep the checking threads busy; a key login needs none of them, nor
    anything queued behind them: it is in before half of them are checked (queued, it came after all)."""
    server, key = classroom
    crowd = [asyncio.ensure_future(timed(login(server.port, f"nobody{i}", "a-guess"))) for i in range(16)]
    await asyncio.sleep(0.3)
    ok, took = await timed(login(server.port, "cara", key=key))
    checks = await asyncio.gather(*crowd)
    print(f"a key login in {took:.2f} s; the last of 16 password checks in {max(s for _, s in checks):.2f} s")
    assert ok and took < min(1.0, max(s for _, s in checks) / 2), (took, checks)
    assert not any(ok for ok, _ in checks)


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
    await asyncio.sleep(0.5)
    ok, took = await timed(login(server.port, "cara", key=key))
    assert ok and took < 1.0


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
