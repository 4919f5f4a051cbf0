"""Each item of a lesson step as a turn of the conversation."""

from textual.widget import Widget

from tutor.i18n import Lang
from tutor.lessons import Experiment, Predict, Quiz, Sweep, WhatIf
from tutor.lessons.model import Item, Prose
from tutor.lessons.render import sweep_words
from tutor.report import describe
from tutor.ui.text import plain_links, ui
from tutor.ui.widgets.conversation import ChoiceCard, ExperimentCard, LessonText


def turn_for(item: Item, lang: Lang, ran: bool = False) -> Widget:
    """The widget showing `item`; `ran`: an experiment already trained (a search already made) in this step."""
    match item:
        case Prose():
            return LessonText(plain_links(item.text))
        case Predict():
            return ChoiceCard(ui("card.predict", lang), item.question, [c.text for c in item.choices],
                              ui("card.choose", lang, n=len(item.choices)), "predict")
        case Quiz():
            hint = ui("card.choose", lang, n=len(item.choices)) if item.choices else ui("card.number", lang)
            return ChoiceCard(ui("card.quiz", lang), item.question, [c.text for c in item.choices], hint, "quiz")
        case WhatIf():
            return ChoiceCard(ui("card.whatif", lang), "", item.questions, ui("card.whatif_hint", lang), "whatif")
        case Experiment():
            return ExperimentCard(ui("card.experiment", lang), describe(item.config, lang), item.watch,
                                  ui("card.ran" if ran else "card.run", lang))
        case Sweep():  # launched by Enter, as the conversation does: in words, no command
            head, lines = sweep_words(item, lang)
            return ExperimentCard(f"{head}:", "\n".join(lines), item.watch,
                                  ui("card.searched" if ran else "card.search", lang))
    raise TypeError(f"not a lesson item: {item!r}")
