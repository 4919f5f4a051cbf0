"""The teacher's view of a class: `tutor class` opens `ClassApp` on the shared store."""

from tutor.ui.teacher.app import ClassApp, run_class_app

__all__ = ["ClassApp", "run_class_app"]
