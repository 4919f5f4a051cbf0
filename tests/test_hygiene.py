"""The core imports without the UI, and every message exists in both languages."""

import re
import subprocess
import sys

from tutor.i18n import catalogue

CORE = ["tutor.config", "tutor.data", "tutor.engine", "tutor.store", "tutor.report", "tutor.cli", "tutor.diagnose",
        "tutor.dialogue.tutor", "tutor.lessons", "tutor.tune.sweep", "tutor.classroom.board", "tutor.serve.server"]


def test_core_does_not_import_textual():
    code = f"import sys; import {', '.join(CORE)}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_catalogues_have_the_same_keys_and_placeholders():
    es, en = catalogue("es"), catalogue("en")
    assert set(es) == set(en)
    for key in es:
        assert set(re.findall(r"{(\w+)", es[key])) == set(re.findall(r"{(\w+)", en[key])), key
