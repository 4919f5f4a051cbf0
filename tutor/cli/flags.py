"""The experiment's flags, one per ExperimentConfig field, shared by `tutor run`, `sweep` and `lr-find`."""

import argparse

from tutor.config import ExperimentConfig, accepted, argument, flag, make_config
from tutor.i18n import Lang, t


def add_config_flags(p: argparse.ArgumentParser, lang: Lang) -> None:
    """One flag per ExperimentConfig field, its help in `lang` (what it sets, the accepted range, the default);
    values stay text until the config validates them."""
    for name, info in ExperimentConfig.model_fields.items():
        said = f"{t(f'help.field.{name}', lang)}; {accepted(name, lang)}"
        if info.default is not None:
            said += f" ({t('help.default', lang, value=argument(info.default))})"
        metavar = t(f"ui.field.{name}", lang).upper().replace(" ", "_")
        p.add_argument(flag(name), dest=name, metavar=metavar, help=said.replace("%", "%%"))


def config_from(args: argparse.Namespace, lang: Lang) -> ExperimentConfig:
    """The config the flags ask for, its device checked; a TutorError names the flag, value and accepted range."""
    from tutor.engine.device import resolve  # tinygrad: only once a command that trains has its config

    values = {k: getattr(args, k) for k in ExperimentConfig.model_fields if getattr(args, k, None) is not None}
    cfg = make_config(values, lang)
    resolve(cfg.device, lang, named=flag)
    return cfg
