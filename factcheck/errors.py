"""The few exception classes factcheck raises; each message names the file and what to do."""

from __future__ import annotations


class FactcheckError(Exception):
    """Base class for every error factcheck raises on purpose."""


class InputError(FactcheckError, ValueError):
    """An article file or corpus cannot be read; the message names the file (and row)."""


class LogFormatError(FactcheckError, ValueError):
    """An annotation log has a malformed row; the message names the file and line."""


class SchemeError(FactcheckError, ValueError):
    """A label is not in the label scheme, or a scheme file is malformed."""


class InputWarning(UserWarning):
    """Something in the input was skipped or repaired; the message names the file (and row)."""
