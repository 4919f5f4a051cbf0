"""`python -m tutor.ui [--lang es|en] [--lessons DIR]`: the app alone, until `tutor` opens it by default."""

import argparse
from pathlib import Path

from tutor.i18n import LANGS
from tutor.settings import Settings
from tutor.ui.app import run_app

parser = argparse.ArgumentParser(prog="python -m tutor.ui", description="The tutor's terminal app.")
parser.add_argument("--lang", choices=LANGS, help="default: the last one you used, else your locale")
parser.add_argument("--lessons", metavar="DIR", action="append", default=[], type=Path, help="extra lessons")
args = parser.parse_args()
settings = Settings.from_env()  # the one read of the environment, passed down
Settings.use(settings)  # and put in force for the engine, deep in the app's runs
raise SystemExit(run_app(settings, args.lang, args.lessons))
