"""The key footer, rebuilt once however often the bindings change before it gets to it."""

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Textual's footer schedules a rebuild of all its keys on every bindings change; a screen that
    changes its bindings several times in one go (a lesson step shown, the run view switched) rebuilt it
    as often. Here a change while a rebuild is already scheduled adds nothing: that rebuild reads the
    bindings as they are by then."""

    _rebuild_due = False

    def bindings_changed(self, screen: Screen) -> None:
        if self._rebuild_due:
            return
        super().bindings_changed(screen)
        # the conditions under which Textual's footer has just scheduled its rebuild
        self._rebuild_due = bool(screen.app.app_focus and self.is_attached and screen is self.screen)

    async def recompose(self) -> None:
        self._rebuild_due = False
        await super().recompose()
