"""Label schemes: the set of labels an annotator chooses from, with guidelines for each."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import SchemeError


@dataclass(frozen=True)
class Label:
    """One label: its name (lowercase), guideline text, keyboard key and display colour.

    ``translations`` maps a language code to that language's ``definition`` and ``example``
    (``{"es": {"definition": ..., "example": ...}}``); the name, key and colour stay the same
    in every language, so logs and charts do not depend on who read which guidelines.
    """

    name: str
    definition: str
    example: str
    key: str
    colour: str
    translations: dict[str, dict[str, str]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def localised(self, language: str) -> Label:
        """This label with its definition and example in ``language`` (English where the
        scheme has no translation, field by field)."""
        text = self.translations.get(language, {})
        return replace(
            self,
            definition=text.get("definition") or self.definition,
            example=text.get("example") or self.example,
        )


@dataclass(frozen=True)
class LabelScheme:
    """An ordered set of labels plus general rules (e.g. how to treat attributed speech)."""

    name: str
    version: str
    labels: tuple[Label, ...]
    rules: tuple[str, ...] = field(default=())
    # Language code -> the rules in that language (all of them, in the same order).
    rule_translations: dict[str, tuple[str, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

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

    def localised(self, language: str) -> LabelScheme:
        """The scheme with its guidelines (definitions, examples, rules) in ``language``,
        falling back to English; the same id, names, keys and colours."""
        if language == "en":
            return self
        return replace(
            self,
            labels=tuple(label.localised(language) for label in self.labels),
            rules=tuple(self.rule_translations.get(language, ())) or self.rules,
        )

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the guidelines are written in: English first, then translations."""
        found = {code for label in self.labels for code in label.translations}
        return ("en", *sorted(found | set(self.rule_translations)))

    def with_labels(self, *extra: Label, name: str | None = None) -> LabelScheme:
        """A copy of this scheme with extra labels appended (e.g. ``false``, ``satire``)."""
        return LabelScheme(
            name=name or f"{self.name}+{'+'.join(label.name for label in extra)}",
            version=self.version,
            labels=self.labels + tuple(extra),
            rules=self.rules,
            rule_translations=self.rule_translations,
        )

    def to_dict(self) -> dict:
        """A JSON-ready dict; ``load_scheme`` reads it back (translations only if any)."""
        labels = []
        for label in self.labels:
            item = label.__dict__.copy()
            if not item["translations"]:
                del item["translations"]
            labels.append(item)
        data = {
            "name": self.name,
            "version": self.version,
            "rules": list(self.rules),
            "labels": labels,
        }
        if self.rule_translations:
            data["rule_translations"] = {k: list(v) for k, v in self.rule_translations.items()}
        return data


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
            translations={
                "es": {
                    "definition": (
                        "Una afirmación factual que una fuente fiable y citable confirma: un "
                        "registro, un documento, una declaración oficial o una medición "
                        "independiente. Pon la prueba (URL, documento, fecha de consulta) en la "
                        "nota."
                    ),
                    "example": (
                        "El pleno aprobó el presupuesto el 3 de marzo por 7 votos a 2 (acta, p. 4)."
                    ),
                }
            },
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
            translations={
                "es": {
                    "definition": (
                        "Una afirmación factual, comprobable en principio, que no está "
                        "confirmada: una cifra discutida, una sola fuente, algo que «según se "
                        "informa» o que «no se ha podido verificar de forma independiente»."
                    ),
                    "example": "Según se informa, la planta emplea a más de 4.000 personas.",
                }
            },
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
            translations={
                "es": {
                    "definition": (
                        "Un juicio, una valoración, una predicción, una caracterización o una "
                        "creencia; no puede ser verdadero o falso como lo es un hecho."
                    ),
                    "example": "Fue la promesa más audaz de toda la campaña.",
                }
            },
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
    rule_translations={
        "es": (
            "Discurso atribuido («X dijo Y»): etiqueta lo que la frase pide creer al lector. "
            "Si Y es un juicio, etiqueta opinion. Si Y es una afirmación factual, etiquétala "
            "verified solo cuando una fuente confirme Y; si no, unconfirmed: que X lo dijera "
            "no basta. Ejemplo: '«La delincuencia se ha duplicado», dijo la alcaldesa.' es "
            "unconfirmed salvo que las cifras de delincuencia lo confirmen.",
            "Las cautelas («según se informa», «según», «fuentes dicen») marcan una afirmación "
            "como unconfirmed, salvo que tú mismo hayas comprobado la fuente original.",
            "Las cifras citadas sin fuente son unconfirmed hasta que encuentres una.",
        )
    },
)


CHECKWORTHY_SCHEME = LabelScheme(
    name="checkthat-worthiness",
    version="1",
    labels=(
        Label(
            name="yes",
            definition=(
                "Check-worthy (CLEF CheckThat!): a factual claim the public would want checked, "
                "because it may be false and could mislead or cause harm if it were."
            ),
            example="The new bypass cut the average commute in Vellmar by 40 minutes.",
            key="1",
            colour="#D55E00",
        ),
        Label(
            name="no",
            definition=(
                "Not check-worthy: an opinion, a question, a greeting, or a factual statement "
                "too trivial or too plainly true to be worth a fact-checker's time."
            ),
            example="Thank you all for coming out on such a cold evening.",
            key="2",
            colour="#56B4E9",
        ),
    ),
    rules=(
        "Judge the sentence as a reader of the article: would a fact-checker want to check it?",
    ),
)
CLAIMBUSTER_SCHEME = LabelScheme(
    name="claimbuster",
    version="1",
    labels=(
        Label(
            name="nfs",
            definition=(
                "Non-factual sentence (NFS): opinions, beliefs, declarations, questions; "
                "nothing in it can be true or false."
            ),
            example="I believe this town deserves better.",
            key="1",
            colour="#CC79A7",
        ),
        Label(
            name="ufs",
            definition=(
                "Unimportant factual sentence (UFS): factual, but the public would not care "
                "whether it is true."
            ),
            example="I grew up two streets from this hall.",
            key="2",
            colour="#E69F00",
        ),
        Label(
            name="cfs",
            definition=(
                "Check-worthy factual sentence (CFS): a factual claim the public would care "
                "about and that may be false."
            ),
            example="Under my opponent, unemployment in Harlow Bay tripled.",
            key="3",
            colour="#0072B2",
        ),
    ),
    rules=("Label what the speaker asserts, not whether you agree with it.",),
)
FEVER_SCHEME = LabelScheme(
    name="fever",
    version="1",
    labels=(
        Label(
            name="supports",
            definition=(
                "The evidence you found supports the claim. Put the evidence (URL, document, "
                "date checked) in the note."
            ),
            example="The Ostmark bridge opened in 1962 (city archive, record 1962/114).",
            key="1",
            colour="#009E73",
        ),
        Label(
            name="refutes",
            definition=(
                "The evidence you found contradicts the claim. Put the evidence in the note."
            ),
            example="The mayor said the library has 2 million books; its catalogue lists 80,000.",
            key="2",
            colour="#D55E00",
        ),
        Label(
            name="not enough info",
            definition=(
                "No evidence you could find supports or refutes the claim, or the sentence "
                "makes no checkable claim."
            ),
            example="Officials privately expect the plant to close next spring.",
            key="3",
            colour="#999999",
        ),
    ),
    rules=("A claim is judged by the evidence you cite in the note, not by what you believe.",),
)
SCHEMES: dict[str, LabelScheme] = {
    scheme.name: scheme
    for scheme in (DEFAULT_SCHEME, CHECKWORTHY_SCHEME, CLAIMBUSTER_SCHEME, FEVER_SCHEME)
}


def scheme_preset(name: str) -> LabelScheme:
    """The built-in scheme called ``name`` (see ``SCHEMES``); SchemeError names the others."""
    try:
        return SCHEMES[name]
    except KeyError:
        raise SchemeError(
            f"No built-in label scheme {name!r}. Built-in schemes: {', '.join(SCHEMES)}; "
            "or pass the path of a JSON scheme file."
        ) from None


def load_scheme(path: str | Path) -> LabelScheme:
    """A built-in scheme by name (``"claimbuster"``, see ``SCHEMES``) or one read from a JSON
    file written by ``LabelScheme.to_dict``; a preset name wins (write ``./claimbuster`` for a
    file of that name)."""
    if isinstance(path, str) and path in SCHEMES:
        return SCHEMES[path]
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        labels = tuple(Label(**item) for item in data["labels"])
        return LabelScheme(
            name=data["name"],
            version=str(data.get("version", "1")),
            labels=labels,
            rules=tuple(data.get("rules", ())),
            rule_translations={
                str(code): tuple(rules)
                for code, rules in dict(data.get("rule_translations", {})).items()
            },
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise SchemeError(
                f"{path}: no such label scheme file, and no built-in scheme of that name. "
                f"Built-in schemes: {', '.join(SCHEMES)}; or pass a JSON scheme file."
            ) from None
        if isinstance(exc, SchemeError):
            raise SchemeError(f"{path}: {exc}") from None
        raise SchemeError(
            f"{path}: cannot read the label scheme ({exc}). It must be JSON with 'name', "
            "'version', 'labels' (each with name, definition, example, key, colour, optional "
            "'translations') and optional 'rules' and 'rule_translations'."
        ) from None
