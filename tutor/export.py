"""Stored runs as rows to take away, one per epoch: JSON Lines (every field, nested as stored) or CSV
(flat: the run, the config's fields, then the epoch's; lists as JSON text). Also the one CSV dialect
switch of the project: `excel`, for spreadsheet programs in Spanish locales."""

import csv
import datetime
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from tutor.store import StoredRun

FORMATS = ("csv", "jsonl")


def csv_writer(out: TextIO, excel: bool = False) -> Any:
    """A csv.writer; `excel`: fields separated by ';', as spreadsheets expect where ',' is the decimal mark."""
    return csv.writer(out, delimiter=";" if excel else ",")


def decimal(x: float, digits: int, excel: bool = False) -> str:
    """`x` with `digits` decimals; with a decimal comma for `excel`."""
    text = f"{x:.{digits}f}"
    return text.replace(".", ",") if excel else text


def epoch_rows(runs: Iterable[StoredRun]) -> Iterator[dict[str, Any]]:
    """A row per epoch of each run: the run's id, owner, time (ISO 8601, UTC) and status, its config, and
    the epoch's history row exactly as stored."""
    for run in runs:
        created = datetime.datetime.fromtimestamp(run.created, datetime.UTC).isoformat(timespec="seconds")
        for epoch in run.result["history"]:
            yield {"run": run.id, "student": run.student, "created": created, "status": run.status,
                   "config": run.result["config"], **epoch}


def write_jsonl(runs: Iterable[StoredRun], out: TextIO) -> None:
    for row in epoch_rows(runs):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_csv(runs: Iterable[StoredRun], out: TextIO) -> None:
    """One flat row per epoch, with a header; a missing number is an empty cell."""
    writer = csv_writer(out)
    header: list[str] | None = None
    for row in epoch_rows(runs):
        run = {k: row.pop(k) for k in ("run", "student", "created", "status")}
        flat = {k: _cell(v) for k, v in {**run, **row.pop("config"), **row}.items()}
        if header is None:
            header = list(flat)
            writer.writerow(header)
        writer.writerow([flat.get(k, "") for k in header])


def _cell(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, (list, dict)) else "" if value is None else value
