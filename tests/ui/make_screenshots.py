"""Write SVG screenshots of the main screens, and of the teacher's class view over a small class of
real runs, to assets/screenshots/ (run by hand, from the repository root):

    python tests/ui/make_screenshots.py
"""

import asyncio
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
os.environ["TUTOR_HOME"] = tempfile.mkdtemp(prefix="tutor-shots-")

from pilot_tools import say  # noqa: E402

from tutor.classroom.exercise import Exercise, set_exercise  # noqa: E402
from tutor.config import make_config  # noqa: E402
from tutor.diagnose import explain  # noqa: E402
from tutor.engine.training import train  # noqa: E402
from tutor.i18n import Lang  # noqa: E402
from tutor.lessons import load_lessons  # noqa: E402
from tutor.store import Store  # noqa: E402
from tutor.ui.app import TutorApp  # noqa: E402
from tutor.ui.teacher import ClassApp  # noqa: E402

OUT = Path(__file__).parents[2] / "assets" / "screenshots"
ASK = {"en": ("what if the learning rate were 50?", "divide the learning rate by 100", "compare"),
       "es": ("¿y si la tasa de aprendizaje fuera 50?", "divide la tasa de aprendizaje entre 100", "compara")}


async def shoot(lang: Lang, size: tuple[int, int]) -> None:
    tag = f"{lang}-{size[0]}x{size[1]}"
    app = TutorApp(Store(Path(os.environ["TUTOR_HOME"]) / f"{tag}.db"), "demo", lang)
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.2)
        app.save_screenshot(f"{tag}-lesson.svg", str(OUT))
        diverge, fix, compare = ASK[lang]
        await say(pilot, diverge)
        await pilot.pause(0.2)
        app.save_screenshot(f"{tag}-run.svg", str(OUT))
        await say(pilot, fix)
        await say(pilot, compare)
        await pilot.pause(0.2)
        app.save_screenshot(f"{tag}-conversation.svg", str(OUT))
        await pilot.press("f3", "space", "up", "space")
        await pilot.pause(0.2)
        app.save_screenshot(f"{tag}-runs.svg", str(OUT))
        await pilot.press("escape", "f1")
        await pilot.pause(0.2)
        app.save_screenshot(f"{tag}-help.svg", str(OUT))
        await pilot.press("escape", "ctrl+q")


CLASS = {"ana": [{"lr": 10}, {"lr": 1}], "ben": [{"lr": 20}], "carla": [{"lr": 0.01, "hidden": [8]}],
         "dario": [{"lr": 1e-5}], "eva": [{"lr": 0.01, "epochs": 200, "samples": 100}], "hugo": [{"lr": 50}]}
STUCK = ("gabi", "ines")  # on the first quiz of the batch lesson


def a_class(path: Path) -> Store:
    """A store with a few students' real runs, someone connected, someone stuck on a quiz, and a class exercise."""
    store = Store(path)
    for student, runs in CLASS.items():
        for values in runs:
            result = train(make_config(values, "en"))
            store.add_run(student, result, [d.model_dump(mode="json") for d in explain(result, "en")])
        store.set_state(student, "dialogue", {"lesson": "learning-rate", "step": len(runs), "lang": "es"})
    for student in STUCK:
        store.set_state(student, "dialogue", {"lesson": "batch-size", "step": 0, "lang": "es"})
        for answer in ("480", "19"):
            store.record(student, "batch-size", 0, "quiz", answer, False)
    store.open_session("ana")
    store.open_session("carla")
    set_exercise(store, Exercise(title="moons", threshold=0.85))
    return store


async def shoot_class(store: Store, lang: Lang, size: tuple[int, int]) -> None:
    app = ClassApp(store, lang, load_lessons(), roster=[*CLASS, "fer"])
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.5)
        app.save_screenshot(f"{lang}-{size[0]}x{size[1]}-class.svg", str(OUT))


async def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for lang, size in (("en", (80, 24)), ("es", (80, 24)), ("en", (120, 40)), ("es", (120, 40))):
        await shoot(lang, size)
    store = a_class(Path(os.environ["TUTOR_HOME"]) / "class.db")
    for lang, size in (("en", (80, 24)), ("es", (80, 24)), ("en", (120, 40))):
        await shoot_class(store, lang, size)
    print("\n".join(sorted(p.name for p in OUT.glob("*.svg"))))


if __name__ == "__main__":
    asyncio.run(main())
