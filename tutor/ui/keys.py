"""Key bindings whose footer labels follow the app's language, switchable while it runs.

Textual's labels are fixed per binding, so each key is bound once per language to the action
`in('<lang>', '<action>')`; `check_action` hides the bindings of the other language.
"""

from textual.binding import Binding

from tutor.i18n import LANGS, t


def localized(key: str, action: str, label: str, *, show: bool = True, priority: bool = False,
              labels: str = "ui.key") -> list[Binding]:
    """`key` runs `action` in every language, labelled `<labels>.<label>` in each."""
    return [Binding(key, f"in('{lang}', '{action}')", t(f"{labels}.{label}", lang), show=show, priority=priority)
            for lang in LANGS]


class LocalizedBindings:
    """Mixin for a screen or the app that declares its bindings with `localized`."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "in":
            lang, name = parameters
            return self.can(str(name)) if lang == self.app.lang else False  # type: ignore[attr-defined]
        return True

    def can(self, action: str) -> bool | None:
        """Whether `action` is available now: True, False (hidden) or None (shown greyed out)."""
        return True

    async def action_in(self, lang: str, action: str) -> None:
        await self.run_action(action)  # type: ignore[attr-defined]
