"""iedsl: readable extraction rules compiled into one fast matcher.

>>> import iedsl
>>> engine = iedsl.Engine.from_string('''
...   lexicon COUNTRY { "Iraq", "Syria" }
...   entity PLACE = @COUNTRY
...   event ATTACK { place: PLACE* }
...   rule attack for ATTACK { trigger = "strikes"  place = PLACE after trigger via "in" }
... ''')
>>> [a.text for f in engine.extract("US strikes in Iraq and Syria.").frames for a in f.args]
['Iraq', 'Syria']
"""

# The names below are imported on first use (PEP 562), so that `import iedsl` (and so
# `iedsl --help`) does not load the compiler; type checkers still see the real imports.
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import Analysis, Engine, bundled_rules
    from .errors import (
        Diagnostic,
        DocumentError,
        ExtensionError,
        IedslError,
        RegexTimeoutError,
        RuleCheckError,
        RuleFileError,
        RuleSyntaxError,
        Severity,
    )
    from .extensions import register_normalizer, register_predicate
    from .results import Argument, DocumentResult, Frame, Mention

_LAZY = {
    "Analysis": "engine", "Engine": "engine", "bundled_rules": "engine",
    "Diagnostic": "errors", "DocumentError": "errors", "ExtensionError": "errors",
    "IedslError": "errors", "RegexTimeoutError": "errors", "RuleCheckError": "errors",
    "RuleFileError": "errors", "RuleSyntaxError": "errors", "Severity": "errors",
    "register_normalizer": "extensions", "register_predicate": "extensions",
    "Argument": "results", "DocumentResult": "results", "Frame": "results", "Mention": "results",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'iedsl' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Argument",
    "Diagnostic",
    "DocumentError",
    "DocumentResult",
    "Engine",
    "ExtensionError",
    "Frame",
    "IedslError",
    "Mention",
    "RegexTimeoutError",
    "RuleCheckError",
    "RuleFileError",
    "RuleSyntaxError",
    "Severity",
    "__version__",
    "bundled_rules",
    "register_normalizer",
    "register_predicate",
]
