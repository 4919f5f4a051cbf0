"""SQLite storage (WAL) of every run, every student's progress and conversation state.

One file under `TUTOR_HOME` serves one student or a whole class: each write is one short
transaction, so a process killed at any moment leaves every earlier row intact.
"""

import functools
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from tutor.errors import StoreError
from tutor.files import shown_path

T = TypeVar("T")

SCHEMA_VERSION = 3
CLASS = "@class"  # the owner of class-wide state (the teacher's exercise); no student name starts with @
DIALOGUE_STATE = "dialogue"  # the state key of a student's conversation (lesson, step, settings, language)
SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    student TEXT NOT NULL,
    created REAL NOT NULL,
    status TEXT NOT NULL,
    config TEXT NOT NULL,      -- ExperimentConfig as JSON
    result TEXT NOT NULL,      -- RunResult as JSON: history, step losses, timings
    diagnoses TEXT NOT NULL,   -- list of diagnoses as JSON
    by TEXT NOT NULL DEFAULT 'student'  -- student | tutor (a fix the tutor tried before proposing it)
);
CREATE INDEX IF NOT EXISTS runs_by_student ON runs (student, id);
-- the class's queries (who ran what last, and when) filter on `by`, stored after the large result: this index
-- answers them without reading the runs' rows
CREATE INDEX IF NOT EXISTS runs_by_owner ON runs (student, by, id, created);
CREATE TABLE IF NOT EXISTS progress (
    id INTEGER PRIMARY KEY,
    student TEXT NOT NULL,
    created REAL NOT NULL,
    lesson TEXT NOT NULL,
    step INTEGER NOT NULL,
    kind TEXT NOT NULL,        -- done | quiz | predict
    answer TEXT,               -- what the student chose or typed
    correct INTEGER            -- 1 right, 0 wrong, NULL for steps merely done
);
CREATE INDEX IF NOT EXISTS progress_by_student ON progress (student, lesson, step);
CREATE TABLE IF NOT EXISTS state (
    student TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,       -- any JSON document
    updated REAL NOT NULL,
    PRIMARY KEY (student, key)
);
CREATE TABLE IF NOT EXISTS sessions (  -- SSH sessions of `tutor serve`
    id INTEGER PRIMARY KEY,
    student TEXT NOT NULL,
    started REAL NOT NULL,
    ended REAL,                -- NULL while connected
    address TEXT
);
CREATE INDEX IF NOT EXISTS sessions_open ON sessions (ended, student);
"""


def _mapped(method: Callable[..., T]) -> Callable[..., T]:
    """A Store method whose database errors (a read-only folder, a full disk, a damaged page found
    mid-command) become one StoreError naming the file."""

    @functools.wraps(method)
    def mapped(self: "Store", *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as err:
            raise StoreError(f"{shown_path(self.path)}: {err}") from None

    return mapped


class StoredRun(BaseModel):
    """A run as stored: its id and owner around the engine's result and the diagnoses."""

    id: int
    student: str
    created: float
    status: str
    result: dict[str, Any]
    diagnoses: list[dict[str, Any]]
    by: str = "student"  # or "tutor": a candidate fix the tutor trained to check it


class Store:
    """The database of one data folder. Cheap to open; one per process or per student session."""

    def __init__(self, path: Path) -> None:
        """The store at `path`: an entry point's `settings.store`, or a throwaway one."""
        self.path = path
        self._lock = threading.Lock()  # one transaction at a time on this connection, whichever thread
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: written by a newer tutor (schema {version} > {SCHEMA_VERSION})")
            self.db.executescript(SCHEMA)
            if version and version < 3:  # schema 2 had no `by`: every run was the student's
                self.db.execute("ALTER TABLE runs ADD COLUMN by TEXT NOT NULL DEFAULT 'student'")
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except (OSError, sqlite3.Error) as err:
            raise StoreError(f"{shown_path(self.path)}: {err}") from None

    def close(self) -> None:
        self.db.close()

    @_mapped
    def add_run(self, student: str, result: BaseModel, diagnoses: list[dict[str, Any]], by: str = "student") -> int:
        """Store a finished run (`by` the tutor when it tried a fix); returns its id."""
        doc = result.model_dump(mode="json")
        cur = self.db.execute(
            "INSERT INTO runs (student, created, status, config, result, diagnoses, by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (student, time.time(), doc["status"], json.dumps(doc["config"]), json.dumps(doc), json.dumps(diagnoses),
             by),
        )
        return int(cur.lastrowid)

    @_mapped
    def runs(self, student: str | None = None, limit: int = 100, by: str | None = "student") -> list[StoredRun]:
        """The newest runs first, of one student or of everyone; `by` the students (default), the tutor,
        or None: all."""
        where = " AND ".join(w for w, ok in (("student = ?", student), ("by = ?", by)) if ok)
        args = [a for a in (student, by) if a] + [limit]
        rows = self.db.execute(
            f"SELECT id, student, created, status, result, diagnoses, by FROM runs {'WHERE ' + where if where else ''} "
            "ORDER BY id DESC LIMIT ?", args
        )
        return [_stored(row) for row in rows]

    @_mapped
    def run(self, run_id: int) -> StoredRun | None:
        row = self.db.execute(
            "SELECT id, student, created, status, result, diagnoses, by FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
        return _stored(row) if row else None

    @_mapped
    def latest_run_id(self) -> int:
        """The id of the newest run of anyone (0 for none): a cheap test for 'anything new?'."""
        return self.db.execute("SELECT COALESCE(MAX(id), 0) FROM runs").fetchone()[0]

    @_mapped
    def version(self) -> tuple[int, int]:
        """A value that changes whenever anything is written to the store, by this connection or any other
        process: a cheaper test for 'anything new?' than any read."""
        return self.db.execute("PRAGMA data_version").fetchone()[0], self.db.total_changes

    @_mapped
    def run_ids(self, student: str, limit: int = 50) -> list[int]:
        """The ids of a student's newest runs, oldest first."""
        rows = self.db.execute("SELECT id FROM runs WHERE student = ? AND by = 'student' ORDER BY id DESC LIMIT ?",
                               (student, limit))
        return [run_id for (run_id,) in rows][::-1]

    @_mapped
    def last_runs(self) -> dict[str, tuple[int, str, str | None]]:
        """Per student with runs: how many, and the last one's status and first diagnosis code."""
        return {
            student: (n, status, code)
            for student, n, status, code in self.db.execute(
                "SELECT r.student, c.n, r.status, json_extract(r.diagnoses, '$[0].code') "
                "FROM (SELECT student, COUNT(*) AS n, MAX(id) AS last FROM runs WHERE by = 'student' "
                "GROUP BY student) AS c "
                "JOIN runs AS r ON r.id = c.last"
            )
        }

    @_mapped
    def recent_codes(self, n: int) -> dict[str, list[str | None]]:
        """Per student with runs: the first diagnosis code of each of their last `n` runs, newest first."""
        recent: dict[str, list[str | None]] = {}
        for student, code in self.db.execute(
                "SELECT r.student, json_extract(r.diagnoses, '$[0].code') FROM runs AS r JOIN (SELECT id, "
                "ROW_NUMBER() OVER (PARTITION BY student ORDER BY id DESC) AS newer FROM runs WHERE by = 'student') "
                "AS k ON r.id = k.id WHERE k.newer <= ? ORDER BY r.student, r.id DESC", (n,)):
            recent.setdefault(student, []).append(code)
        return recent

    @_mapped
    def last_active(self) -> dict[str, float]:
        """Per student: when they last did anything (a run, an answer, a turn of the conversation, a login)."""
        return dict(self.db.execute(
            "SELECT student, MAX(at) FROM (SELECT student, MAX(created) AS at FROM runs WHERE by = 'student' "
            "GROUP BY student UNION ALL SELECT student, MAX(created) FROM progress GROUP BY student "
            "UNION ALL SELECT student, MAX(updated) FROM state GROUP BY student "
            "UNION ALL SELECT student, MAX(started) FROM sessions GROUP BY student) GROUP BY student"))

    @_mapped
    def diagnosed(self, latest: bool = False) -> list[tuple[str, str, dict[str, Any]]]:
        """(student, code, config) for every diagnosis of every run; `latest`: of each student's last run only."""
        last = " AND r.id IN (SELECT MAX(id) FROM runs WHERE by = 'student' GROUP BY student)" if latest else ""
        rows = self.db.execute(
            "SELECT r.student, json_extract(d.value, '$.code'), r.config FROM runs AS r, json_each(r.diagnoses) AS d "
            f"WHERE r.by = 'student'{last}")
        return [(student, code, json.loads(config)) for student, code, config in rows]

    @_mapped
    def completed(self, metric: str, locked: dict[str, Any]) -> list[tuple[int, str, int, float | None]]:
        """(id, student, n_params, `metric` at the last epoch) of the completed runs whose config has the
        `locked` values, filtered and read inside SQLite (a run's result is large; its config is compared
        field by field)."""
        last = f"'$.history[' || (json_array_length(result, '$.history') - 1) || '].{metric}'"
        where = "".join(" AND json_extract(config, ?) IS json_extract(?, '$')" for _ in locked)
        args = [arg for field, value in locked.items() for arg in (f"$.{field}", json.dumps(value))]
        return self.db.execute(
            f"SELECT id, student, json_extract(result, '$.n_params'), json_extract(result, {last}) "
            f"FROM runs WHERE status = 'completed' AND by = 'student'{where}", args).fetchall()

    @_mapped
    def record(self, student: str, lesson: str, step: int, kind: str, answer: str | None = None,
               correct: bool | None = None) -> None:
        """One step of progress: a step done, a quiz answered, a prediction graded."""
        self.db.execute(
            "INSERT INTO progress (student, created, lesson, step, kind, answer, correct) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (student, time.time(), lesson, step, kind, answer, None if correct is None else int(correct)),
        )

    @_mapped
    def progress(self, student: str) -> list[dict[str, Any]]:
        """Every progress event of a student, oldest first."""
        rows = self.db.execute(
            "SELECT lesson, step, kind, answer, correct, created FROM progress WHERE student = ? ORDER BY id",
            (student,),
        )
        return [dict(zip(("lesson", "step", "kind", "answer", "correct", "created"), row)) for row in rows]

    @_mapped
    def students(self) -> list[str]:
        """Everyone with a run, progress or state, alphabetically."""
        rows = self.db.execute(
            "SELECT student FROM runs UNION SELECT student FROM progress UNION SELECT student FROM state")
        return sorted(r[0] for r in rows if not r[0].startswith("@"))

    @_mapped
    def open_session(self, student: str, address: str | None = None) -> int:
        """A student connected; returns the session's id for `close_session`."""
        cur = self.db.execute("INSERT INTO sessions (student, started, address) VALUES (?, ?, ?)",
                              (student, time.time(), address))
        return int(cur.lastrowid)

    @_mapped
    def close_session(self, session: int) -> None:
        """A student left."""
        self.db.execute("UPDATE sessions SET ended = ? WHERE id = ? AND ended IS NULL", (time.time(), session))

    @_mapped
    def close_all_sessions(self) -> None:
        """Nobody is connected: a server starting after one that was killed."""
        self.db.execute("UPDATE sessions SET ended = ? WHERE ended IS NULL", (time.time(),))

    @_mapped
    def connected(self) -> set[str]:
        """The students with an open session now."""
        return {r[0] for r in self.db.execute("SELECT DISTINCT student FROM sessions WHERE ended IS NULL")}

    @_mapped
    def get_state(self, student: str, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM state WHERE student = ? AND key = ?", (student, key)).fetchone()
        return json.loads(row[0]) if row else default

    @_mapped
    def update_state(self, student: str, key: str, update: Callable[[Any], Any]) -> Any:
        """Replace a state document by `update(current or None)` in one transaction, so that two
        processes updating it at once each see the other's change; returns the new document."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                value = update(self.get_state(student, key))
                self.set_state(student, key, value)
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        return value

    @_mapped
    def set_state(self, student: str, key: str, value: Any) -> None:
        self.db.execute(
            "INSERT INTO state (student, key, value, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (student, key) DO UPDATE SET value = excluded.value, updated = excluded.updated",
            (student, key, json.dumps(value), time.time()),
        )


def _stored(row: tuple) -> StoredRun:
    run_id, student, created, status, result, diagnoses, by = row
    return StoredRun(id=run_id, student=student, created=created, status=status,
                     result=json.loads(result), diagnoses=json.loads(diagnoses), by=by)
