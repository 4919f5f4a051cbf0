"""Lessons: Markdown files with YAML front matter and structured blocks, loaded and validated."""

from tutor.lessons.load import BUILTIN, check, load_lessons, search_path
from tutor.lessons.model import TOPICS, Course, Experiment, Lesson, Predict, Quiz, Step, Sweep, WhatIf
from tutor.lessons.render import list_json, render

__all__ = [
    "BUILTIN", "TOPICS", "Course", "Experiment", "Lesson", "Predict", "Quiz", "Step",
    "Sweep", "WhatIf", "check", "list_json", "load_lessons", "render", "search_path",
]
