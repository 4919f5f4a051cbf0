"""The key footer, rebuilt only when the keys it shows change, and once however often they do before it
gets to it."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Textual's footer schedules a rebuild of all its keys on every bindings change; a screen that
    changes its bindings several times in one go (a lesson step shown, the run view switched) rebuilt it
    as often, and most changes (a status line relabelled, the focus moved) leave the keys as they were.
    Here a change while a rebuild is already scheduled adds nothing (that rebuild reads the bindings as
    they are by then), and a rebuild that would show the same keys is skipped: each one mounts every key
    again and lays the screen out, a good part of a session's first screen and of each run's."""

    _rebuild_due = False
    _shown: tuple[tuple[Binding, bool, str], ...] | None = None  # the keys the last build showed

    def shown_keys(self) -> tuple[tuple[Binding, bool, str], ...] | None:
        """Each key the footer shows now, with whether it is enabled and its tooltip (None: not ready yet)."""
        if not self._bindings_ready:
            return None
        return tuple((binding, enabled, tooltip) for _node, binding, enabled, tooltip
                     in self.screen.active_bindings.values() if binding.show)

    def compose(self) -> ComposeResult:
        self._shown = self.shown_keys()
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        if self._rebuild_due:
            return
        super().bindings_changed(screen)
        # the conditions under which Textual's footer has just scheduled its rebuild
        self._rebuild_due = bool(screen.app.app_focus and self.is_attached and screen is self.screen)

    async def recompose(self) -> None:
        self._rebuild_due = False
        if self.is_attached and self.shown_keys() == self._shown:
            return
        await super().recompose()
