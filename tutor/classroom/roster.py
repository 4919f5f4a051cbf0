"""Who may log in to `tutor serve`: the roster, a YAML file of users with their keys and password hashes.

    users:
      - name: ana                 # a unix-like login, kept in lower case
        role: student             # or teacher
        keys: [ssh-ed25519 AAAAC3Nza... ana@laptop]   # OpenSSH public key lines
        password: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>   # never the password itself

Passwords are hashed with Argon2id (random 16-byte salt) at OWASP's recommended cost: 19 MiB, 2 passes,
1 lane, a few hundredths of a second a hash, written as libargon2 writes it (the PHC string format).
Each hash records its parameters, so the scrypt hashes of earlier versions (N=2^14 or 2^17, r=8, p=1)
are still accepted, each at the cost it names, and replaced by today's at the user's next login (`log_in`:
that hash alone changes in the file, under the roster's lock, written atomically). Hashes are compared in
constant time; checking an unknown user costs the same as checking a new hash, so timing does not tell
who is enrolled (only who still has an old scrypt hash, which takes longer). At most HASHING_AT_ONCE
hashes run at a time in a process, so a crowd logging in needs at most that many times 19 MiB (128 MiB
for an old scrypt hash); `tutor serve` runs one per core, up to that.

Why not scrypt at N=2^17 (OWASP's scrypt figure, used before): it costs 128 MiB and ~0.4 s of a core a
hash, 20 times Argon2id's time and 7 times its memory, so a class of 30 logging in at once waited ~6 s
on 2 cores for hashing alone. Online guessing is bounded by the throttle, not by the hash; the hash's
cost matters to whoever steals the roster file (mode 0600), and there Argon2id at this cost is the
algorithm and the minimum OWASP recommends first.
"""

import base64
import hashlib
import hmac
import logging
import re
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import yaml
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from tutor.config import shown
from tutor.errors import ConfigError, TutorError, printable
from tutor.files import editing, read_text, shown_path, write_atomically
from tutor.i18n import Lang, t
from tutor.yamlerrors import error_line, error_reason, node_line

NAME = re.compile(r"[a-z_][a-z0-9_.-]{0,31}")
ARGON2_COST = (19 * 1024, 2, 1)  # memory in KiB, passes, lanes
SALT_BYTES, HASH_BYTES = 16, 32
HASHING_AT_ONCE = 4
_hashing = threading.BoundedSemaphore(HASHING_AT_ONCE)
MIN_PASSWORD = 8
MAX_BYTES = 16 * 2**20  # a roster of thousands of users with keys is a few MiB
_ARGON2 = re.compile(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)")
_SCRYPT = re.compile(r"scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)")
Cost = tuple[int, int, int]  # Argon2id: memory KiB, passes, lanes; scrypt: N, r, p
log = logging.getLogger(__name__)


def hash_password(password: str) -> str:
    """`$argon2id$v=19$m=KIB,t=PASSES,p=LANES$<salt>$<hash>` of `password` at today's cost, with a fresh
    random salt (base64 without padding, as in every PHC string)."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _derive("argon2id", ARGON2_COST, password, salt, HASH_BYTES)
    return _argon2_string(ARGON2_COST, salt, digest)


def check_password(password: str, hashed: str) -> bool:
    """Whether `password` matches `hashed` (a `hash_password` string, or an older scrypt one), compared
    in constant time."""
    kdf, cost, salt, digest = _parse_hash(hashed)
    return hmac.compare_digest(_derive(kdf, cost, password, salt, len(digest)), digest)


def outdated(hashed: str) -> bool:
    """Whether `hashed` is of an earlier version (scrypt, or Argon2id at another cost): replaced at the next login."""
    return _parse_hash(hashed)[:2] != ("argon2id", ARGON2_COST)


def _derive(kdf: str, cost: Cost, password: str, salt: bytes, size: int) -> bytes:
    secret = password.encode("utf-8", "surrogatepass")
    with _hashing:
        if kdf == "scrypt":  # 128·r·N bytes of memory (+ p blocks)
            n, r, p = cost
            return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, maxmem=128 * r * (n + p) + 2**20, dklen=size)
        kib, passes, lanes = cost
        return Argon2id(salt=salt, length=size, iterations=passes, lanes=lanes, memory_cost=kib).derive(secret)


def _argon2_string(cost: Cost, salt: bytes, digest: bytes) -> str:
    kib, passes, lanes = cost
    return f"$argon2id$v=19$m={kib},t={passes},p={lanes}${_b64(salt)}${_b64(digest)}"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _parse_hash(hashed: str) -> tuple[str, Cost, bytes, bytes]:
    """The function, cost, salt and digest of a hash string; ValueError unless well formed and affordable
    (256 MiB at most)."""
    if match := _ARGON2.fullmatch(hashed):
        kdf, cost = "argon2id", (int(match[1]), int(match[2]), int(match[3]))
        kib, passes, lanes = cost
        affordable = 8 * lanes <= kib <= 2**18 and 1 <= passes <= 10 and 1 <= lanes <= 4
    elif match := _SCRYPT.fullmatch(hashed):
        kdf, cost = "scrypt", (int(match[1]), int(match[2]), int(match[3]))
        n, r, p = cost
        affordable = n & (n - 1) == 0 and 2**10 <= n <= 2**17 and 1 <= r <= 16 and 1 <= p <= 4
    else:
        raise ValueError("not an Argon2id or scrypt hash")
    if not affordable:
        raise ValueError(f"{kdf} parameters out of range")
    salt, digest = (base64.b64decode(part + "=" * (-len(part) % 4), validate=True) for part in match.groups()[3:])
    if len(salt) < 8 or len(digest) < 16:
        raise ValueError("salt or hash too short")
    return kdf, cost, salt, digest


# What unknown users and users without a password are checked against, to spend the same time;
# no password hashes to all zeros.
_DUMMY = _argon2_string(ARGON2_COST, bytes(SALT_BYTES), bytes(HASH_BYTES))


class User(BaseModel):
    """One person who may log in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Login: like a unix login (`[a-z_][a-z0-9_.-]{0,31}`); given in any case, "
                                   "kept in lower case, and looked up exactly (`ssh Ana@host` is not ana).")
    role: Literal["student", "teacher"] = Field("student", description="Teachers also get the class view.")
    keys: tuple[str, ...] = Field((), description="OpenSSH public key lines (`ssh-ed25519 AAAA... comment`).")
    password: str | None = Field(None, description="A `hash_password` string; None: keys only.")

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v: Any) -> Any:
        if isinstance(v, str) and not (v.isascii() and NAME.fullmatch(v.lower())):
            raise PydanticCustomError("bad_name", "bad name {value}", {"value": printable(v)})  # not UTF-8: escaped
        return v.lower() if isinstance(v, str) else v

    @field_validator("keys", mode="before")
    @classmethod
    def _keys(cls, v: Any) -> Any:
        return () if v is None else [v] if isinstance(v, str) else v

    @field_validator("keys")
    @classmethod
    def _valid_keys(cls, keys: tuple[str, ...]) -> tuple[str, ...]:
        lines = [k.strip() for k in keys]
        for i, line in enumerate(lines):
            try:
                check_key(line)
            except PydanticCustomError as err:
                raise PydanticCustomError(err.type, err.message_template, {**(err.context or {}), "index": i}) from None
        return tuple(dict.fromkeys(lines))

    @field_validator("password")
    @classmethod
    def _hashed(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                _parse_hash(v)
            except ValueError:
                raise PydanticCustomError("bad_password", "not a password hash") from None
        return v


def check_key(line: str) -> None:
    """Raise a `bad_key` (or `private_key`) error unless `line` is one OpenSSH public key line."""
    import asyncssh  # here, not at the top: the class board reads the roster and needs no SSH

    if "PRIVATE KEY" in line:
        raise PydanticCustomError("private_key", "a private key")
    try:
        if "\n" in line or not line:
            raise ValueError
        asyncssh.import_public_key(line)
    except (ValueError, asyncssh.KeyImportError):
        raise PydanticCustomError("bad_key", "not an OpenSSH public key {value}", {"value": line}) from None


class Roster(BaseModel):
    """Everyone who may log in, names unique. Lookups are exact: names are lower case, as SSH sends them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    users: tuple[User, ...] = ()

    @field_validator("users", mode="before")
    @classmethod
    def _none_is_empty(cls, v: Any) -> Any:
        return () if v is None else v

    @field_validator("users")
    @classmethod
    def _unique(cls, users: tuple[User, ...]) -> tuple[User, ...]:
        seen: set[str] = set()
        for i, user in enumerate(users):
            if user.name in seen:
                raise PydanticCustomError("duplicate_name", "duplicate name {value}", {"value": user.name, "index": i})
            seen.add(user.name)
        return users

    def user(self, name: str) -> User | None:
        return next((u for u in self.users if u.name == name), None)

    def students(self) -> list[str]:
        """The students' names, in the file's order (teachers are not in the class)."""
        return [u.name for u in self.users if u.role == "student"]

    def authorized_keys(self, name: str) -> str:
        """The user's key lines, one per line, for `asyncssh.import_authorized_keys`; '' if none."""
        user = self.user(name)
        return "".join(f"{key}\n" for key in user.keys) if user else ""

    def verify(self, name: str, password: str) -> bool:
        """Whether `name` may log in with `password`; one hash either way, so timing tells nothing."""
        user = self.user(name)
        known = user is not None and user.password is not None
        matches = check_password(password, user.password if known else _DUMMY)
        return known and matches

    def put(self, user: User) -> "Roster":
        """A roster with `user` added, or replacing the user of the same name."""
        if self.user(user.name) is None:
            return Roster(users=[*self.users, user])
        return Roster(users=[user if u.name == user.name else u for u in self.users])

    def without(self, name: str) -> "Roster":
        return Roster(users=[u for u in self.users if u.name != name])


def log_in(roster: Roster, path: Path, name: str, password: str, lang: Lang = "en") -> bool:
    """`roster.verify`; after a login with a hash of an earlier version, the roster file at `path` holds
    today's instead (`upgrade`; a file that cannot be written keeps the old hash, still good, and says why
    in the log)."""
    if not roster.verify(name, password):
        return False
    old = roster.user(name).password
    if outdated(old):
        try:
            upgrade(path, name, old, hash_password(password), lang)
        except TutorError as err:
            log.warning("password hash of %r not upgraded: %s", name, err)
    return True


def upgrade(path: Path, name: str, old: str, new: str, lang: Lang = "en") -> None:
    """Replace `name`'s password hash `old` with `new` in the roster file, unless it changed since (a new
    password, or `name` removed). Only that hash changes in the text, comments and all; a roster where it
    cannot (the hash written twice, a flow-style list that the new hash's commas would break) is written anew."""
    with editing(path, lang):
        text = read_text(path, MAX_BYTES, lang) or ""
        roster = _parsed(text, path, lang)
        user = roster.user(name)
        if user is None or user.password != old:
            return
        upgraded = roster.put(user.model_copy(update={"password": new}))
        edited = text.replace(old, new)
        try:
            kept = text.count(old) == 1 and _parsed(edited, path, lang) == upgraded
        except ConfigError:
            kept = False
        write_atomically(path, (edited if kept else _dumped(upgraded)).encode("utf-8"), lang)


def update(path: Path, change: Callable[[Roster], Roster], lang: Lang = "en") -> None:
    """Save `change` applied to the roster in `path` as it is now, under the roster's lock: an edit and a
    login's hash upgrade never undo each other."""
    with editing(path, lang):
        save(change(load(path, lang)), path, lang)


def load(path: Path, lang: Lang = "en") -> Roster:
    """The roster in `path`; a missing file is an empty roster. A TutorError names the file, line and key."""
    text = read_text(path, MAX_BYTES, lang)
    return Roster() if text is None else _parsed(text, path, lang)


def _parsed(text: str, path: Path, lang: Lang) -> Roster:
    """The roster that `text`, read from `path`, describes; a ConfigError names the file, line and key."""
    try:
        tree = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        problem = t("classroom.roster.yaml", lang, problem=shown(error_reason(err), 200))
        raise ConfigError(f"{shown_path(path)}:{error_line(err, 1, text)}: {problem}") from None
    try:
        return Roster.model_validate(data or {})
    except ValidationError as err:
        loc, message = explain(err, lang)
        where, line = _where(loc), node_line(tree, loc, tree.start_mark.line + 1 if tree else 1)
        raise ConfigError(f"{shown_path(path)}:{line}: {where + ': ' if where else ''}{message}") from None


def explain(err: ValidationError, lang: Lang) -> tuple[tuple[str | int, ...], str]:
    """The place (keys and indices) and the translated message of the first problem in `err`."""
    first = err.errors()[0]
    kind, ctx, loc = first["type"], first.get("ctx") or {}, tuple(first["loc"])
    if "index" in ctx:  # a problem found by a validator of the whole list: point at the item
        loc = (*loc, ctx["index"], *(("name",) if kind == "duplicate_name" else ()))
    if kind in ("bad_name", "bad_key", "private_key", "bad_password", "duplicate_name", "extra_forbidden",
                "missing", "literal_error", "model_type", "tuple_type"):
        return loc, t(f"classroom.roster.error.{kind}", lang, value=shown(ctx.get("value", first.get("input", ""))))
    return loc, t("classroom.roster.error.invalid", lang, detail=first["msg"])


def _where(loc: tuple[str | int, ...]) -> str:
    """('users', 2, 'keys', 0) -> 'users[2].keys[0]'."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")


def save(roster: Roster, path: Path, lang: Lang = "en") -> None:
    """Write `roster` to `path` atomically, readable by the owner only; a StoreError says why it could not."""
    write_atomically(path, _dumped(roster).encode("utf-8"), lang)


def _dumped(roster: Roster) -> str:
    users = [{"name": u.name, "role": u.role, "keys": list(u.keys), "password": u.password} for u in roster.users]
    text = "# tutor serve's roster: edit it, or use `tutor class add-student` / `remove-student`.\n"
    return text + yaml.safe_dump({"users": users}, sort_keys=False, allow_unicode=True, width=1000)
