"""Key bindings whose footer labels follow the app's language, switchable while it runs.

Textual's labels are fixed per binding, so each key is bound once per language to the action
`in('<lang>', '<action>')`; `check_action` hides the bindings of the other language.
"""

from collections.abc import Iterable

from textual.app import SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.theme import ThemeProvider

from tutor.i18n import LANGS, t

# Textual's own palette commands, by their titles, named in the catalogue; its "Keys" panel (English, and
# what F1's help already says) is left out
TEXTUAL_COMMANDS = {"Theme": "theme", "Quit": "quit", "Maximize": "maximize", "Minimize": "minimize",
                    "Screenshot": "screenshot"}


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


def palette_key() -> list[Binding]:
    """ctrl+p, labelled in the footer in the app's language (Textual's own label is English)."""
    return localized("ctrl+p", "command_palette", "palette", show=False, priority=True)


class LocalizedApp(LocalizedBindings):
    """Mixin for an app with a `lang` that binds `palette_key()`: the command palette, its search lines (of
    commands, of themes) and Textual's own commands in that language."""

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        lang = self.lang  # type: ignore[attr-defined]
        for command in super().get_system_commands(screen):  # type: ignore[misc]
            if name := TEXTUAL_COMMANDS.get(command.title):
                yield SystemCommand(t(f"ui.cmd.{name}", lang), t(f"ui.cmd.{name}_help", lang), command.callback)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[attr-defined]
            self.push_screen(CommandPalette(id="--command-palette",  # type: ignore[attr-defined]
                                            placeholder=t("ui.cmd.search", self.lang)))  # type: ignore[attr-defined]

    def search_themes(self) -> None:
        self.push_screen(CommandPalette(providers=[ThemeProvider],  # type: ignore[attr-defined]
                                        placeholder=t("ui.cmd.search_theme", self.lang)))  # type: ignore[attr-defined]
