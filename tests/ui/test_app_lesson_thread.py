"""The lesson's thread on screen, at 80×24: after each digression the open question's card comes back below
the reply, whole and with its marks, the number keys offered again; after a restart it is where it was."""

import pytest
from pilot_tools import say, screen_text, settle
from test_lessons import COURSE, block, choices_on_screen

from tutor.lessons import Quiz
from tutor.ui.text import ui
from tutor.ui.widgets.conversation import ChoiceCard
from tutor.ui.widgets.prompt import PromptInput

DIGRESSIONS = {"es": ["¿qué es el batch size?", "asdf qwerty", "ayuda", "dame una pista", "¿dónde estoy?"],
               "en": ["what is the batch size?", "asdf qwerty", "help", "give me a hint", "where am I?"]}


def question_back(app, quiz: Quiz, wrong: int) -> None:
    """The quiz's card is the newest turn, whole on screen, its wrong try still marked, its keys offered."""
    card = app.main.cards[id(quiz)]
    assert isinstance(card, ChoiceCard) and app.main.talk.children[-1] is card
    assert card.chosen == wrong and app.tutor.flow.gate is quiz
    assert app.main.query_one(PromptInput).placeholder == ui("hint.answer", app.lang, n=len(quiz.choices))
    choices_on_screen(app)  # every choice readable
    assert " ".join(quiz.question.split())[:30] in screen_text(app)


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_each_digression_brings_the_open_question_back_into_view(make_app, store, lang):
    quiz = block(lang, 0, Quiz)
    wrong = next(i for i, c in enumerate(quiz.choices) if not c.correct)
    right = next(i for i, c in enumerate(quiz.choices) if c.correct)
    app = make_app(lang, COURSE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(str(wrong + 1))
        await settle(pilot)
        for text in DIGRESSIONS[lang]:
            await say(pilot, text)
            question_back(app, quiz, wrong)
        assert app.tutor.flow.hints == 1 and app.tutor.flow.tries == [str(wrong)]
    again = make_app(lang, COURSE)  # quit and come back: the question open, its wrong try marked
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        card = again.main.cards[id(quiz)]
        assert card.chosen == wrong and again.tutor.flow.hints == 1
        assert again.main.query_one(PromptInput).placeholder == ui("hint.answer", lang, n=len(quiz.choices))
        choices_on_screen(again)
        await pilot.press(str(right + 1))  # the key answers that question
        await settle(pilot)
        assert card.right == {right} and again.tutor.flow.gate is not quiz
