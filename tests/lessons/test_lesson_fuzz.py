"""Whatever a lesson file holds, the loader answers with lessons and error lines, never an exception."""

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.lessons import load_lessons

FRAGMENTS = st.sampled_from([
    "---\n", "id: x\n", "id: [\n", "lang: EN\n", "title: T\n", "topics: [lr]\n", "topics: 3\n",
    "prerequisites: [y]\n", "# T\n", "## Paso\n", "[[x]]\n", "[[|]]\n", "```experiment\n", "```predict\n",
    "```quiz\n", "```whatif\n", "```sweep\n", "```exercise\n", "```\n", "~~~\n", "lr: 5\n", "lr: -1\n",
    "hidden: [999999]\n", "expect: {any: [healthy]}\n", "expect: {any: [sick]}\n", "experiment: big\n",
    "name: big\n", "choices:\n", "  - {text: a, codes: [healthy]}\n", "  - {text: b, feedback: f, correct: true}\n",
    "question: q\n", "answer: 3\n", "method: grid\n", "grid: {lr: [1]}\n", "space: {lr: 'log:1:0'}\n",
    "trials: 2\n", "- ¿y si?\n", "- [1]\n", "? [a]\n: b\n", "&a x\n", "*a\n", "!!python/object:os.system x\n",
    "key: value\n", "\n", "\t", "\r\n", "\ufeff", ": :\n", "'\n",
])


def load(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "es").mkdir()
        Path(folder, "es", "lesson.md").write_text(text, encoding="utf-8", newline="")
        course = load_lessons([Path(folder)], search=False)
    assert len(course.lessons) + len(course.errors) >= 1
    assert all(e.startswith(f"{folder}/es/lesson.md:") and "\n" not in e for e in course.errors)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    load(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS, max_size=30).map("".join))
def test_lesson_like_text_never_raises(text):
    load(text)
