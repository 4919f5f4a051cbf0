"""Markdown structure of a lesson file: front matter, headings, fenced blocks and wikilinks, with lines.

Nothing here validates meaning; it finds where things are. Line numbers are 1-based file lines.
"""

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from tutor.yamlerrors import error_line, error_reason

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
H1 = re.compile(r"^ {0,3}# +(.+?)(?: +#+)? *$")
H2 = re.compile(r"^ {0,3}## +(.+?)(?: +#+)? *$")
WIKILINK = re.compile(r"\[\[([^\[\]|#\n]*)(?:#[^\[\]|\n]*)?(?:\|([^\[\]\n]*))?\]\]")


class Problem(Exception):
    """Something wrong at a line of the file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Fence:
    """A fenced block: `kind` is the first word of its info string, lower-cased ("" if none)."""

    kind: str
    line: int  # the opening fence
    body: str
    raw: str  # the whole block as written
    closed: bool

    def yaml(self, compose: bool = False) -> Any:
        """The body's YAML (see `load_yaml`), its marks counting file lines."""
        return load_yaml(self.body, self.line, compose)


@dataclass
class Section:
    """Text under one `##` heading (title "" for what comes before the first): prose and fences."""

    title: str
    line: int
    parts: list[str | Fence] = field(default_factory=list)


@dataclass
class Document:
    """A lesson file's parts, before validation."""

    meta: dict[str, Any]
    meta_texts: list[tuple[str, int]]  # each front matter document and the 0-based line it starts at
    title: str | None
    sections: list[Section]  # sections[0] is the intro before the first `##`
    links: list[tuple[str, int]]  # wikilink targets in prose, with their lines
    body_line: int


def parse(text: str) -> Document:
    """Split a file into its parts; raises Problem for a malformed front matter."""
    lines = text.splitlines()
    meta, texts, start = front_matter(lines)
    doc = Document(meta, texts, None, [Section("", start + 1)], [], start + 1)
    prose: list[str] = []

    def flush() -> None:
        chunk = "\n".join(prose).strip("\n")
        if chunk.strip():
            doc.sections[-1].parts.append(chunk)
        prose.clear()

    i = start
    while i < len(lines):
        line = lines[i]
        if match := FENCE.match(line):
            flush()
            fence = read_fence(lines, i, match)
            doc.sections[-1].parts.append(fence)
            i = fence.line - 1 + fence.raw.count("\n")
        elif match := H2.match(line):
            flush()
            doc.sections.append(Section(match.group(1).strip(), i + 1))
        elif doc.title is None and len(doc.sections) == 1 and (match := H1.match(line)):
            doc.title = match.group(1).strip()
        else:
            prose.append(line)
            doc.links += [(m.group(1), i + 1) for m in WIKILINK.finditer(line)]
        i += 1
    flush()
    return doc


def front_matter(lines: list[str]) -> tuple[dict[str, Any], list[str], int]:
    """The front matter's mapping, its documents' texts, and the index of the body's first line.

    Knowledge-base notes sometimes carry a second document of `key: value` lines closed by another
    `---`; such a run of lines (no blank line, no heading) is merged into the front matter too.
    """
    if not lines or lines[0].strip() != "---":
        return {}, [], 0
    meta: dict[str, Any] = {}
    texts: list[str] = []
    start = 1
    while True:
        end = next((i for i in range(start, len(lines)) if lines[i].strip() == "---"), None)
        chunk = lines[start:end]
        if texts and (end is None or not chunk or any(not s.strip() or s.startswith("#") for s in chunk)):
            return meta, texts, start
        if end is None:
            raise Problem(1, "front matter is never closed: add a line with --- after it")
        text = "\n".join(chunk)
        try:
            data = load_yaml(text, start)
        except yaml.YAMLError as err:
            if texts:
                return meta, texts, start
            raise Problem(error_line(err, start + 1), f"bad YAML in front matter: {error_reason(err)}") from None
        if not isinstance(data, dict) and not (data is None and not texts):
            if texts:
                return meta, texts, start
            raise Problem(start + 1, "front matter is not a YAML mapping of keys to values")
        meta.update(data or {})
        texts.append((text, start))
        start = end + 1


def read_fence(lines: list[str], i: int, opening: re.Match[str]) -> Fence:
    """The fenced block opening at index `i`; an unclosed one runs to the end of the file."""
    mark, info = opening.group(1), opening.group(2).strip()
    closing = re.compile(rf"^ {{0,3}}{re.escape(mark[0])}{{{len(mark)},}}\s*$")
    end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), None)
    last = len(lines) - 1 if end is None else end
    kind = info.split()[0].lower() if info else ""
    body = "\n".join(lines[i + 1 : last + (end is None)])
    return Fence(kind, i + 1, body, "\n".join(lines[i : last + 1]), end is not None)


def load_yaml(text: str, line: int, compose: bool = False) -> Any:
    """Safe YAML of `text` (its node tree with `compose`), its marks counting from the 0-based `line`:
    a block's text keeps its file's line numbers without being padded (a pad re-read for every block
    made checking a file quadratic in its size). Data is read by libyaml when there is one; a YAML
    error is raised by the Python reader, whose marks can start at `line`."""
    if not compose:
        try:
            return yaml.load(text, Loader=_FAST)
        except yaml.YAMLError:
            pass  # raised again below, with file lines
    loader = yaml.SafeLoader(text)
    loader.line = line
    try:
        return loader.get_single_node() if compose else loader.get_single_data()
    finally:
        loader.dispose()


_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
