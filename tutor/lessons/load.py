"""Finding and validating lesson files; every problem becomes one line, `file:line: what is wrong`.

A file is a *lesson* when it holds a structured block (```experiment, ```predict, ```quiz, ```whatif,
```sweep) or its front matter lists `topics`; anything else is a *reading-only note*, loaded as
text, its id taken from the front matter or else the file name. Lessons are strict: a problem is an
error and the file is skipped. Notes are lenient (a teacher's knowledge base has keys, ids and links
of its own): problems in them are warnings and the note still loads.

A [[wikilink]] must name a loaded lesson or note by id, title or file name (any language); each id
in `prerequisites` must name a lesson in the same language.
"""

import difflib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from tutor.config import CONFIG_FIELDS
from tutor.errors import printable
from tutor.files import Unreadable, read_text, shown_path
from tutor.i18n import LANGS, Lang
from tutor.lessons.model import (
    TOPICS,
    Answer,
    Block,
    Course,
    Expect,
    Experiment,
    Lesson,
    Meta,
    Option,
    Predict,
    Prose,
    Quiz,
    Step,
    Sweep,
    WhatIf,
)
from tutor.lessons.parse import Document, Fence, Problem, Section, load_yaml, parse
from tutor.yamlerrors import error_line, error_reason, node_line

BUILTIN = Path(__file__).parent
MAX_BYTES = 64 * 2**20  # a lesson file larger than this is a mistake
MODELS: dict[str, type[BaseModel]] = {
    "experiment": Experiment, "predict": Predict, "quiz": Quiz, "whatif": WhatIf, "sweep": Sweep,
}
KINDS = tuple(MODELS)
# Info strings of ordinary code blocks a lesson may show as text.
PLAIN = ("", "text", "txt", "plain", "console", "shell", "sh", "bash", "python", "py", "yaml", "json", "math", "md")
_KEYS = sorted({*CONFIG_FIELDS, *(f for m in (*MODELS.values(), Option, Answer, Expect) for f in m.model_fields)})


@dataclass(frozen=True)
class Note:
    """A problem found: an error (the file is skipped) or a warning (it loads anyway)."""

    path: Path
    line: int | None
    message: str
    error: bool = True

    def __str__(self) -> str:
        where = shown_path(self.path)
        return printable(f"{where}:{self.line}: {self.message}" if self.line else f"{where}: {self.message}")


@dataclass(frozen=True)
class Draft:
    """A file that validated on its own, before the checks that need the other files."""

    lesson: Lesson
    structured: bool
    links: list[tuple[str, int]]
    meta_line: Callable[[tuple[Any, ...]], int]


def search_path(dirs: Iterable[Path] = ()) -> list[Path]:
    """Where lessons come from: the built-in folder, then `dirs` (the settings' lessons, then --lessons)."""
    return [BUILTIN, *dirs]


def load_lessons(dirs: Iterable[Path] = (), *, search: bool = True) -> Course:
    """The lessons of the search path plus `dirs` (only `dirs` if not `search`); bad files are skipped."""
    lessons, notes = _load(search_path(dirs) if search else list(dirs))
    errors = tuple(str(n) for n in notes if n.error)
    return Course(tuple(lessons), errors, tuple(str(n) for n in notes if not n.error))


def check(folder: Path) -> list[str]:
    """The errors of the files in `folder`, loaded beside the built-in lessons (for ids and links)."""
    _, notes = _load([BUILTIN, folder])
    root = _real(folder)
    return [str(n) for n in notes if n.error and _real(n.path).is_relative_to(root)]


def _real(path: Path) -> Path:
    """The path with its links followed as far as they go (a link loop stops, never raises)."""
    return Path(os.path.realpath(path))


def lesson_files(folder: Path) -> list[Path]:
    """The Markdown entries under `folder`, except README.md and hidden or `_`-prefixed paths: files,
    and whatever else is named like one (a dangling link, a FIFO), for `read_file` to report."""
    return sorted(
        p for p in folder.rglob("*.md")
        if not p.is_dir() and p.name.lower() != "readme.md"
        and not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts)
    )


def _load(dirs: list[Path]) -> tuple[list[Lesson], list[Note]]:
    notes: list[Note] = []
    drafts: list[Draft] = []
    seen: set[Path] = set()
    for folder in dirs:
        try:
            paths = lesson_files(folder) if folder.is_dir() else None
        except OSError as err:  # a name too long, a folder that cannot be listed
            notes.append(Note(folder, None, f"cannot read the folder: {err.strerror or err}"))
            continue
        if paths is None:
            notes.append(Note(folder, None, "no such folder"))
            continue
        for path in paths:
            if _real(path) not in seen:
                seen.add(_real(path))
                draft, found = read_file(path)
                notes += found
                drafts += [draft] if draft else []
    return _linked(_unique(drafts, notes), notes), notes


def _unique(drafts: list[Draft], notes: list[Note]) -> list[Draft]:
    first: dict[tuple[str, str], Draft] = {}
    for d in drafts:
        key = (d.lesson.id, d.lesson.lang)
        if key in first:
            message = f"duplicate id '{key[0]}' ({key[1]}): {first[key].lesson.path} has it too"
            notes.append(Note(d.lesson.path, d.meta_line(("id",)), message))
        else:
            first[key] = d
    return list(first.values())


def _linked(drafts: list[Draft], notes: list[Note]) -> list[Lesson]:
    names = {_norm(n) for d in drafts for n in (d.lesson.id, d.lesson.title, d.lesson.path.stem)}
    ids = {(d.lesson.id, d.lesson.lang) for d in drafts}
    kept = []
    for d in drafts:
        lesson = d.lesson
        found = [
            Note(lesson.path, line, f"broken link [[{target}]]: no lesson has that id or title", d.structured)
            for target, line in d.links if _norm(target) not in names and slug(target) not in names
        ]
        found += [
            Note(lesson.path, d.meta_line(("prerequisites", i)),
                 f"unknown prerequisite '{p}': no {lesson.lang} lesson has that id", d.structured)
            for i, p in enumerate(lesson.prerequisites) if (p, lesson.lang) not in ids
        ]
        notes += found
        kept += [] if any(n.error for n in found) else [lesson]
    return kept


def read_file(path: Path) -> tuple[Draft | None, list[Note]]:
    """One file as a draft lesson, or None and the reasons; never raises."""
    try:
        text = read_text(path, MAX_BYTES)
    except Unreadable as err:
        return None, [Note(path, 1, f"cannot read the file: {err.reason}")]
    if text is None:
        return None, [Note(path, 1, "cannot read the file: a link to nothing")]
    reader = _Reader(path)
    try:
        draft = reader.read(text)
    except Problem as p:
        reader.note(True, p.line, p.message)
    except Exception as err:  # noqa: BLE001 -- a bad file must never stop the others from loading
        reader.note(True, 1, f"cannot load the file ({type(err).__name__}: {err})")
    if any(n.error for n in reader.notes):
        return None, reader.notes
    return draft, reader.notes


class _Reader:
    """Validates one file, collecting its problems in `notes`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.notes: list[Note] = []
        self.meta_nodes: list[yaml.Node] = []

    def note(self, error: bool, line: int | None, message: str) -> None:
        self.notes.append(Note(self.path, line, message, error))

    def meta_line(self, loc: tuple[Any, ...]) -> int:
        """The line of a front matter key (the last document that has it), else 1."""
        for node in reversed(self.meta_nodes):
            if loc and any(isinstance(k, yaml.ScalarNode) and k.value == str(loc[0]) for k, _ in node.value):
                return node_line(node, loc, 1)
        return 1

    def read(self, text: str) -> Draft:
        doc = parse(text)
        nodes = (load_yaml(text, line, compose=True) for text, line in doc.meta_texts)
        self.meta_nodes = [n for n in nodes if isinstance(n, yaml.MappingNode)]
        fences = [p for s in doc.sections for p in s.parts if isinstance(p, Fence)]
        structured = "topics" in doc.meta or any(f.kind in KINDS for f in fences)
        meta = self.meta(doc.meta, structured)
        title = meta.title or doc.title
        if structured:
            self.require(doc.meta, title, fences)
        title = title or self.path.stem.replace("-", " ").replace("_", " ").strip() or self.path.stem
        intro, steps = self.steps(doc, structured, title)
        lesson = Lesson(
            id=meta.id or slug(self.path.stem) or "note", lang=self.lang(meta, structured), title=title,
            short=meta.short, topics=meta.topics, order=meta.order, concepts=meta.concepts,
            prerequisites=meta.prerequisites, intro=intro, steps=steps, path=self.path,
        )
        return Draft(lesson, structured, doc.links, self.meta_line)

    def meta(self, raw: dict[str, Any], structured: bool) -> Meta:
        for key in raw:
            close = difflib.get_close_matches(key, Meta.model_fields, 1, 0.8) if isinstance(key, str) else []
            if key not in Meta.model_fields and close:
                self.note(structured, self.meta_line((key,)), f"unknown key '{key}' (did you mean {close[0]}?)")
        try:
            return Meta.model_validate(raw)
        except ValidationError as err:
            for e in err.errors():
                self.note(structured, self.meta_line(e["loc"]), f"front matter: {describe(e)}")
            bad = {e["loc"][0] for e in err.errors() if e["loc"]}
            return Meta.model_validate({k: v for k, v in raw.items() if k not in bad})

    def require(self, raw: dict[str, Any], title: str | None, fences: list[Fence]) -> None:
        """What a lesson must have beyond a note (keys present but invalid are reported already)."""
        if raw.get("id") is None:
            self.note(True, self.meta_line(("id",)), "missing id: a lesson with blocks needs id: in its front matter")
        if title is None:
            self.note(True, 1, "missing title: add title: to the front matter or a # heading")
        if not raw.get("topics"):
            self.note(True, self.meta_line(("topics",)), f"missing topics: list some of {', '.join(TOPICS)}")
        for f in fences:
            if f.kind not in KINDS and f.kind not in PLAIN:
                self.note(True, f.line, f"unknown block kind '{f.kind}': blocks are {', '.join(KINDS)}")

    def lang(self, meta: Meta, structured: bool) -> Lang:
        folder = self.path.parent.name if self.path.parent.name in LANGS else None
        if structured and meta.lang and folder and meta.lang != folder:
            self.note(True, self.meta_line(("lang",)), f"lang: {meta.lang}, but the file is in the folder {folder}/")
        return meta.lang or folder or "es"

    def steps(self, doc: Document, structured: bool, title: str) -> tuple[str, tuple[Step, ...]]:
        """The intro (text before the first `##`) and the steps; a file without `##` is one step."""
        intro, sections = doc.sections[0], doc.sections[1:]
        if not sections:
            intro, sections = Section("", doc.body_line), [Section(title, intro.line, intro.parts)]
        blocks = self.blocks(sections) if structured else {}
        if structured and any(isinstance(p, Fence) and p.kind in KINDS for p in intro.parts):
            self.note(True, intro.line, "a block before the first ## step: move it into a step")
        steps = tuple(
            Step(title=s.title, line=s.line, items=tuple(i for p in s.parts if (i := _item(p, blocks))))
            for s in sections
        )
        return "\n\n".join(_prose(p).text for p in intro.parts), steps

    def blocks(self, sections: list[Section]) -> dict[int, Block | None]:
        """Each structured fence's block (None if invalid), keyed by the fence's line."""
        out: dict[int, Block | None] = {}
        named: dict[str, Experiment | None] = {}
        for fence in (p for s in sections for p in s.parts if isinstance(p, Fence) and p.kind in KINDS):
            if fence.kind != "predict":
                data = self.data(fence)
                out[fence.line] = block = self.validate(MODELS[fence.kind], data, fence)
                if fence.kind == "experiment" and isinstance(data, dict) and isinstance(data.get("name"), str):
                    if data["name"] in named:
                        self.note(True, fence.line, f"two experiments named '{data['name']}'")
                    named[data["name"]] = block  # type: ignore[assignment]
        for section in sections:
            own = [out.get(p.line) for p in section.parts if isinstance(p, Fence) and p.kind == "experiment"]
            for fence in (p for p in section.parts if isinstance(p, Fence) and p.kind == "predict"):
                out[fence.line] = self.predict(fence, own, named)
        return out

    def predict(self, fence: Fence, own: list[Experiment | None], named: dict[str, Experiment | None]) -> Block | None:
        """A predict block, its experiment resolved: inline, by name, or the step's only one."""
        data = self.data(fence)
        if not isinstance(data, dict):
            return None
        ref = data.get("experiment")
        if ref is None or isinstance(ref, str):
            if ref is None and len(own) != 1:
                why = "no experiment in this step" if not own else f"{len(own)} experiments in this step"
                self.note(True, node_line(self.node(fence), ("experiment",), fence.line),
                          f"predict block: {why}; name one with experiment: or write it inline")
                return None
            if ref is not None and ref not in named:
                self.note(True, node_line(self.node(fence), ("experiment",), fence.line),
                          f"predict block: no experiment named '{ref}' in this lesson")
                return None
            target = own[0] if ref is None else named[ref]
            if target is None:  # that experiment is invalid, which is already reported
                return None
            data = {**data, "experiment": target}
        return self.validate(Predict, data, fence)

    def data(self, fence: Fence) -> Any:
        """The YAML of a block, shaped for its model; None (and a note) if malformed."""
        if not fence.closed:
            self.note(True, fence.line, f"{fence.kind} block is never closed: add a line with ```")
            return None
        try:
            data = fence.yaml()
        except yaml.YAMLError as err:
            self.note(True, error_line(err, fence.line), f"bad YAML in {fence.kind} block: {error_reason(err)}")
            return None
        if fence.kind == "whatif":
            if isinstance(data, list):
                return {"questions": data}
            self.note(True, fence.line, "whatif block must be a YAML list of questions")
        elif isinstance(data, dict):
            return data
        else:
            self.note(True, fence.line, f"{fence.kind} block must be a YAML mapping of keys to values")
        return None

    def validate(self, model: type[BaseModel], data: Any, fence: Fence) -> Any:
        if data is None:
            return None
        try:
            return model.model_validate(data)
        except ValidationError as err:
            node = self.node(fence)
            for e in err.errors():
                self.note(True, node_line(node, e["loc"], fence.line), f"{fence.kind} block: {describe(e)}")
            return None

    @staticmethod
    def node(fence: Fence) -> yaml.Node | None:
        try:
            return fence.yaml(compose=True)
        except yaml.YAMLError:
            return None


def _prose(part: str | Fence) -> Prose:
    return Prose(text=part.raw if isinstance(part, Fence) else part)


def _item(part: str | Fence, blocks: dict[int, Block | None]) -> Prose | Block | None:
    """A part of a step as an item: its block (None if invalid) or prose."""
    if isinstance(part, Fence) and part.line in blocks:
        return blocks[part.line]
    return _prose(part)


def describe(e: ErrorDetails) -> str:
    """A validation error in a few words: where, what, and the value given."""
    loc = e["loc"]
    path = [p for p in loc if p != "config"]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    if e["type"] == "extra_forbidden":
        name = str(path[-1]) if path else "?"
        close = difflib.get_close_matches(name, _KEYS, 1, 0.75)
        kind = "config field" if "config" in loc or loc[:1] == ("base",) else "field"
        return f"unknown {kind} '{name}'" + (f" (did you mean {close[0]}?)" if close else "")
    if e["type"] == "missing":
        return f"missing {where}"
    message = e["msg"].removeprefix("Value error, ")
    value = e.get("input")
    if isinstance(value, (str, int, float)) and len(repr(value)) <= 40:
        message += f" (got {value!r})"
    return f"{where}: {message}" if where else message


def slug(name: str) -> str:
    """A file name or title as an id: 'Épocas y más' -> 'epocas-y-mas'."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9_]+", "-", plain.lower()).strip("-")


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()
