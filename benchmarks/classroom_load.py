"""A class on one server: N students connect over SSH at once, wait for their first screen, ask one
what-if each and read the answer. Run by hand:

    python benchmarks/classroom_load.py [--students 30] [--stagger 0] [--json]

`tutor serve` runs as a subprocess on a loopback port with a fresh data folder; each student is an
asyncssh client on an 80×24 terminal. "First screen" is the first lesson's title arriving, "answer"
the finished run's line of the run panel. The clients search the bytes they receive rather than
emulate a screen (`--emulate` to emulate one, as the tests do): on one small machine the clients'
CPU is taken from the server, and the report gives both.
Each student asks for a different learning rate: one network (verified advice tries its fixes on the same
shape), captured beforehand, as the server's background warm-up does first (the server's warm-up then
goes on with the course's other shapes, at nice 19).
Reports connect→first screen and ask→answer p50/p95, the server's memory (RSS and PSS, the whole
process tree, and per session) and the failures, and the floor that password hashing alone sets
on the last first screen when everyone logs in at once: every password check (timed here, once) shared by the
cores.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "classroom"))
from remote import PASSWORD, Server, Terminal  # noqa: E402  (the tests' SSH terminal, shared)

from tutor.classroom.roster import check_password, hash_password  # noqa: E402
from tutor.config import make_config  # noqa: E402
from tutor.dialogue.warmup import course_shapes  # noqa: E402
from tutor.engine.training import prepare  # noqa: E402
from tutor.lessons import load_lessons  # noqa: E402

FIRST_SCREEN = "Qué es entrenar una red"
ANSWER = r"épocas en [\d.]+ s"  # the run panel's last line once the run has ended


def tree(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                todo += map(int, Path(f"/proc/{p}/task/{task}/children").read_text().split())
        except OSError:
            pass
    return out


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process tree's live members."""
    total = 0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in KiB of a process tree."""
    rss = pss = 0
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


async def student(port: int, name: str, lr: float, delay: float, emulate: bool) -> dict:
    await asyncio.sleep(delay)
    start = time.perf_counter()
    try:
        term = await Terminal(80, 24, emulate).connect(port, name)
        await term.wait_for(FIRST_SCREEN, 120)
        first = time.perf_counter() - start
        asked = time.perf_counter()
        term.type(f"¿y si el learning rate fuera {lr:g}?\r")
        await term.wait_for(ANSWER, 300)
        answer = time.perf_counter() - asked
        return {"name": name, "first": first, "answer": answer, "term": term}
    except Exception as err:  # a failure is a result here, reported with its cause
        return {"name": name, "error": f"{type(err).__name__}: {str(err)[:300]}"}


def hashing_floor(n: int) -> float:
    """Seconds the last of `n` password logins waits at least: n password checks' CPU on all the cores."""
    hashed = hash_password(PASSWORD)
    start = time.process_time()
    check_password(PASSWORD, hashed)
    return n * (time.process_time() - start) / (os.cpu_count() or 1)


def pct(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100, method="inclusive")[q - 1] if len(xs) > 1 else (xs or [float("nan")])[0]


async def main(n: int, stagger: float, emulate: bool) -> dict:
    for batch in course_shapes(load_lessons()):  # the default network's captures, kept in the JIT cache
        if batch[0] == make_config({}, "es"):
            prepare(batch)
    with tempfile.TemporaryDirectory() as folder:
        names = [f"s{i:02d}" for i in range(n)]
        with Server(Path(folder), names) as server:
            idle_rss, idle_pss = memory_kb(server.process.pid)
            server_cpu, client_cpu = cpu_seconds(server.process.pid), time.process_time()
            lrs = [10 ** (-3 + 4 * i / max(n - 1, 1)) for i in range(n)]
            results = await asyncio.gather(*(student(server.port, s, lr, i * stagger, emulate)
                                             for i, (s, lr) in enumerate(zip(names, lrs))))
            rss, pss = memory_kb(server.process.pid)
            server_cpu, client_cpu = cpu_seconds(server.process.pid) - server_cpu, time.process_time() - client_cpu
            for r in results:
                if "term" in r:
                    await r.pop("term").close()
    ok = [r for r in results if "error" not in r]
    firsts, answers = [r["first"] for r in ok], [r["answer"] for r in ok]
    return {
        "students": n, "stagger_s": stagger, "cores": os.cpu_count(), "failed": n - len(ok),
        "cpu_s": {"server": round(server_cpu, 1), "clients": round(client_cpu, 1)},
        "failures": [r for r in results if "error" in r][:3],
        "first_screen_s": {"p50": round(pct(firsts, 50), 2), "p95": round(pct(firsts, 95), 2),
                           "max": round(max(firsts, default=0), 2), "hashing_floor": round(hashing_floor(n), 2)},
        "answer_s": {"p50": round(pct(answers, 50), 2), "p95": round(pct(answers, 95), 2),
                     "max": round(max(answers, default=0), 2)},
        "memory_mib": {"idle_rss": idle_rss // 1024, "idle_pss": idle_pss // 1024,
                       "rss": rss // 1024, "pss": pss // 1024,
                       "per_session_rss": round((rss - idle_rss) / 1024 / max(len(ok), 1), 1),
                       "per_session_pss": round((pss - idle_pss) / 1024 / max(len(ok), 1), 1)},
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--stagger", type=float, default=0.0, help="seconds between one student's connect and the next")
    parser.add_argument("--emulate", action="store_true", help="clients emulate a VT100 screen (costs their CPU)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = asyncio.run(main(args.students, args.stagger, args.emulate))
    if args.json:
        print(json.dumps(report))
    else:
        f, a, m = report["first_screen_s"], report["answer_s"], report["memory_mib"]
        print(f"{report['students']} students on {report['cores']} cores, stagger {report['stagger_s']} s: "
              f"{report['failed']} failed")
        print(f"connect -> first screen  p50 {f['p50']} s  p95 {f['p95']} s  max {f['max']} s   (target p95 <= 5 s; "
              f"hashing {report['students']} passwords at once takes {f['hashing_floor']} s)")
        print(f"ask -> answer            p50 {a['p50']} s  p95 {a['p95']} s  max {a['max']} s   (target p95 <= 2 s)")
        print(f"server memory: idle RSS {m['idle_rss']} MiB; with everyone RSS {m['rss']} MiB, PSS {m['pss']} MiB; "
              f"per session RSS {m['per_session_rss']} MiB, PSS {m['per_session_pss']} MiB")
        print(f"CPU during the test: server (all its processes) {report['cpu_s']['server']} s, "
              f"clients {report['cpu_s']['clients']} s")
        for failure in report["failures"]:
            print("failure:", failure)
