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
