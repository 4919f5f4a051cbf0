"""The process's settings: every `TUTOR_*` environment variable, read in one place.

An entry point (the command line, the app, an SSH session and its fork server, the background warm-up, a
sweep's worker) reads them once with `Settings.from_env()` and passes down what each part needs. A child
process learns them from the environment its parent gives it explicitly (`Settings.env`), or as an argument.
The engine, which trains deep inside every one of these processes, reads its three (cache, queue, epoch
program) from the settings the entry point put in force (`Settings.use`); outside an entry point (a library
call, a test) they are the environment's.
"""

import getpass
import locale
import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, Field

from tutor.i18n import Lang


class Settings(BaseModel):
    """What the environment says about where data lives, who is training, and how."""

    model_config = ConfigDict(frozen=True)

    home: Path = Field(description="TUTOR_HOME: the data folder (store, roster, the server's key and log).")
    cache: Path = Field(description="TUTOR_CACHE: where captured steps and compiled epoch programs are kept.")
    student: str | None = Field(None, description="TUTOR_STUDENT: whose runs these are; None: the login name.")
    lang: Lang = Field("es", description="TUTOR_LANG, else the locale's: English if it says so, else Spanish.")
    lessons: tuple[Path, ...] = Field((), description="TUTOR_LESSONS: folders of extra lessons (os.pathsep between).")
    queue: Path | None = Field(None, description="TUTOR_QUEUE: the class queue's socket, under `tutor serve`.")
    debug: bool = Field(False, description="TUTOR_DEBUG: an internal error shows its traceback.")
    epoch_program: bool = Field(True, description="TUTOR_EPOCH_PROGRAM=0: replay captured steps, no epoch program.")
    warmup: bool = Field(True, description="TUTOR_WARMUP=0: capture no course shapes in the background.")

    @classmethod
    def current(cls) -> "Settings":
        """The settings in force in this process (`use`), else the environment's."""
        return _in_force or cls.from_env()

    @staticmethod
    def use(settings: "Settings | None") -> "Settings | None":
        """Put `settings` in force for this process (None: the environment's again); the ones in force before."""
        global _in_force
        before, _in_force = _in_force, settings
        return before

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        """The settings `env` gives, with the user's own folders where it names none."""
        return cls(home=env.get("TUTOR_HOME") or platformdirs.user_data_dir("tutor"),
                   cache=env.get("TUTOR_CACHE") or platformdirs.user_cache_dir("tutor"),
                   student=env.get("TUTOR_STUDENT") or None, lang=_locale_lang(env),
                   lessons=tuple(Path(p) for p in env.get("TUTOR_LESSONS", "").split(os.pathsep) if p),
                   queue=env.get("TUTOR_QUEUE") or None, debug=bool(env.get("TUTOR_DEBUG")),
                   epoch_program=env.get("TUTOR_EPOCH_PROGRAM") != "0", warmup=env.get("TUTOR_WARMUP") != "0")

    def env(self) -> dict[str, str]:
        """These settings as the environment variables that give them to a child process."""
        env = {"TUTOR_HOME": str(self.home), "TUTOR_CACHE": str(self.cache), "TUTOR_LANG": self.lang,
               "TUTOR_LESSONS": os.pathsep.join(map(str, self.lessons))}
        if self.student:
            env["TUTOR_STUDENT"] = self.student
        if self.queue:
            env["TUTOR_QUEUE"] = str(self.queue)
        if self.debug:
            env["TUTOR_DEBUG"] = "1"
        if not self.epoch_program:
            env["TUTOR_EPOCH_PROGRAM"] = "0"
        if not self.warmup:
            env["TUTOR_WARMUP"] = "0"
        return env

    @property
    def student_id(self) -> str:
        """Whose runs these are: `student`, else the login name."""
        return self.student or getpass.getuser()

    @property
    def store(self) -> Path:
        """The database in the data folder."""
        return self.home / "tutor.db"

    @property
    def roster(self) -> Path:
        """`roster.yaml` in the data folder: who may log in to `tutor serve`."""
        return self.home / "roster.yaml"


_in_force: Settings | None = None


def _locale_lang(env: Mapping[str, str]) -> Lang:
    """The language of the user's locale (`TUTOR_LANG`, then `LC_ALL`/`LANG`); Spanish unless English."""
    for value in (env.get("TUTOR_LANG"), env.get("LC_ALL"), env.get("LANG"), locale.getlocale()[0]):
        if value:
            return "en" if value.lower().startswith("en") else "es"
    return "es"
