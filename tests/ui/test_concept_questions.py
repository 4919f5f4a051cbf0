"""A question about an idea in the app: answered in the conversation with its definition and its lesson,
training nothing; typing the words the answer gives opens that lesson."""

import re

import pytest
from pilot_tools import say, showing

from tutor.i18n import t
from tutor.ui.widgets.conversation import Said

ASK = {"es": ("¿que es el sobreajuste?", "Sobreajuste y regularización", "«(ve a la lección de [^»]+)»"),
       "en": ("what's overfitting?", "Overfitting and regularisation", r'"(go to the lesson on [^"]+)"')}


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_a_question_about_an_idea_is_answered_and_its_lesson_opens(make_app, store, lang):
    question, title, command = ASK[lang]
    app = make_app(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await say(pilot, question)
        said = " ".join(str(app.main.talk.query(Said).last().render()).split())
        assert said.startswith(" ".join(t("concept.overfitting.what", lang).split())) and title in said
        assert not app.main.has_class("-show-run") and store.runs("ana") == []  # nothing trained
        assert "_" not in said and "--" not in said

        [words] = re.findall(command, said)
        await say(pilot, words)
        assert app.tutor.lesson_id == "overfitting"
        assert await showing(pilot, title)
        await pilot.press("ctrl+q")
    assert app.return_code == 0
