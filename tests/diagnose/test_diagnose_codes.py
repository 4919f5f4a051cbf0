"""The diagnosis codes have one home, `tutor.diagnose.rules.Code`: rules, catalogues and lessons name only those."""

from typing import Any

from tutor.diagnose.rules import CODES, HEALTHY, RULES, Code
from tutor.i18n import LANGS, catalogue
from tutor.lessons import load_lessons, model


def test_every_code_has_a_rule_and_every_rule_a_code():
    rules = (*RULES, HEALTHY)
    assert {r.code for r in rules} == set(CODES)
    assert {c for r in rules for c in r.suppressed_by} <= set(CODES)


def test_the_board_words_every_code_and_nothing_else():
    for lang in LANGS:
        worded = {key.removeprefix("teacher.diagnosis.") for key in catalogue(lang)
                  if key.startswith("teacher.diagnosis.")}
        assert worded == set(CODES), lang


def _codes(node: Any) -> set[str]:
    """Every code a lesson names: in an experiment's `expect` (any, none) and a prediction's choices."""
    if isinstance(node, dict):
        named = {c for key in ("any", "none", "codes") for c in node.get(key, ()) if isinstance(c, str)}
        return named.union(*(_codes(v) for v in node.values()))
    if isinstance(node, list | tuple):
        return set().union(*(_codes(v) for v in node))
    return set()


def test_lessons_expect_only_diagnosis_codes():
    assert model.Code is Code  # the lesson format validates against the diagnoses' own list
    course = load_lessons()
    named = set().union(*(_codes(lesson.model_dump()) for lesson in course.lessons))
    assert named and named <= set(CODES)
