"""The help screen: the keys of the app and what the tutor understands."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from tutor.i18n import Lang, t
from tutor.ui.text import ui


class HelpScreen(ModalScreen[None]):
    """Keys and example messages, in the app's language; any of Escape, F1 or q closes it."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", show=False)]

    def __init__(self, lang: Lang) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        examples = t("dialogue.help", self.lang).replace("\n", "  \n")
        with VerticalScroll(id="help"):
            yield Markdown(f"{ui('help.body', self.lang)}\n\n{examples}\n\n*{ui('help.close', self.lang)}*")
