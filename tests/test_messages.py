"""Translatable UI: the widget's own words from gettext catalogues, and guidelines per language."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import ipywidgets as w
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from factcheck import session
from factcheck.annotator import Annotator
from factcheck.articles import Article
from factcheck.errors import InputError
from factcheck.labels import CHECKWORTHY_SCHEME, DEFAULT_SCHEME, load_scheme
from factcheck.messages import LOCALE, catalogue_path, translator, ui_language, ui_languages
from tests._widget_helpers import all_widgets, rows_of

PACKAGE = Path(__file__).resolve().parents[1] / "factcheck"
TRANSLATED = (
    "annotator.py",
    "_widgets.py",
    "_escape.py",
)  # the modules whose _("...") strings are in it
# Strings passed to _() through a variable: the stale-kernel banner and the filter captions.
INDIRECT = [session.STALE_TEXT] + [
    caption
    for caption, value in session.filter_options(DEFAULT_SCHEME)
    if value not in DEFAULT_SCHEME.names
]


def catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def literal_messages() -> set[str]:
    """Every string literal given to _() in the translated modules (as xgettext finds them)."""
    found = set()
    for name in TRANSLATED:
        for _line, message, _comments, _context in extract_from_file("python", PACKAGE / name):
            first = message if isinstance(message, str) else (list(message) or [None])[0]
            if first:  # _(variable) has no literal: those are INDIRECT
                found.add(first)
    return found


def test_every_widget_string_is_in_the_template_and_translated_to_spanish():
    """Test that the .pot lists every message the widget asks for and es translates each,
    keeping the same {placeholders}."""
    wanted = literal_messages() | set(INDIRECT)
    assert len(wanted) > 30
    template = {m.id for m in catalogue(LOCALE / "factcheck.pot") if m.id}
    assert wanted <= template
    spanish = {m.id: m.string for m in catalogue(catalogue_path("es")) if m.id}
    assert set(spanish) == template
    for english, translation in spanish.items():
        assert translation and translation != english, english
        assert re.findall(r"\{\w+\}", translation) == re.findall(r"\{\w+\}", english), english


def test_compiled_catalogues_are_up_to_date_with_their_po_files():
    """Test that each shipped .mo is exactly what its .po compiles to (python -m
    factcheck.messages rebuilds them)."""
    for po in LOCALE.glob("*/LC_MESSAGES/factcheck.po"):
        expected = io.BytesIO()
        write_mo(expected, catalogue(po))
        assert po.with_suffix(".mo").read_bytes() == expected.getvalue(), po


def test_translator_falls_back_to_english():
    """Test that a language without a catalogue, or a message it lacks, stays English."""
    assert translator("es")("Next page ▶") == "Página siguiente ▶"
    assert translator("fr")("Next page ▶") == "Next page ▶"
    assert translator("es")("A message nobody translated") == "A message nobody translated"
    assert ui_languages() == ("en", "es")


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "es_ES.UTF-8"}, "es"),
        ({"LANGUAGE": "fr:es", "LANG": "en_GB.UTF-8"}, "es"),
        ({"LC_ALL": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_ui_language_comes_from_the_locale_when_not_given(environ, language):
    """Test that the first locale variable naming a language with a catalogue decides."""
    assert ui_language(None, environ) == language


def test_a_bad_ui_language_is_refused():
    """Test that a ui_language that is not a language code is an InputError naming it."""
    with pytest.raises(InputError, match="ui_language=: 'Spanish!' is not a language code"):
        ui_language("Spanish!")


ARTICLE = Article.from_text(
    "The ferry timetable was approved on Tuesday. It is a triumph for common sense.",
    id="ferry",
)


def texts_of(ann: Annotator) -> set[str]:
    """Every description, placeholder, tooltip and option caption in the widget tree."""
    found = set()
    for widget in all_widgets(ann.widget):
        for name in ("description", "placeholder", "tooltip", "value"):
            value = getattr(widget, name, None)
            if isinstance(value, str):
                found.add(value)
        if isinstance(widget, (w.Dropdown, w.ToggleButtons)):
            found.update(caption for caption in widget._options_labels)
    return found


def test_the_widget_speaks_spanish_and_still_labels(tmp_path: Path):
    """Test that Annotator(ui_language="es") shows its own words and guidelines in Spanish,
    keeps the label names and keys, and writes the same log."""
    ann = Annotator(
        [ARTICLE, ARTICLE.from_text("Otra.", id="b")],
        annotator="ana",
        folder=tmp_path,
        ui_language="es",
    )
    shown = texts_of(ann)
    assert {
        "Página siguiente ▶",
        "Artículo anterior",
        "Cualquier fuente",
        "Todas",
        "Sin etiquetar",
    } <= {s.replace("◀ ", "") for s in shown}
    assert "Etiquetar verified (tecla 1)" in shown
    assert "nota o URL de la prueba (tecla e)" in shown
    assert ann._bridge.stale_text.startswith("Núcleo reiniciado")
    assert ann.guidelines.get_title(0).startswith("Guía:")
    guidelines = ann.guidelines.children[0].value
    assert "Una afirmación factual que una fuente fiable" in guidelines
    assert "Las cifras citadas sin fuente son unconfirmed" in guidelines
    assert "<i>Ejemplo:</i>" in guidelines and "(tecla 1)" in guidelines
    assert ann.page_label.value.startswith("página 1 de 1 · frases 1–")
    assert ann.status.startswith("Las etiquetas se guardan en")
    ann.press("1")
    (row,) = rows_of(tmp_path / "ana.csv")
    assert (row["label"], row["scheme"]) == ("verified", "default@1")


def test_the_widget_is_english_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Test that without ui_language and with an English locale nothing is translated."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    ann = Annotator(ARTICLE, annotator="ana", folder=tmp_path)
    assert ann.ui_language == "en"
    shown = texts_of(ann)
    assert {"Next page ▶", "Label verified (key 1)", "note or evidence URL (key e)"} <= shown
    assert ann._bridge.stale_text == session.STALE_TEXT


def test_the_locale_chooses_spanish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Test that LANG=es_ES.UTF-8 makes the widget Spanish without ui_language."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    ann = Annotator(ARTICLE, annotator="ana", folder=tmp_path)
    assert ann.ui_language == "es"
    assert "Página siguiente ▶" in texts_of(ann)


def test_scheme_guidelines_per_language_fall_back_to_english():
    """Test that localised() swaps definitions, examples and rules, keeps id, names, keys and
    colours, and leaves a scheme without translations (or a language without) in English."""
    spanish = DEFAULT_SCHEME.localised("es")
    assert spanish.id == DEFAULT_SCHEME.id
    assert spanish.names == DEFAULT_SCHEME.names
    assert spanish.colours == DEFAULT_SCHEME.colours
    assert [label.key for label in spanish] == [label.key for label in DEFAULT_SCHEME]
    assert spanish.get("opinion").example == "Fue la promesa más audaz de toda la campaña."
    assert len(spanish.rules) == len(DEFAULT_SCHEME.rules)
    assert spanish.rules[0].startswith("Discurso atribuido")
    assert DEFAULT_SCHEME.localised("de") == DEFAULT_SCHEME
    assert (
        DEFAULT_SCHEME.localised("de").get("opinion").example
        == DEFAULT_SCHEME.get("opinion").example
    )
    assert CHECKWORTHY_SCHEME.localised("es").get("yes").definition == (
        CHECKWORTHY_SCHEME.get("yes").definition
    )
    assert DEFAULT_SCHEME.languages == ("en", "es")


def test_translated_scheme_round_trips_through_json(tmp_path: Path):
    """Test that a scheme file keeps its translations, and one without them stays as before."""
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(DEFAULT_SCHEME.to_dict(), ensure_ascii=False), encoding="utf-8")
    loaded = load_scheme(path)
    assert loaded.localised("es").get("verified").definition == (
        DEFAULT_SCHEME.localised("es").get("verified").definition
    )
    assert loaded.localised("es").rules == DEFAULT_SCHEME.localised("es").rules
    plain = CHECKWORTHY_SCHEME.to_dict()
    assert "rule_translations" not in plain
    assert all("translations" not in label for label in plain["labels"])


def test_the_wheel_ships_the_catalogues():
    """Test that pyproject's package data takes every catalogue file into the wheel (checked
    by hand once with pip wheel: factcheck/locale/es/LC_MESSAGES/factcheck.mo is in it)."""
    import tomllib

    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["factcheck"]
    files = [p for p in LOCALE.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} >= {".po", ".mo", ".pot"}
    shipped = {path for pattern in globs for path in PACKAGE.glob(pattern)}
    for path in files:
        assert path in shipped, path.relative_to(PACKAGE)


def test_the_student_app_opens_the_widget_in_the_class_language(tmp_path: Path, monkeypatch):
    """Test that FACTCHECK_UI_LANGUAGE=es makes the student's widget Spanish."""
    from factcheck.classroom import make_answer_key
    from factcheck.log import AnnotationLog
    from factcheck.student import ENV_UI_LANGUAGE, config_from_env, student_app

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "ferry.txt").write_text(ARTICLE.text, encoding="utf-8")
    teacher = AnnotationLog(tmp_path / "teacher" / "lee.csv", annotator="lee")
    for sentence in ARTICLE.sentences:
        teacher.record(sentence, "verified", "Minutes, p. 3.")
    key = tmp_path / "key.csv"
    make_answer_key(teacher.path, key)
    monkeypatch.setenv(ENV_UI_LANGUAGE, "es")
    assert config_from_env().ui_language == "es"
    app = student_app(key, articles, tmp_path / "answers")
    ann = app.start("ana")
    assert ann is not None and ann.ui_language == "es"
    assert "Estudiante: ana" in texts_of(ann)
    app.close()
