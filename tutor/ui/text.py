"""Words and numbers as the app shows them: catalogue look-ups and compact formatting."""

from tutor.config import ExperimentConfig
from tutor.diagnose.explain import setting
from tutor.fmt import num
from tutor.i18n import Lang, t
from tutor.lessons.parse import WIKILINK
from tutor.report import network


def ui(key: str, lang: Lang, **values: object) -> str:
    """The `[ui]` catalogue message `key` in `lang`."""
    return t(f"ui.{key}", lang, **values)


def config_diff(before: ExperimentConfig | None, after: ExperimentConfig, lang: Lang) -> str:
    """What changed from one config to the next ('lr 0.01→50', 'batch 32→1'), each setting by its short name;
    for a first run, its network and optimiser as `tutor run` says them ('2 layers of 32, ReLU · Adam lr 0.01')."""
    if before is None:
        return f"{network(after, lang)} · {setting('optimizer', after.optimizer, lang)} lr {num(after.lr)}"

    def shown(field: str, value: object) -> str:
        return setting(field, value, lang) if field in ("activation", "optimizer") else num(value)

    return " · ".join(f"{ui(f'field.{k}', lang)} {shown(k, a)}→{shown(k, b)}"
                      for k, (a, b) in before.diff(after).items() if k != "device") or "="


def plain_links(markdown: str) -> str:
    """Lesson prose with [[target|alias]] shown as its alias, in bold."""
    return WIKILINK.sub(lambda m: f"**{(m.group(2) or m.group(1)).strip()}**", markdown)
