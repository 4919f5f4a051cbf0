"""Held-out scenarios (heldout.jsonl): what the public evaluation does not cover (other data sets,
deeper, wider and narrower networks, sgd with and without momentum, weight decay, tanh and sigmoid,
batch 1 and full batch, tiny and large data, noisy data, healthy runs), scored as
../shared/eval/score.py scores the public ones, in one process:

    python tests/diagnose/heldout.py diagnoses|advice [NAME…]
    python tests/diagnose/heldout.py signals [NAME…]   # (re)write their heldout_signals.jsonl rows, for the fast tests

`diagnoses`: a case is right when its codes include one of `any` and none of `none` (no codes: healthy).
`advice`: the first suggestion of the top non-healthy diagnosis, followed, must remove that code and
lose at most a point of best validation accuracy; cases without a suggestion are skipped. A suggestion
proven by a trial is judged by that trial's run (the same config and seed: the same run), an untested
one is trained here.
"""

import json
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from tutor.cli.flags import config_from
from tutor.cli.main import build_parser
from tutor.config import ExperimentConfig
from tutor.diagnose import explain
from tutor.diagnose.signals import Signals, signals_of
from tutor.diagnose.verify import advise, best_val_acc
from tutor.engine import RunResult
from tutor.engine.training import train

HERE = Path(__file__).resolve().parent
SCENARIOS, SIGNALS = HERE / "heldout.jsonl", HERE / "heldout_signals.jsonl"


def scenarios() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SCENARIOS.read_text().splitlines() if line.strip()]


def stored_signals() -> dict[str, Signals]:
    """Each scenario's signals as last written by `signals`."""
    rows = [json.loads(line) for line in SIGNALS.read_text().splitlines() if line.strip()]
    return {row["name"]: Signals(**row["signals"]) for row in rows}


def config_of(case: dict[str, Any]) -> ExperimentConfig:
    return config_from(build_parser().parse_args(["run", *shlex.split(case["args"])]), "en")


def right(case: dict[str, Any], codes: set[str]) -> bool:
    codes = codes or {"healthy"}
    return bool(codes & set(case["any"])) and not codes & set(case["none"])


def followed(run: RunResult) -> tuple[bool, str] | None:
    """Whether following the top suggestion removed the problem, and what happened; None: no suggestion."""
    top = [d for d in advise(run, "en") if d.code != "healthy" and d.suggestion]
    if not top:
        return None
    d = top[0]
    if d.verified is not None:
        codes, acc = set(d.verified.codes), d.verified.best_val_acc or 0.0
    else:
        again = train(run.config.changed(**d.suggestion))
        codes, acc = {x.code for x in explain(again, "en")}, best_val_acc(again)
    good = d.code not in codes and acc >= best_val_acc(run) - 0.01
    proof = "tried" if d.verified else "untested"
    before = best_val_acc(run)
    return good, f"{d.code} -> {d.suggestion} ({proof}): best val acc {before:.3f} -> {acc:.3f}, then {sorted(codes)}"


def main(what: str, names: list[str]) -> int:
    cases = [c for c in scenarios() if not names or c["name"] in names]
    t0, ok, n = time.time(), 0, 0
    rows = {k: v.model_dump(mode="json") for k, v in stored_signals().items()} if SIGNALS.exists() else {}
    for case in cases:
        run = train(config_of(case))
        if what == "signals":
            rows[case["name"]] = signals_of(run).model_dump(mode="json")
            continue
        if what == "diagnoses":
            codes = {d.code for d in explain(run, "en")}
            good, detail = right(case, codes), f"got {sorted(codes)}, want one of {case['any']}, none of {case['none']}"
        else:
            result = followed(run)
            if result is None:
                continue
            good, detail = result
        n, ok = n + 1, ok + good
        print(f"{'ok  ' if good else 'MISS'} {case['name']!r}: {detail}", flush=True)
    if what == "signals":
        SIGNALS.write_text("".join(json.dumps({"name": c["name"], "signals": rows[c["name"]]}) + "\n"
                                   for c in scenarios() if c["name"] in rows))
        return 0
    print(f"{what} accuracy {ok}/{n} = {ok / max(n, 1):.2f} in {time.time() - t0:.0f}s")
    return 0 if n and ok == n else 1


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("diagnoses", "advice", "signals"):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
