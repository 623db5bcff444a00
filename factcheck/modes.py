"""The public entry of the labelling widget family: ``factcheck.Annotator`` picks the mode.

``factcheck.Annotator(articles, annotator="ana")`` is the labelling widget
(``annotator.Annotator``); with ``key=`` an answer key (and ``feedback=``) it is student mode
(``student_mode.StudentAnnotator``). The choice is made here, above both, so the labelling
widget never imports the teaching code and each mode stays its own small class.
"""

from __future__ import annotations

import inspect
import os
from typing import Any

from .annotator import Annotator as LabellingAnnotator
from .answers import FEEDBACK_IMMEDIATE, AnswerKeyLike
from .errors import InputError
from .student_mode import StudentAnnotator, check_feedback

__all__ = ["Annotator"]


class _AnyMode(type):
    """Every mode of the family counts as a ``factcheck.Annotator`` (``isinstance``)."""

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, LabellingAnnotator)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, LabellingAnnotator)


class Annotator(LabellingAnnotator, metaclass=_AnyMode):
    """Label the sentences of one article or a corpus; every label is appended to a CSV log.

    The labelling widget (see ``factcheck.annotator.Annotator`` for every argument). With
    ``key=`` an answer key (``classroom.AnswerKey``, any object with its small interface, or
    its CSV file) it is student mode instead (``StudentAnnotator``): right/wrong with the
    teacher's explanation after each label (``feedback="immediate"``) or after ``check()``
    (``feedback="end"``); a revealed answer is final, so the score shown is the one the
    class report gives.
    """

    def __new__(
        cls,
        *args: Any,
        key: AnswerKeyLike | str | os.PathLike[str] | None = None,
        feedback: str = FEEDBACK_IMMEDIATE,
        **kwargs: Any,
    ) -> Any:
        if key is not None:
            # Not an instance of this class, so Python does not run __init__ again.
            return StudentAnnotator(*args, key=key, feedback=feedback, **kwargs)
        check_feedback(feedback)
        return super().__new__(cls)

    def __init__(
        self,
        *args: Any,
        key: AnswerKeyLike | str | os.PathLike[str] | None = None,
        feedback: str = FEEDBACK_IMMEDIATE,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)

    def check(self) -> None:
        """Student mode only: say how to get it."""
        raise InputError(
            "Annotator.check: there is no answer key. Pass key='key.csv' to Annotator "
            "for student mode."
        )


def _signature() -> inspect.Signature:
    """The labelling widget's arguments plus ``key`` and ``feedback`` (for help and Tab)."""
    base = inspect.signature(LabellingAnnotator.__init__)
    extra = [
        inspect.Parameter(
            "key",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation="AnswerKeyLike | str | os.PathLike[str] | None",
        ),
        inspect.Parameter(
            "feedback", inspect.Parameter.KEYWORD_ONLY, default=FEEDBACK_IMMEDIATE, annotation="str"
        ),
    ]
    return base.replace(parameters=[*list(base.parameters.values())[1:], *extra])


Annotator.__signature__ = _signature()  # type: ignore[attr-defined]
