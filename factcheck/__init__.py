"""factcheck: fact-check annotation of news articles in JupyterLab.

Label your first article in three lines::

    import factcheck
    articles = factcheck.load_articles(factcheck.sample_path())
    factcheck.Annotator(articles, annotator="ana")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Eager although it needs pandas: importing the submodule ``factcheck.agreement`` anywhere
# would otherwise replace the function of the same name on the package.
from .agreement import agreement
from .articles import Article, iter_articles, load_article, load_articles, safe_id
from .cleaning import RemovedLine
from .errors import FactcheckError, InputError, InputWarning, LogFormatError, SchemeError

# Eager for the same reason as agreement: the submodule factcheck.gold shares the name.
from .gold import gold
from .labels import DEFAULT_SCHEME, SCHEMES, Label, LabelScheme, load_scheme, scheme_preset
from .paths import sample_path
from .sentences import Sentence, split_sentences

# Eager for the same reason as agreement (the submodule factcheck.suggest shares the name);
# cheap: scikit-learn is imported only when a model is trained.
from .suggest import Suggestion, SuggestionModel, read_suggestions, suggest

if TYPE_CHECKING:
    from . import charts
    from .adjudication import DecisionLog, conflicts, read_decisions
    from .assignment import assign, read_assignment
    from .card import write_card
    from .classroom import AnswerKey, Feedback, make_answer_key, read_answer_key
    from .classroom_server import serve_classroom
    from .exports import export_annotations
    from .gold import annotator_quality, read_gold, write_gold
    from .imports import import_file
    from .log import AnnotationLog, LogEvent, annotator_key, read_annotations, validate_logs
    from .modes import Annotator
    from .queues import QueueChoiceLog, order_queue
    from .report import write_class_report
    from .similar import ClaimMemory, near_duplicates, similar_sentences
    from .student import student_app
    from .student_mode import StudentAnnotator
    from .workspace import examples_path

# Names whose modules pull in pandas, Altair or ipywidgets are imported on first use, so
# `factcheck sentences` and `import factcheck` stay fast (Altair alone takes ~2 s here).
_LAZY = {
    "charts": ("charts", None),
    "Annotator": ("modes", "Annotator"),
    "StudentAnnotator": ("student_mode", "StudentAnnotator"),
    "AnswerKey": ("classroom", "AnswerKey"),
    "Feedback": ("classroom", "Feedback"),
    "make_answer_key": ("classroom", "make_answer_key"),
    "read_answer_key": ("classroom", "read_answer_key"),
    "export_annotations": ("exports", "export_annotations"),
    "import_file": ("imports", "import_file"),
    "AnnotationLog": ("log", "AnnotationLog"),
    "LogEvent": ("log", "LogEvent"),
    "read_annotations": ("log", "read_annotations"),
    "annotator_key": ("log", "annotator_key"),
    "validate_logs": ("log", "validate_logs"),
    "write_class_report": ("report", "write_class_report"),
    "examples_path": ("workspace", "examples_path"),
    "assign": ("assignment", "assign"),
    "read_assignment": ("assignment", "read_assignment"),
    "student_app": ("student", "student_app"),
    "serve_classroom": ("classroom_server", "serve_classroom"),
    "DecisionLog": ("adjudication", "DecisionLog"),
    "Adjudicator": ("adjudicator", "Adjudicator"),
    "read_decisions": ("adjudication", "read_decisions"),
    "conflicts": ("adjudication", "conflicts"),
    "write_gold": ("gold", "write_gold"),
    "read_gold": ("gold", "read_gold"),
    "annotator_quality": ("gold", "annotator_quality"),
    "write_card": ("card", "write_card"),
    "order_queue": ("queues", "order_queue"),
    "QueueChoiceLog": ("queues", "QueueChoiceLog"),
    "ClaimMemory": ("similar", "ClaimMemory"),
    "similar_sentences": ("similar", "similar_sentences"),
    "near_duplicates": ("similar", "near_duplicates"),
    "detect_language": ("language", "detect_language"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'factcheck' has no attribute {name!r}")
    module_name, attribute = _LAZY[name]
    module = importlib.import_module(f".{module_name}", __name__)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__version__ = "0.1.0"

__all__ = [
    "DEFAULT_SCHEME",
    "SCHEMES",
    "Adjudicator",
    "AnnotationLog",
    "Annotator",
    "AnswerKey",
    "Article",
    "ClaimMemory",
    "DecisionLog",
    "FactcheckError",
    "Feedback",
    "InputError",
    "InputWarning",
    "Label",
    "LabelScheme",
    "LogEvent",
    "LogFormatError",
    "QueueChoiceLog",
    "RemovedLine",
    "SchemeError",
    "Sentence",
    "StudentAnnotator",
    "Suggestion",
    "SuggestionModel",
    "__version__",
    "agreement",
    "annotator_key",
    "annotator_quality",
    "assign",
    "charts",
    "conflicts",
    "detect_language",
    "examples_path",
    "export_annotations",
    "gold",
    "import_file",
    "iter_articles",
    "load_article",
    "load_articles",
    "load_scheme",
    "make_answer_key",
    "near_duplicates",
    "order_queue",
    "read_annotations",
    "read_answer_key",
    "read_assignment",
    "read_decisions",
    "read_gold",
    "read_suggestions",
    "safe_id",
    "sample_path",
    "scheme_preset",
    "serve_classroom",
    "similar_sentences",
    "split_sentences",
    "student_app",
    "suggest",
    "validate_logs",
    "write_card",
    "write_class_report",
    "write_gold",
]
