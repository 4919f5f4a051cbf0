"""The core imports without the shells: each core module, imported alone in a process of its own, loads
neither Textual nor asyncssh, and only the modules that train load tinygrad. Every message exists in
both languages."""

import json
import re
import subprocess
import sys
from pathlib import Path

import tutor
from tutor.i18n import catalogue

SOURCE = Path(tutor.__file__).parent
SHELLS = ("ui", "cli", "serve", "__main__")
SHELL_ONLY = {"textual", "asyncssh"}
# The modules that train (and those that drive them); every other core module only names the run's types.
TRAINS = {"tutor.engine.device", "tutor.engine.gate", "tutor.engine.jitcache", "tutor.engine.kernelopts",
          "tutor.engine.model", "tutor.engine.optim", "tutor.engine.program", "tutor.engine.training",
          "tutor.tune.lrfind", "tutor.tune.sweep", "tutor.tune.study", "tutor.dialogue.tutor", "tutor.diagnose.verify"}

# One parent loads the libraries every module shares, then forks one child per module: each child imports
# its module alone, so what leaks is that module's doing, at the cost of a fork instead of a fresh Python.
# A first model makes pydantic load the rest of itself (40% of the children's time otherwise).
PROBE = """
import json, os, sys
import numpy, platformdirs, pydantic, yaml
class First(pydantic.BaseModel):
    field: int = pydantic.Field(0, description="")
for module, forbidden in json.loads(sys.argv[1]).items():
    read, write = os.pipe()
    if os.fork() == 0:
        try:
            __import__(module)
            os.write(write, json.dumps(sorted(set(forbidden) & set(sys.modules))).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        print(json.dumps([module, json.loads(answer.read() or "null")]))
    os.wait()
"""


def core_modules() -> list[str]:
    modules = []
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        if len(parts) == 1 or parts[1] not in SHELLS:
            modules.append(".".join(parts))
    return modules


def test_each_core_module_imports_without_the_shells():
    modules = core_modules()
    assert {"tutor.engine.result", "tutor.classroom.board", "tutor.diagnose.explain"} <= set(modules)
    assert not any(m.startswith(("tutor.ui", "tutor.cli", "tutor.serve")) for m in modules)
    forbidden = {m: sorted(SHELL_ONLY | ({"tinygrad"} if m not in TRAINS else set())) for m in modules}
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(forbidden)], capture_output=True, text=True,
                         check=True).stdout
    found = dict(json.loads(line) for line in out.splitlines())
    assert set(found) == set(modules)
    failed = [m for m, leaked in found.items() if leaked is None]
    assert not failed, f"these modules fail to import alone: {failed}"
    leaked = {m: names for m, names in found.items() if names}
    assert not leaked, "\n".join(f"{m} loads {', '.join(names)}" for m, names in leaked.items())


def test_catalogues_have_the_same_keys_and_placeholders():
    es, en = catalogue("es"), catalogue("en")
    assert set(es) == set(en)
    for key in es:
        assert set(re.findall(r"{(\w+)", es[key])) == set(re.findall(r"{(\w+)", en[key])), key
