"""The lesson loader: one `file:line:` error per bad file, the rest still load; notes load as text."""

from pathlib import Path

import pytest

from tutor.lessons import Experiment, Predict, Quiz, Sweep, WhatIf, check, load_lessons, render
from tutor.lessons.load import slug
from tutor.settings import Settings

SAMPLES = Path(__file__).parent / "samples"
COURSE = Path(__file__).resolve().parents[2].parent / "shared" / "course"

# sample file -> (line of the error, words the message must contain)
BAD = {
    "bad-yaml.md": (12, "bad YAML in experiment block"),
    "unknown-block.md": (9, "unknown block kind 'exercise'"),
    "wrong-type.md": (11, "lr: Input should be a valid number"),
    "unknown-field.md": (11, "unknown config field 'learning_rate'"),
    "missing-id.md": (1, "missing id"),
    "duplicate-id.md": (3, "duplicate id 'sample-good'"),
    "broken-link.md": (11, "broken link [[una lección que no existe]]"),
}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def lesson(body: str, front: str = "id: x\ntitle: X\ntopics: [lr]\n") -> str:
    return f"---\n{front}---\n\n## Paso\n\n{body}"


@pytest.fixture(scope="module")
def samples():
    return load_lessons([SAMPLES], search=False)


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_sample_gives_one_located_error(samples, name):
    line, words = BAD[name]
    found = [e for e in samples.errors if e.startswith(f"{SAMPLES / name}:")]
    assert len(found) == 1, found
    assert found[0].startswith(f"{SAMPLES / name}:{line}: ")
    assert words in found[0]
    assert "\n" not in found[0]


def test_bad_samples_are_skipped_and_good_ones_load(samples):
    assert len(samples.errors) == len(BAD)
    assert sorted(x.id for x in samples.lessons) == ["note", "sample-good"]
    good = samples.get("sample-good")
    assert good.path.name == "00-good.md"
    assert [type(b) for b in good.steps[0].blocks] == [Predict, Experiment, Quiz, WhatIf]
    assert [type(b) for b in good.steps[1].blocks] == [Predict, Sweep]


def test_check_reports_the_folder_errors(samples):
    assert check(SAMPLES) == list(samples.errors)
    assert check(SAMPLES / "missing") == [f"{SAMPLES / 'missing'}: no such folder"]


def test_predict_resolves_its_experiment(samples):
    good = samples.get("sample-good")
    experiment = good.steps[0].blocks[1]
    assert good.steps[0].blocks[0].experiment is experiment  # the step's only experiment
    assert good.steps[1].blocks[0].experiment is experiment  # by name, from another step
    assert good.steps[0].blocks[0].right(["diverged", "dead_relu"]) == (0,)
    assert good.steps[0].blocks[0].right(["underfitting"]) == ()


def test_a_note_without_blocks_loads_with_warnings(samples):
    note = samples.get("note")
    assert note.reading_only and note.title == "Una nota de clase" and note.lang == "es"
    assert "```exercise" in note.steps[0].text  # unknown fences in a note are just code
    assert samples.warnings == (f"{SAMPLES / 'note.md'}:3: broken link [[otra nota que no está aquí]]: "
                                "no lesson has that id or title",)


def test_blocks_render_as_commands_and_questions(samples):
    text = render(samples.get("sample-good"))
    assert "$ tutor run --dataset moons --samples 200 --hidden 8 --optimizer sgd \\\n      --lr 50 --epochs 3" in text
    assert "--random 4 \\\n      --space lr=log:0.0001:1 --space batch_size=choice:16,32" in text
    assert "a) Diverge" in text and "1. ¿y si el learning rate fuera 0.1?" in text
    assert "print(" in text and "[[" not in text


@pytest.mark.parametrize(("body", "line", "words"), [
    ("```predict\nquestion: q\nchoices:\n  - {text: a, codes: [healthy]}\n  - {text: b, codes: [diverged]}\n```\n",
     9, "no experiment in this step"),
    ("```predict\nquestion: q\nexperiment: nope\nchoices: []\n```\n", 11, "no experiment named 'nope'"),
    ("```experiment\nexpect: {any: [healthy]}\n```\n\n```predict\nquestion: q\nchoices:\n"
     "  - {text: a, codes: [diverged]}\n  - {text: b, codes: [lr_too_low]}\n```\n",
     13, "expected code healthy is in no choice"),
    ("```quiz\nquestion: q\nchoices:\n  - {text: a, feedback: f}\n  - {text: b, feedback: f}\n```\n",
     9, "exactly one with correct: true"),
    ("```sweep\nmethod: random\nspace: {lr: 'log:0:1'}\ntrials: 3\n```\n", 11, "expected log:LO:HI"),
    ("```sweep\nmethod: grid\ngrid: {lr: [0.1, -1]}\n```\n", 11, "--lr -1"),
    ("```sweep\nmethod: grid\nbase: {lr: 0.1, layers: 3}\ngrid: {lr: [0.1]}\n```\n", 11,
     "unknown config field 'layers'"),
    ("```sweep\nmethod: random\nspace: {lr: 'int:1:5'}\ntrials: 3\n```\n", 11, "expected log:LO:HI or float:LO:HI"),
    ("```sweep\nmethod: bayes\nspace: {width: 'int:0:64'}\ntrials: 3\n```\n", 11, "width 0: must be a whole number"),
    ("```sweep\nmethod: bayes\nspace: {device: 'choice:CPU'}\ntrials: 3\n```\n", 11, "unknown config field 'device'"),
    ("```sweep\nmethod: grid\ngrid: {lr: [0.1]}\ntrials: 3\n```\n", 9, "takes neither space: nor trials:"),
    ("```whatif\nquestion: q\n```\n", 9, "must be a YAML list"),
    ("```experiment\nexpect: {any: [healthy, sick]}\n```\n", 10, "expect.any[1]"),
    ("```experiment\nexpect: {any: [healthy]}\n", 9, "never closed"),
])
def test_block_problems_point_at_their_line(tmp_path, body, line, words):
    write(tmp_path, "x.md", lesson(body))
    course = load_lessons([tmp_path], search=False)
    assert course.lessons == ()
    assert len(course.errors) == 1 and course.errors[0].startswith(f"{tmp_path / 'x.md'}:{line}: "), course.errors
    assert words in course.errors[0]


@pytest.mark.parametrize(("front", "line", "words"), [
    ("id: x\ntitle: X\ntopics: [lr, speed]\n", 4, "front matter: topics[1]"),
    ("id: X Y\ntitle: X\ntopics: [lr]\n", 2, "front matter: id"),
    ("id: x\ntitle: X\ntopics: [lr]\nprerequisite: [y]\n", 5, "did you mean prerequisites?"),
    ("id: x\ntitle: X\ntopics: [lr]\nprerequisites: [y]\n", 5, "unknown prerequisite 'y'"),
    ("id: x\ntitle: X\n", 1, "missing topics"),
    ("id: x\ntitle: [X\n", 3, "bad YAML in front matter"),
])
def test_front_matter_problems_point_at_their_line(tmp_path, front, line, words):
    write(tmp_path, "x.md", lesson("```whatif\n- ¿y si?\n```\n", front))
    errors = load_lessons([tmp_path], search=False).errors
    assert len(errors) == 1 and errors[0].startswith(f"{tmp_path / 'x.md'}:{line}: "), errors
    assert words in errors[0]


def test_lang_comes_from_front_matter_then_folder(tmp_path):
    write(tmp_path, "en/a.md", "# A\n")
    write(tmp_path, "es/b.md", "---\nlang: EN\n---\n# B\n")
    write(tmp_path, "en/c.md", lesson("text\n", "id: c\nlang: es\ntitle: C\ntopics: [lr]\n"))
    course = load_lessons([tmp_path], search=False)
    assert {(x.id, x.lang) for x in course.lessons} == {("a", "en"), ("b", "en")}
    assert course.errors == (f"{tmp_path / 'en' / 'c.md'}:3: lang: es, but the file is in the folder en/",)


def test_a_note_keeps_a_valid_id_and_warns_about_a_bad_one(tmp_path):
    write(tmp_path, "kept.md", "---\nid: mi-nota\ntags: []\n---\n# Nota\n")
    write(tmp_path, "zettel.md", "---\nid: 202403311729\n---\n# Zettel\n")
    course = load_lessons([tmp_path], search=False)
    assert course.errors == ()
    assert sorted(x.id for x in course.lessons) == ["mi-nota", "zettel"]
    assert course.warnings == (f"{tmp_path / 'zettel.md'}:2: front matter: id: Input should be a valid string "
                               "(got 202403311729)",)


def test_the_settings_lessons_load_and_readmes_are_skipped(tmp_path, monkeypatch):
    write(tmp_path, "extra/mine.md", "# Mía\n\nUna nota.\n")
    write(tmp_path, "extra/README.md", "# Léeme\n")
    write(tmp_path, "extra/.hidden/x.md", "# Oculta\n")
    monkeypatch.setenv("TUTOR_LESSONS", str(tmp_path / "extra"))
    course = load_lessons(Settings.from_env().lessons)
    assert course.errors == ()
    assert course.get("mine").title == "Mía"
    assert course.get("readme") is None and course.get("x") is None
    assert course.get("training", "en").lang == "en"


def test_a_lesson_links_by_id_title_or_file_name(tmp_path):
    write(tmp_path, "01-first.md", lesson("```whatif\n- q\n```\n", "id: first\ntitle: La Primera\ntopics: [lr]\n"))
    links = "[[first]] [[la  primera]] [[01-first]] [[La Primera#paso|alias]] [[first-lesson-that-is-not]]"
    write(tmp_path, "02-second.md", lesson(f"{links}\n\n```whatif\n- q\n```\n", "id: second\ntitle: S\ntopics: [lr]\n"))
    errors = load_lessons([tmp_path], search=False).errors
    assert len(errors) == 1 and "[[first-lesson-that-is-not]]" in errors[0]


def test_an_unreadable_file_is_an_error_not_a_crash(tmp_path):
    (tmp_path / "bad.md").write_bytes(b"# T\n\xff\xfe\n")
    write(tmp_path, "ok.md", "# Ok\n")
    course = load_lessons([tmp_path], search=False)
    assert [x.id for x in course.lessons] == ["ok"]
    assert course.errors[0].startswith(f"{tmp_path / 'bad.md'}:1: cannot read the file")


def test_sweeps_search_shapes_and_layer_widths(tmp_path):
    space = "{width: 'int:8:64', layers: 'choice:1,2', hidden: 'choice:16-16,32', noise: 'float:0:0.5'}"
    write(tmp_path, "x.md", lesson(f"```sweep\nmethod: bayes\nspace: {space}\ntrials: 5\n```\n"
                                   "```sweep\nmethod: grid\ngrid: {hidden: [[16, 16], [32]], lr: [0.1, 1]}\n```\n"))
    course = load_lessons([tmp_path], search=False)
    bayes, grid = course.lessons[0].blocks()
    assert bayes.n_trials == 5 and grid.n_trials == 4
    assert "--grid hidden=16-16,32 --grid lr=0.1,1" in render(course.lessons[0])


def test_slug_makes_ids_from_names():
    assert slug("Épocas y más") == "epocas-y-mas"
    assert slug("clase-2025-09-23-hiperparametros") == "clase-2025-09-23-hiperparametros"


def test_grading_helpers():
    quiz = Quiz(question="q", answer=15, tolerance=0.5)
    assert quiz.grade(15.4) and not quiz.grade(16)
    answers = [{"text": "a", "feedback": "f"}, {"text": "b", "feedback": "f", "correct": True}]
    choice = Quiz(question="q", choices=answers)
    assert choice.grade(1) and not choice.grade(0) and not choice.grade(5)
    experiment = Experiment.model_validate({"lr": 5, "expect": {"any": ["dead_relu", "diverged"], "none": ["healthy"]}})
    assert experiment.config.lr == 5
    assert experiment.expect.met_by(["dead_relu", "underfitting"])
    assert not experiment.expect.met_by(["dead_relu", "healthy"]) and not experiment.expect.met_by(["underfitting"])


@pytest.mark.skipif(not COURSE.is_dir(), reason="the shared course notes are not here")
def test_the_course_notes_load_unchanged_as_reading_only_lessons():
    course = load_lessons([COURSE], search=False)
    assert course.errors == ()
    by_id = {x.id: x for x in course.lessons}
    assert set(by_id) == {"clase-2025-09-23-hiperparametros", "entrenamiento-y-ajuste-de-hiperparametros"}
    assert all(x.reading_only and x.lang == "es" for x in course.lessons)

    clase = by_id["clase-2025-09-23-hiperparametros"]
    assert clase.title == "2025-09-23"
    assert [s.title for s in clase.steps] == [
        "Introducción", "Hiperparámetros en Redes Neuronales", "Proceso de Entrenamiento",
        "Desafíos y Recursos", "Tareas Futuras",
    ]
    source = (COURSE / "clase-2025-09-23-hiperparametros.md").read_text(encoding="utf-8")
    assert all(s.text in source for s in clase.steps)

    note = by_id["entrenamiento-y-ajuste-de-hiperparametros"]
    assert note.title == "Entrenamiento y ajuste de hiperparámetros"
    assert len(note.steps) == 1 and note.steps[0].text.startswith("[[Estructura y funcionamiento")
    assert "lang: ES" not in note.steps[0].text  # the second front matter document is not text
    assert note.steps[0].text in (COURSE / "entrenamiento-y-ajuste-de-hiperparametros.md").read_text(encoding="utf-8")
    assert len(course.warnings) == 1 and "broken link [[Estructura y funcionamiento" in course.warnings[0]
