"""Key bindings whose footer labels follow the app's language, switchable while it runs, and an app
whose command palette speaks it too.

Textual's labels are fixed per binding, so each key is bound once per language to the action
`in('<lang>', '<action>')`; `check_action` hides the bindings of the other language.
"""

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.theme import ThemeProvider

from tutor.i18n import LANGS, Lang, catalogue, t

# Textual's own palette commands, by their titles, named in the catalogue; its "Keys" panel (English, and
# what F1's help already says) is left out
TEXTUAL_COMMANDS = {"Theme": "theme", "Quit": "quit", "Maximize": "maximize", "Minimize": "minimize",
                    "Screenshot": "screenshot"}


def localized(key: str, action: str, label: str, *, show: bool = True, priority: bool = False,
              labels: str = "ui.key") -> list[Binding]:
    """`key` runs `action` in every language, labelled `<labels>.<label>` in each, and named there by its
    word in `ui.keyname` if it has one ('espacio')."""
    return [Binding(key, f"in('{lang}', '{action}')", t(f"{labels}.{label}", lang), show=show, priority=priority,
                    key_display=catalogue(lang).get(f"ui.keyname.{key}")) for lang in LANGS]


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


class LocalizedApp(LocalizedBindings, App[int]):
    """An app in one language at a time (`lang`): its keys as above, and the command palette (ctrl+p, its
    search lines of commands and of themes, Textual's own commands) in that language too."""

    BINDINGS = localized("ctrl+p", "command_palette", "palette", show=False, priority=True)
    lang: Lang

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if name := TEXTUAL_COMMANDS.get(command.title):
                yield SystemCommand(t(f"ui.cmd.{name}", self.lang), t(f"ui.cmd.{name}_help", self.lang),
                                    command.callback)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=t("ui.cmd.search", self.lang)))

    def search_themes(self) -> None:
        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=t("ui.cmd.search_theme", self.lang)))
