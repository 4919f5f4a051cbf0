"""One student, two what-ifs at once (two `tutor ask`, or two SSH sessions): both runs are kept."""

import subprocess
import sys

import pytest

from tutor.dialogue.tutor import Tutor
from tutor.settings import Settings
from tutor.store import DIALOGUE_STATE, Store

pytestmark = pytest.mark.slow


def test_two_simultaneous_what_ifs_both_stay_in_the_conversation_and_compare(isolated_home):
    store = Store(Settings.from_env().store)
    store.set_state("test", DIALOGUE_STATE, {"config": {"samples": 64, "epochs": 3, "hidden": [4]}, "lang": "en"})
    asks = [subprocess.Popen([sys.executable, "-m", "tutor", "ask", "--lang", "en", "--", text],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for text in ("what if the learning rate were 0.1?", "what if the batch size were 8?")]
    for ask in asks:
        out, err = ask.communicate(timeout=300)
        assert ask.returncode == 0, err
    stored = sorted(run.id for run in store.runs("test"))
    assert len(stored) == 2
    tutor = Tutor(store, "test", lang="en")
    assert tutor.run_ids == stored
    reply = tutor.handle("compare")
    assert reply.intent.kind == "compare" and reply.comparison is not None


def test_a_reset_still_drops_the_runs_it_knew(isolated_home):
    store = Store(Settings.from_env().store)
    store.set_state("test", DIALOGUE_STATE, {"runs": [1, 2], "lang": "en"})
    first, second = Tutor(store, "test", lang="en"), Tutor(store, "test", lang="en")
    second.run_ids = [1, 2, 3]  # a run stored by the other conversation meanwhile
    second.save()
    first.handle("reset")
    assert first.run_ids == [3]
