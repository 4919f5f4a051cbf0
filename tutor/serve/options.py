"""The settings of `tutor serve`, validated: what the server binds, whom it admits, how it shares the CPU."""

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from tutor.i18n import Lang


class ServeOptions(BaseModel):
    """One `tutor serve`: checked by the CLI, read by `tutor.serve.server.serve`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field(description="Address to listen on ('' or 0.0.0.0: every interface); not loopback: --public.")
    port: int = Field(ge=1, le=65535, description="TCP port of the SSH server.")
    roster: Path = Field(description="The roster file: who may log in, with keys or password hashes.")
    data: Path = Field(description="The data folder (the store's TUTOR_HOME) every session shares.")
    idle_timeout: float = Field(gt=0, le=86_400, description="Seconds without input before a session is closed.")
    slots: int = Field(ge=1, le=1024, description="Trainings running at once across the class.")
    max_queued: int = Field(ge=1, le=100, description="Trainings one student may have waiting or running.")
    lang: Lang = Field(description="Language of the server's own messages.")
    lessons: tuple[Path, ...] = Field((), description="Folders of extra lessons, for every session.")
