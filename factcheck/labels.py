"""Label schemes: the set of labels an annotator chooses from, with guidelines for each."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SchemeError


@dataclass(frozen=True)
class Label:
    """One label: its name (lowercase), guideline text, keyboard key and display colour."""

    name: str
    definition: str
    example: str
    key: str
    colour: str


@dataclass(frozen=True)
class LabelScheme:
    """An ordered set of labels plus general rules (e.g. how to treat attributed speech)."""

    name: str
    version: str
    labels: tuple[Label, ...]
    rules: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        names = [label.name for label in self.labels]
        if not names:
            raise SchemeError(f"Label scheme {self.name!r} has no labels. Add at least one.")
        if len(set(names)) != len(names):
            raise SchemeError(f"Label scheme {self.name!r} repeats a label name: {names}.")
        for name in names:
            if not name or name != name.strip().lower() or "," in name:
                raise SchemeError(
                    f"Label scheme {self.name!r}: label {name!r} must be a non-empty "
                    "lowercase name without commas."
                )
        keys = [label.key for label in self.labels]
        if len(set(keys)) != len(keys):
            raise SchemeError(f"Label scheme {self.name!r} repeats a keyboard key: {keys}.")

    @property
    def id(self) -> str:
        """The identifier written into every log row, e.g. ``default@1``."""
        return f"{self.name}@{self.version}"

    @property
    def names(self) -> tuple[str, ...]:
        """Label names in display order."""
        return tuple(label.name for label in self.labels)

    @property
    def colours(self) -> dict[str, str]:
        """Label name -> colour, shared by the widget and every chart."""
        return {label.name: label.colour for label in self.labels}

    def __iter__(self) -> Iterator[Label]:
        return iter(self.labels)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def get(self, name: str) -> Label:
        """The label called ``name``; raises SchemeError naming the known labels."""
        for label in self.labels:
            if label.name == name:
                return label
        raise SchemeError(
            f"Unknown label {name!r}. Known labels: {', '.join(self.names)}. "
            "Use one of them or add the label to the scheme."
        )

    def with_labels(self, *extra: Label, name: str | None = None) -> LabelScheme:
        """A copy of this scheme with extra labels appended (e.g. ``false``, ``satire``)."""
        return LabelScheme(
            name=name or f"{self.name}+{'+'.join(label.name for label in extra)}",
            version=self.version,
            labels=self.labels + tuple(extra),
            rules=self.rules,
        )

    def to_dict(self) -> dict:
        """A JSON-ready dict; ``load_scheme`` reads it back."""
        return {
            "name": self.name,
            "version": self.version,
            "rules": list(self.rules),
            "labels": [label.__dict__.copy() for label in self.labels],
        }


# Colours: Okabe-Ito palette, distinguishable with the common colour-vision deficiencies.
# Every label is also shown by its text, so colour is never the only cue.
DEFAULT_SCHEME = LabelScheme(
    name="default",
    version="1",
    labels=(
        Label(
            name="verified",
            definition=(
                "A factual statement that a reliable, citable source confirms: a record, a "
                "document, an on-record statement or an independent measurement. Put the "
                "evidence (URL, document, date checked) in the note."
            ),
            example="The council approved the budget on 3 March by 7 votes to 2 (minutes, p. 4).",
            key="1",
            colour="#0072B2",
        ),
        Label(
            name="unconfirmed",
            definition=(
                "A factual claim, checkable in principle, that is not confirmed: a disputed "
                "figure, a single-source claim, something 'reported' or 'could not be "
                "independently verified'."
            ),
            example="The plant reportedly employs more than 4,000 people.",
            key="2",
            colour="#E69F00",
        ),
        Label(
            name="opinion",
            definition=(
                "A judgement, value statement, prediction, characterisation or belief; it "
                "cannot be true or false in the way a fact can."
            ),
            example="It was the boldest promise of the whole campaign.",
            key="3",
            colour="#CC79A7",
        ),
    ),
    rules=(
        'Attributed speech ("X said Y"): label what the sentence asks the reader to believe. '
        "If Y is a judgement, label opinion. If Y is a factual claim, label it verified only "
        "when Y itself is confirmed by a source, otherwise unconfirmed - that X said it is "
        "not enough. Example: '\"Crime has doubled,\" the mayor said.' is unconfirmed unless "
        "the crime figures confirm it.",
        'Hedges ("reportedly", "according to", "sources say") mark a claim as '
        "unconfirmed unless you have checked the underlying source yourself.",
        "Figures quoted without a source are unconfirmed until you find one.",
    ),
)


def load_scheme(path: str | Path) -> LabelScheme:
    """Read a label scheme from a JSON file written by ``LabelScheme.to_dict``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        labels = tuple(Label(**item) for item in data["labels"])
        return LabelScheme(
            name=data["name"],
            version=str(data.get("version", "1")),
            labels=labels,
            rules=tuple(data.get("rules", ())),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, SchemeError):
            raise SchemeError(f"{path}: {exc}") from None
        raise SchemeError(
            f"{path}: cannot read the label scheme ({exc}). It must be JSON with 'name', "
            "'version', 'labels' (each with name, definition, example, key, colour) and "
            "optional 'rules'."
        ) from None
