"""CSS parsed once per process rather than once per app.

Textual parses an app's CSS (its .tcss and every widget's DEFAULT_CSS) when the app starts and keeps the
rules for that app only. `tutor serve` forks each session from a server that has already run the app once,
so with the parsed rules kept here for the process, a session finds its CSS parsed by the server's warm-up
(about a tenth of the CPU of its first screen).
"""

from typing import ClassVar

from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation


class SharedStylesheet(Stylesheet):
    """A stylesheet whose parsed rules are shared by every stylesheet of the process with the same variables
    (the theme's colours are substituted as the CSS is parsed)."""

    parsed: ClassVar[dict[tuple, list[RuleSet]]] = {}

    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self.variables_key = tuple(sorted((variables or {}).items()))

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self.variables_key = tuple(sorted(variables.items()))

    def _parse_rules(self, css: str, read_from: CSSLocation, is_default_rules: bool = False,
                     tie_breaker: int = 0, scope: str = "") -> list[RuleSet]:
        key = (css, read_from, is_default_rules, tie_breaker, scope, self.variables_key)
        rules = self.parsed.get(key)
        if rules is None:
            rules = self.parsed[key] = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
        return rules
