"""What an idea of the course is, in the student's words: what it is, what it trades off, its usual
values, the lesson that teaches it, and what it was in the student's last run.

The words are student text, so they live in the catalogues (`concepts.es.toml`, `concepts.en.toml`:
`concept.<id>.what`, `.trade`, `.typical`, and `.name`, the words that open its lesson). Which lesson
teaches an idea is lesson data: each lesson lists its ideas in its front matter (`concepts`), read here
with the parser's own vocabulary, so a teacher's lesson that lists "momentum" is found too.
"""

from collections.abc import Sequence

from tutor.config import ExperimentConfig
from tutor.diagnose.explain import Diagnosis, action, name
from tutor.dialogue.lexicon import CONCEPT_TOPIC, FIELD_TOPIC
from tutor.dialogue.parse import names
from tutor.engine import RunResult
from tutor.fmt import num, pct
from tutor.i18n import Lang, t
from tutor.lessons import Course, Lesson

QUOTED = {"layers": "hidden", "width": "hidden", "sgd": "optimizer", "adam": "optimizer"}  # the setting quoted
CURVES = {"training", "loss", "overfitting", "underfitting", "validation"}  # ideas read off the loss curves
HYPERPARAMETERS = ("lr", "batch_size", "epochs", "hidden", "optimizer")  # a run's, as quoted


def define(concept: str, lang: Lang, course: Course, run: RunResult | None = None,
           diagnoses: Sequence[Diagnosis] = ()) -> str:
    """The answer to "what is `concept`?"; with the last `run` (and what was diagnosed in it), one more
    line on what it was there."""
    key = f"concept.{concept}"
    verdict = name(diagnoses[0].code, lang) if diagnoses else ""
    lines = [f"{t(f'{key}.what', lang)} {t(f'{key}.trade', lang)}", t(f"{key}.typical", lang)]
    lesson = lesson_for(concept, course, lang)
    if lesson is not None:
        lines.append(t("concept.lesson", lang, title=lesson.title, name=t(f"{key}.name", lang)))
    if run is not None and run.history:
        lines.append(in_run(concept, run, verdict, lang))
    return "\n".join(line for line in lines if line)


def lesson_for(concept: str, course: Course, lang: Lang) -> Lesson | None:
    """The lesson that teaches `concept`: the one that lists it earliest in its front matter's `concepts`
    (a lesson lists what it is about first; "optimizador" is fourth in the first lesson, first in the one on
    optimizers), the first in teaching order on a tie; else the first lesson on its topic; else None."""
    lessons = course.in_lang(lang)
    listed = [(place, k) for k, lesson in enumerate(lessons)
              for place, text in enumerate(lesson.concepts) if names(text) == concept]
    if listed:
        return lessons[min(listed)[1]]
    topic = CONCEPT_TOPIC.get(concept) or FIELD_TOPIC.get(concept)
    return next((lesson for lesson in lessons if topic in lesson.topics), None)


def in_run(concept: str, run: RunResult, verdict: str, lang: Lang) -> str:
    """One line tying `concept` to the student's last run, with its numbers; "" for a search method."""
    cfg, history = run.config, run.history
    last = history[-1]
    if concept == "val_fraction":
        return t("concept.run.val_fraction", lang, n_val=run.n_val, n=run.n_train + run.n_val, n_train=run.n_train,
                 share=pct(cfg.val_fraction))
    if concept in ("seed", "classes"):
        return t(f"concept.run.{concept}", lang, seed=cfg.seed, classes=cfg.n_classes, chance=pct(1 / cfg.n_classes))
    if concept in ExperimentConfig.model_fields or concept in QUOTED:
        field = QUOTED.get(concept, concept)
        if concept == "momentum" and cfg.optimizer != "momentum":  # only the momentum optimizer uses it
            field = "optimizer"
        value = cfg.n_samples if field == "samples" else getattr(cfg, field)
        # the best validation accuracy, and the first epoch that reached it
        acc, epoch = max(((e.val_acc, -e.epoch) for e in history if e.val_acc is not None), default=(None, 0))
        values = {"setting": action({field: value}, lang), "verdict": verdict, "acc": pct(acc), "best": -epoch or "—",
                  "epochs": cfg.epochs}
        if run.status == "completed":
            return t("concept.run.setting", lang, **values)
        return t("concept.run.setting_stopped", lang, stopped=stopped_at(run), why=why_stopped(run, lang), **values)
    if concept in CURVES:
        losses = [(e.val_loss, e.epoch) for e in history if e.val_loss is not None]
        best, epoch = min(losses, default=(None, "—"))
        return t("concept.run.curves", lang, init=num(run.init.train_loss), train=num(last.train_loss),
                 val=num(last.val_loss), best=num(best), best_epoch=epoch, train_acc=pct(last.train_acc),
                 val_acc=pct(last.val_acc), verdict=verdict)
    if concept == "parameters":
        return t("concept.run.parameters", lang, n=run.n_params, n_train=run.n_train,
                 per=num(run.n_params / max(run.n_train, 1)))
    if concept in ("hyperparameter", "tuning"):
        settings = ", ".join(action({f: getattr(cfg, f)}, lang) for f in HYPERPARAMETERS)
        return t("concept.run.settings", lang, settings=settings, verdict=verdict)
    if concept == "gradient":
        return t("concept.run.gradient", lang, first=num(history[0].grad_norm), last=num(last.grad_norm),
                 verdict=verdict)
    return ""


def stopped_at(run: RunResult) -> int:
    """The epoch a run that did not complete stopped at: where it diverged, else its last epoch."""
    return run.diverged_at.epoch if run.diverged_at else run.history[-1].epoch


def why_stopped(run: RunResult, lang: Lang) -> str:
    """Why a run stopped before its last epoch, in words: the divergence's reason, or a cancel."""
    if run.diverged_at:
        return t(f"diagnose.reason.{run.diverged_at.reason}", lang)
    return t("concept.run.cancelled", lang)
