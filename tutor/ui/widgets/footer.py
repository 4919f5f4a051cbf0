"""The key footer, rebuilt once per refresh however often the bindings change before it."""

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Textual's footer rebuilds all its keys on every bindings change; a screen that changes its
    bindings several times in one go (a lesson step shown, the run view switched) rebuilt it as often.
    Here the changes of one refresh are gathered into one rebuild."""

    _rebuild_due = False

    def bindings_changed(self, screen: Screen) -> None:
        if not self._rebuild_due:
            self._rebuild_due = True
            self.call_after_refresh(self._rebuild, screen)

    def _rebuild(self, screen: Screen) -> None:
        self._rebuild_due = False
        super().bindings_changed(screen)
