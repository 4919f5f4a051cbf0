"""Where a YAML file goes wrong, for a message that names its line: a YAML error's line and cause, and the
line a validation error's location points at."""

from collections.abc import Iterable
from typing import Any

import yaml


def error_line(err: yaml.YAMLError, default: int, text: str = "") -> int:
    """The 1-based line a YAML error points at; a bad character, which has only a position in `text`,
    on the line that position falls on, counting from `default`."""
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    return mark.line + 1 if mark is not None else default + text.count("\n", 0, getattr(err, "position", 0))


def error_reason(err: yaml.YAMLError) -> str:
    """A YAML error's cause in one line, with where the construct it broke began."""
    reason = " ".join((getattr(err, "problem", None) or (str(err).splitlines() or ["?"])[0]).split())
    context, mark = getattr(err, "context", None), getattr(err, "context_mark", None)
    if context and mark is not None and getattr(err, "problem_mark", None) is not None:
        reason += f" ({context} at line {mark.line + 1})"
    return reason


def node_line(node: yaml.Node | None, loc: Iterable[Any], default: int) -> int:
    """The 1-based line of the key or item that a validation error's location points at.

    Location parts with no counterpart in the YAML (a model's inner names) are skipped.
    """
    line = default
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            pairs = (p for p in reversed(node.value) if isinstance(p[0], yaml.ScalarNode) and p[0].value == str(key))
            pair = next(pairs, None)
            if pair:
                node, line = pair[1], pair[0].start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
    return line
