"""factcheck: fact-check annotation of news articles in JupyterLab.

Label your first article in three lines::

    import factcheck
    articles = factcheck.load_articles(factcheck.sample_path())
    factcheck.Annotator(articles, annotator="ana")
"""

from __future__ import annotations

from . import charts
from .agreement import agreement
from .annotator import Annotator
from .articles import Article, iter_articles, load_article, load_articles, safe_id
from .classroom import AnswerKey, Feedback, make_answer_key, read_answer_key
from .cleaning import RemovedLine
from .errors import FactcheckError, InputError, InputWarning, LogFormatError, SchemeError
from .exports import export_annotations
from .labels import DEFAULT_SCHEME, Label, LabelScheme, load_scheme
from .log import AnnotationLog, LogEvent, read_annotations, validate_logs
from .paths import sample_path
from .report import write_class_report
from .sentences import Sentence, split_sentences

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_SCHEME",
    "AnnotationLog",
    "Annotator",
    "AnswerKey",
    "Article",
    "FactcheckError",
    "Feedback",
    "InputError",
    "InputWarning",
    "Label",
    "LabelScheme",
    "LogEvent",
    "LogFormatError",
    "RemovedLine",
    "SchemeError",
    "Sentence",
    "__version__",
    "agreement",
    "charts",
    "export_annotations",
    "iter_articles",
    "load_article",
    "load_articles",
    "load_scheme",
    "make_answer_key",
    "read_annotations",
    "read_answer_key",
    "safe_id",
    "sample_path",
    "split_sentences",
    "validate_logs",
    "write_class_report",
]
