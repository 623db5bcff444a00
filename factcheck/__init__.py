"""factcheck: fact-check annotation of news articles in JupyterLab.

Label your first article in three lines::

    import factcheck
    articles = factcheck.load_articles(factcheck.sample_path())
    factcheck.Annotator(articles, annotator="ana")
"""

from __future__ import annotations

from .articles import Article, iter_articles, load_article, load_articles, safe_id
from .cleaning import RemovedLine
from .errors import FactcheckError, InputError, InputWarning, LogFormatError, SchemeError
from .labels import DEFAULT_SCHEME, Label, LabelScheme, load_scheme
from .paths import sample_path
from .sentences import Sentence, split_sentences

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_SCHEME",
    "Article",
    "FactcheckError",
    "InputError",
    "InputWarning",
    "Label",
    "LabelScheme",
    "LogFormatError",
    "RemovedLine",
    "SchemeError",
    "Sentence",
    "__version__",
    "iter_articles",
    "load_article",
    "load_articles",
    "load_scheme",
    "safe_id",
    "sample_path",
    "split_sentences",
]
