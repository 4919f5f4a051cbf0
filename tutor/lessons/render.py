"""Lessons as plain text for `tutor lessons show`, the list for `tutor lessons --json`, and each item of a step
as the conversation and the app show it (in words, no command to type)."""

import textwrap
from collections.abc import Callable
from typing import Any

from tutor.config import ExperimentConfig, argument, flag
from tutor.i18n import LANGS, Lang, catalogue, t
from tutor.lessons.model import Course, Experiment, Lesson, Predict, Prose, Quiz, Step, Sweep, WhatIf
from tutor.lessons.parse import WIKILINK
from tutor.report import describe

WIDTH = 78


def list_json(course: Course, lang: Lang | None = None) -> dict[str, list[dict[str, Any]]]:
    """`{"lessons": [{"id", "lang", "title", "topics", "steps"}]}`, by language then teaching order."""
    return {"lessons": [
        {"id": x.id, "lang": x.lang, "title": x.title, "topics": list(x.topics), "steps": len(x.steps)}
        for lg in LANGS if lang in (None, lg) for x in course.in_lang(lg)
    ]}


def render(lesson: Lesson) -> str:
    """The whole lesson as Markdown-like text: steps numbered, blocks as commands and questions."""
    out = [f"# {lesson.title}"]
    if lesson.intro:
        out.append(_links(lesson.intro))
    single = len(lesson.steps) == 1 and lesson.steps[0].title == lesson.title
    for n, step in enumerate(lesson.steps, 1):
        if not single:
            out.append(f"## {n}. {step.title}")
        out += [_item(item, step, lesson.lang) for item in step.items]
    return "\n\n".join(out) + "\n"


def item_text(item: Any, step: Step | None, lang: Lang, ran: bool = False) -> str:
    """One item of a step as the conversation shows it (`tutor ask`): a question with its lettered choices,
    an experiment as the run the tutor trains (in words, no command to type), marked once `ran`."""
    if isinstance(item, Experiment):
        head = f"{_label('experiment', lang)} {_label('ran', lang)}" if ran else _label("experiment", lang)
        return "\n".join([head, *_wrap(describe(item.config, lang)), *_para(_label("watch", lang), item.watch),
                          *([] if ran else [f"  {_label('train', lang)}"])])
    if isinstance(item, Sweep):  # launched by the conversation: its base and what it varies, in words
        head, lines = sweep_words(item, lang)
        return "\n".join([head, *(line for text in lines for line in _wrap(text)),
                          *_para(_label("watch", lang), item.watch), f"  {_label('search', lang)}"])
    return _item(item, step, lang, lambda cfg: "\n".join(_wrap(describe(cfg, lang))))


def sweep_words(sweep: Sweep, lang: Lang) -> tuple[str, list[str]]:
    """A search block in words, no command: its heading (method, trials), then its base run and each field it
    varies with the values tried."""
    names = catalogue(lang)
    varied = [f"{_capital(names.get(f'dialogue.field.{f}', f))}: {_values(spec)}"
              for f, _, spec in (s.partition("=") for s in sweep.specs())]
    return _sweep_head(sweep, lang), [describe(sweep.base, lang), *varied]


def _item(item: Any, step: Step | None, lang: Lang, run: Callable[[ExperimentConfig], str] | None = None) -> str:
    """One item as text; `run` shows the config an experiment trains (default: its `tutor run` command)."""
    run = run or (lambda cfg: _command(["tutor", "run", *config_args(cfg)]))
    match item:
        case Prose():
            return _links(item.text)
        case Experiment():
            return "\n".join([_label("experiment", lang), run(item.config), *_para(_label("watch", lang), item.watch)])
        case Predict():
            lines = [*_para(_label("predict", lang), item.question, ""), *_choices(c.text for c in item.choices)]
            if step is not None and item.experiment not in step.blocks:
                lines += [f"  {_label('runs', lang)}:", run(item.experiment.config)]
            return "\n".join(lines)
        case Quiz():
            extra = _choices(c.text for c in item.choices) if item.choices else [f"  {_label('number', lang)}"]
            return "\n".join([*_para(_label("quiz", lang), item.question, ""), *extra])
        case WhatIf():
            return "\n".join([_label("whatif", lang), *(f"  {n}. {q}" for n, q in enumerate(item.questions, 1))])
        case Sweep():
            watch = _para(_label("watch", lang), item.watch)
            return "\n".join([_sweep_head(item, lang), _command(sweep_args(item)), *watch])
    raise AssertionError(item)


def _label(key: str, lang: Lang) -> str:
    """A block's label (`lessons.show.*` in the catalogues)."""
    return t(f"lessons.show.{key}", lang)


def _sweep_head(sweep: Sweep, lang: Lang) -> str:
    """A search block's heading: its method and trials."""
    return t("lessons.show.sweep", lang, method=_label(f"method.{sweep.method}", lang), trials=sweep.n_trials)


def config_args(cfg: ExperimentConfig) -> list[str]:
    """The `tutor run` flags of the fields a config sets explicitly."""
    return [a for name in ExperimentConfig.model_fields if name in cfg.model_fields_set
            for a in (flag(name), argument(getattr(cfg, name)))]


def sweep_args(sweep: Sweep) -> list[str]:
    """The `tutor sweep` command line of a sweep block."""
    args = ["tutor", "sweep", *config_args(sweep.base)]
    if sweep.method == "grid":
        args += [a for spec in sweep.specs() for a in ("--grid", spec)]
    else:
        args += [f"--{sweep.method}", str(sweep.trials)]
        args += [a for spec in sweep.specs() for a in ("--space", spec)]
    return args + (["--budget", argument(sweep.budget)] if sweep.budget else [])


def _command(args: list[str]) -> str:
    """A shell command wrapped with backslashes, never between a flag and its value."""
    units: list[str] = []
    for arg in args:
        if units and units[-1].startswith("--") and " " not in units[-1] and not arg.startswith("--"):
            units[-1] += f" {arg}"
        else:
            units.append(arg)
    lines = [f"  $ {units[0]}"]
    for unit in units[1:]:
        if len(lines[-1]) + len(unit) + 3 > WIDTH:
            lines[-1] += " \\"
            lines.append(f"      {unit}")
        else:
            lines[-1] += f" {unit}"
    return "\n".join(lines)


def _values(spec: str) -> str:
    """A field's values in a search, to read: '0.001,0.01' and 'choice:8,16' list them, 'log:1e-4:1' is a range."""
    kind, _, rest = spec.partition(":")
    if kind in ("log", "int", "float"):
        return " … ".join(rest.split(":"))
    return ", ".join((rest if kind == "choice" else spec).split(","))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _wrap(text: str) -> list[str]:
    """An indented line wrapped to the width, never inside a layer list such as in-16-16-2."""
    return textwrap.wrap(text, WIDTH, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False)


def _para(label: str, text: str, indent: str = "  ") -> list[str]:
    """`label: text` wrapped to the width; nothing if there is no text."""
    if not text:
        return []
    return textwrap.wrap(f"{label}: {' '.join(text.split())}", WIDTH, initial_indent=indent, subsequent_indent="  ")


def _choices(texts: Any) -> list[str]:
    return [f"  {chr(ord('a') + n)}) {t}" for n, t in enumerate(texts)]


def _links(text: str) -> str:
    """[[target|alias]] -> alias, [[target]] -> target."""
    return WIKILINK.sub(lambda m: (m.group(2) or m.group(1)).strip(), text)
