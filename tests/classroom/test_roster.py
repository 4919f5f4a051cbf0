"""The roster: names, keys, password hashes, the YAML file and its error messages."""

import base64
import errno
import hashlib
import os
import re
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import asyncssh
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tutor.classroom import roster as rosters
from tutor.classroom.roster import (
    Roster,
    User,
    check_password,
    hash_password,
    load,
    log_in,
    save,
    update,
)
from tutor.errors import ConfigError


def public_key(comment: str = "ana@laptop") -> str:
    return asyncssh.generate_private_key("ssh-ed25519", comment=comment).export_public_key().decode().strip()


@pytest.mark.slow
@given(st.from_regex(r"[A-Za-z_][A-Za-z0-9_.-]{0,31}", fullmatch=True))
def test_unix_like_names_are_kept_in_lower_case(name):
    assert User(name=name).name == name.lower()


@given(st.text(max_size=40))
def test_a_name_is_accepted_exactly_when_it_looks_like_a_unix_login(name):
    ok = name.isascii() and re.fullmatch(r"[a-z_][a-z0-9_.-]{0,31}", name.lower()) is not None
    try:
        User(name=name)
    except ValidationError as err:
        assert not ok and err.errors()[0]["type"] == "bad_name"
    else:
        assert ok


@settings(max_examples=10, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_password_hash_round_trip(password):
    hashed = hash_password(password)
    assert re.fullmatch(r"\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}", hashed)
    assert check_password(password, hashed) and not check_password(password + "x", hashed)
    assert hash_password(password) != hashed  # a fresh salt every time


def test_hashes_are_the_phc_strings_libargon2_writes():
    """libargon2's encoding, checked against its own test vector: other tools can check a roster's hashes."""
    salt, digest = bytes(range(16)), bytes(range(32))
    hashed = "$argon2id$v=19$m=19456,t=2,p=1$" + base64.b64encode(salt).decode().rstrip("=") + "$" \
        + base64.b64encode(digest).decode().rstrip("=")
    assert rosters._parse_hash(hashed) == ("argon2id", (19456, 2, 1), salt, digest)
    known = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
    assert check_password("password", known) and not check_password("passwore", known)


def test_hashes_with_unaffordable_parameters_are_refused():
    salt_and_hash = hash_password("secret-1").rsplit("$", 2)
    for hashed in (f"scrypt$1073741824$8$1${salt_and_hash[1]}${salt_and_hash[2]}",
                   f"$argon2id$v=19$m=4194304,t=2,p=1${salt_and_hash[1]}${salt_and_hash[2]}",  # 4 GiB
                   f"$argon2id$v=19$m=19456,t=1000,p=1${salt_and_hash[1]}${salt_and_hash[2]}",
                   "hunter22"):
        with pytest.raises(ValidationError, match="bad_password"):
            User(name="ana", password=hashed)


def test_verify_knows_only_the_right_password_of_a_known_user():
    roster = Roster(users=[User(name="ana", password=hash_password("correct horse")),
                           User(name="bob", keys=[public_key()])])
    assert roster.verify("ana", "correct horse")
    assert not roster.verify("ana", "wrong horse")
    assert not roster.verify("Ana", "correct horse")  # lookups are exact, as SSH sends the name
    assert not roster.verify("nobody", "correct horse")
    assert not roster.verify("bob", "")  # keys only


def test_unknown_users_cost_one_hash_like_known_ones(monkeypatch):
    calls = []
    real = rosters._derive
    monkeypatch.setattr(rosters, "_derive", lambda *a: calls.append(a[:2]) or real(*a))
    roster = Roster(users=[User(name="ana", password=hash_password("correct horse")),
                           User(name="bob", keys=[public_key()])])
    calls.clear()
    for name in ("ana", "bob", "nobody"):
        roster.verify(name, "guess")
    assert calls == [("argon2id", rosters.ARGON2_COST)] * 3


def scrypt_hash(password: str, n: int = 2**14) -> str:
    """A hash as versions before Argon2id wrote them (scrypt at N=2^14, later 2^17; r=8, p=1)."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=8, p=1, maxmem=2**28, dklen=32)
    return f"scrypt${n}$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


@pytest.mark.parametrize("n", [2**14, pytest.param(2**17, marks=pytest.mark.slow)])
def test_scrypt_hashes_of_earlier_versions_are_still_accepted(n):
    """A roster written before Argon2id: its hashes name their parameters."""
    roster = Roster(users=[User(name="ana", password=scrypt_hash("correct horse", n))])
    assert roster.verify("ana", "correct horse") and not roster.verify("ana", "correct horsE")
    assert rosters.outdated(roster.user("ana").password) and not rosters.outdated(hash_password("correct horse"))


def test_an_old_hash_becomes_argon2id_at_login_and_nothing_else_changes(tmp_path):
    path = tmp_path / "roster.yaml"
    old, bobs = scrypt_hash("correct horse"), hash_password("bob's secret")
    text = (f"# 2º B, spring term\nusers:\n  - name: ana   # the delegate\n    password: {old}\n"
            f"  - name: bob\n    role: teacher\n    password: '{bobs}'\n")
    path.write_text(text)
    path.chmod(0o600)
    assert not log_in(load(path), path, "ana", "correct horsE") and load(path).user("ana").password == old
    assert log_in(load(path), path, "ana", "correct horse")
    new = load(path).user("ana").password
    assert rosters._parse_hash(new)[:2] == ("argon2id", rosters.ARGON2_COST)
    assert path.read_text() == text.replace(old, new)  # comments, quoting and bob's line as they were
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and os.listdir(tmp_path) == ["roster.yaml"]
    assert log_in(load(path), path, "ana", "correct horse") and load(path).user("ana").password == new  # once
    assert not load(path).verify("ana", "correct horsE")


def test_a_flow_style_roster_is_written_anew_when_the_new_hash_would_break_it(tmp_path):
    path = tmp_path / "roster.yaml"
    path.write_text(f"users: [{{name: ana, password: {scrypt_hash('correct horse')}}}, {{name: bob}}]\n")
    assert log_in(load(path), path, "ana", "correct horse")
    roster = load(path)
    assert not rosters.outdated(roster.user("ana").password) and roster.verify("ana", "correct horse")
    assert [u.name for u in roster.users] == ["ana", "bob"]


def test_concurrent_logins_and_edits_lose_no_row(tmp_path):
    """Logins hash in threads, each from the roster as the server last read it; `tutor class` edits it meanwhile:
    each upgrade and each new student is kept."""
    path = tmp_path / "roster.yaml"
    names = [f"s{i}" for i in range(8)]
    save(Roster(users=[User(name=n, password=scrypt_hash(f"{n}-password", 2**10)) for n in names]), path)
    seen = load(path)
    with ThreadPoolExecutor(8) as pool:
        added = [pool.submit(update, path, lambda now, n=n: now.put(User(name=f"new{n}", keys=[public_key()])))
                 for n in range(4)]
        assert all(pool.map(lambda n: log_in(seen, path, n, f"{n}-password"), names))
        for future in added:
            future.result()  # raises what the edit raised
    roster = load(path)
    assert {u.name for u in roster.users} == {*names, *(f"new{n}" for n in range(4))}
    assert not any(rosters.outdated(roster.user(n).password) for n in names)
    assert all(roster.verify(n, f"{n}-password") for n in names)


def test_a_roster_that_cannot_be_written_keeps_the_old_hash_and_the_login(tmp_path, monkeypatch, caplog):
    path = tmp_path / "roster.yaml"
    save(Roster(users=[User(name="ana", password=scrypt_hash("correct horse"))]), path)
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    assert log_in(load(path), path, "ana", "correct horse")
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["roster.yaml"]
    assert "not upgraded" in caplog.text and "No space left on device" in caplog.text


def test_hashing_is_bounded_in_memory_and_in_parallel():
    """Argon2id gets 19 MiB a hash and only HASHING_AT_ONCE hashes run together: 16 logins at once (in a
    fresh process) need at most HASHING_AT_ONCE × 19 MiB more, as its resident memory, sampled, shows."""
    script = """if True:
        import resource, threading, time
        from concurrent.futures import ThreadPoolExecutor
        from tutor.classroom.roster import HASHING_AT_ONCE, check_password, hash_password
        def resident():
            with open("/proc/self/statm") as f:
                return int(f.read().split()[1]) * resource.getpagesize() / 2**20
        hash_password("warm up")
        before, peak, done = resident(), [0.0], threading.Event()
        def watch():
            while not done.is_set():
                peak[0] = max(peak[0], resident())
                time.sleep(0.002)
        threading.Thread(target=watch).start()
        with ThreadPoolExecutor(16) as pool:
            hashes = list(pool.map(hash_password, ["correct horse"] * 64))
        done.set()
        assert all(check_password("correct horse", h) for h in hashes[:2])
        print(HASHING_AT_ONCE, peak[0] - before)
    """
    # glibc would keep each thread's freed 19 MiB in that thread's arena, so the memory would count the threads
    # (the server's pool has HASHING_AT_ONCE at most), not the hashes at once: blocks this large go back at once
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": str(2**20)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    at_once, grown_mib = map(float, done.stdout.split())
    assert 18 < grown_mib < at_once * 20 + 16  # one hash's 19 MiB at least; never all 16 (304 MiB)


def test_keys_are_validated_and_joined_for_asyncssh():
    key = public_key()
    user = User(name="ana", keys=[key, f"  {key}  "])  # the same key twice counts once
    assert user.keys == (key,)
    roster = Roster(users=[user])
    assert roster.authorized_keys("ana") == key + "\n" and roster.authorized_keys("nobody") == ""
    asyncssh.import_authorized_keys(roster.authorized_keys("ana"))
    for bad in ("ssh-ed25519 AAAAnope", "restrict " + key, key + "\nssh-ed25519 AAAA", ""):
        with pytest.raises(ValidationError, match="bad_key"):
            User(name="ana", keys=[bad])
    with pytest.raises(ValidationError, match="private_key"):
        User(name="ana", keys=["-----BEGIN OPENSSH PRIVATE KEY-----"])


def test_names_are_unique():
    with pytest.raises(ValidationError, match="duplicate_name"):
        Roster(users=[User(name="ana", password=None), User(name="ANA")])
    roster = Roster().put(User(name="ana")).put(User(name="bob")).put(User(name="ana", role="teacher"))
    assert [(u.name, u.role) for u in roster.users] == [("ana", "teacher"), ("bob", "student")]
    assert [u.name for u in roster.without("ana").users] == ["bob"]


def test_save_and_load_round_trip_privately(tmp_path):
    path = tmp_path / "data" / "roster.yaml"
    assert load(path) == Roster()  # no file: nobody
    bob = User(name="bob", role="teacher", password=hash_password("s3cret-pass"))
    roster = Roster(users=[User(name="ana", keys=[public_key()]), bob])
    save(roster, path)
    assert load(path) == roster
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["roster.yaml"]  # no temporary file left
    save(roster.without("ana"), path)
    assert [u.name for u in load(path).users] == ["bob"]


def test_a_hand_written_roster_loads(tmp_path):
    key = public_key()
    path = tmp_path / "roster.yaml"
    path.write_text(f"users:\n  - name: Ana\n    keys: {key}\n  - name: luis\n    keys:\n")
    roster = load(path)
    assert roster.user("ana").keys == (key,) and roster.user("luis").keys == () and roster.user("Ana") is None


@pytest.mark.parametrize("text, where", [
    ("users:\n  - name: ana\n    keys: [\n", ":4: "),
    ("users:\n  - name: ana\n    keys:\n      - ssh-ed25519 AAAAnope\n",
     ":4: users[0].keys[0]: 'ssh-ed25519 AAAAnope'"),
    ("users:\n  - name: ana\n  - name: bob\n    role: admin\n", ":4: users[1].role: 'admin'"),
    ("users:\n  - name: ana\n  - name: ANA\n", ":3: users[1].name: 'ana'"),
    ("users:\n  - name: ana\n    passwd: x\n", ":3: users[0].passwd: "),
    ("users:\n  - name: ana\n    password: hunter22\n", ":3: users[0].password: "),
    ("users:\n  - name: a b\n", ":2: users[0].name: 'a b'"),
    ("- ana\n", ":1: "),
])
def test_bad_files_are_reported_with_file_line_and_key(tmp_path, text, where):
    path = tmp_path / "roster.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load(path, "en")
    assert str(err.value).startswith(f"{path}{where}"), str(err.value)
    assert "\n" not in str(err.value)
