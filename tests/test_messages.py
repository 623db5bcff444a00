"""Translatable UI: the widget's own words from gettext catalogues, and guidelines per language."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import ipywidgets as w
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from factcheck import session
from factcheck.annotator import Annotator
from factcheck.articles import Article
from factcheck.errors import InputError
from factcheck.labels import CHECKWORTHY_SCHEME, DEFAULT_SCHEME, load_scheme
from factcheck.messages import (
    LOCALE,
    SOURCES,
    catalogue_path,
    extracted_messages,
    translator,
    ui_language,
    ui_languages,
)
from tests._widget_helpers import all_widgets, rows_of

PACKAGE = Path(__file__).resolve().parents[1] / "factcheck"


def catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def test_every_widget_string_is_in_the_template_and_translated_to_spanish():
    """Test that the .pot lists exactly the messages the widget family asks for (python -m
    factcheck.messages rewrites it) and es translates each, keeping the same {placeholders}."""
    assert {"session.py", "_evidence_form.py", "adjudicator.py", "student.py"} <= set(SOURCES)
    wanted = set(extracted_messages())
    assert len(wanted) > 200
    # Constants marked with N_ and the texts built by session's pure functions are in it.
    assert {session.STALE_TEXT, session.UNDO_UNCHANGED, "Saved {time} to {where}"} <= wanted
    assert "Keys: {keys} (click the sentence list first)" in wanted
    template = {m.id for m in catalogue(LOCALE / "factcheck.pot") if m.id}
    assert wanted == template
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


# ----- the status line, keys help, progress, evidence panel, adjudicator and student screen


def catalogue_ids() -> set[str]:
    """Every English message id of the catalogue (what an untranslated text would show)."""
    return {m.id for m in catalogue(LOCALE / "factcheck.pot") if m.id}


def label_undo_and_open_the_panel(ann: Annotator) -> dict[str, str]:
    """Label sentence 1 by key, undo it, label it again, open its evidence panel (key v):
    what the status line, keys help, progress and panel say at each step."""
    seen = {}
    ann.press("1")
    seen["labelled"] = ann.status
    ann.press("u")
    seen["undone"] = ann.status
    ann.press("k")
    ann.press("1")
    ann.press("k")
    ann.press("v")
    seen["panel status"] = ann.status
    seen["keys"] = ann.keys_label.value
    seen["progress"] = ann.article_progress_label.value
    form = ann.evidence_form
    assert form is not None and form.is_open
    seen["panel title"] = form.title.value
    seen["panel items"] = form.items.value
    seen["url placeholder"] = form.url.placeholder
    seen["add"] = form.add_button.description
    seen["type caption"] = form.source_type.label
    return seen


def test_spanish_status_keys_progress_and_evidence_panel(tmp_path: Path):
    """Test that a real Spanish Annotator says "saved", undo, the key help, the progress and
    the evidence panel in Spanish, names no English message anywhere in its widget tree,
    and still writes the same log."""
    ann = Annotator(ARTICLE, annotator="ana", folder=tmp_path, ui_language="es")
    seen = label_undo_and_open_the_panel(ann)
    assert re.fullmatch(
        r"Guardado \d\d:\d\d:\d\d en .*ana\.csv: frase 1 'verified'\.", seen["labelled"]
    )
    assert seen["undone"].endswith(
        ". Deshecha la frase 1: 'verified' quitada, la frase vuelve a estar sin etiquetar."
    )
    assert seen["panel status"] == (
        "Editando las pruebas de la frase 1: Intro añade o guarda, Tab avanza, Escape cierra."
    )
    assert seen["keys"].startswith("Teclas: 1 verified · ")
    assert (
        " · 0/Backspace/Delete borrar · u deshacer · e nota (Intro guarda, Esc descarta)"
        in (seen["keys"])
    )
    assert seen["keys"].endswith(
        " · v pruebas · r reformular la afirmación (haz clic primero en la lista de frases)"
    )
    assert seen["progress"] == "1 de 2 frases etiquetadas en este artículo (50%)"
    assert seen["panel title"] == (
        "Pruebas de la frase 1 (etiquetada 'verified') · Intro añade · Tab campo siguiente · "
        "Esc cierra"
    )
    assert "Aún no hay pruebas." in seen["panel items"]
    assert seen["url placeholder"] == "URL de la prueba: pégala, Intro la añade (https://...)"
    assert (seen["add"], seen["type caption"]) == ("Añadir prueba", "otra")
    ann.add_evidence("https://harbour.example.org/minutes.pdf")
    assert ann.status.endswith(" Tiene 1 fuente.")
    assert "1 fuente" in ann._line_of(ann.rows[0]).value
    shown = texts_of(ann) | set(seen.values()) | {ann.status}
    # The source type dropdown's value is the log's code ("other"), not a caption.
    assert not catalogue_ids() & shown - {ann.evidence_form.source_type.value}
    rows = rows_of(tmp_path / "ana.csv")
    assert [r["label"] for r in rows] == ["verified", "", "verified", "verified"]


def test_english_status_keys_progress_and_evidence_panel(tmp_path: Path):
    """Test that the same steps in English give exactly the English texts."""
    ann = Annotator(ARTICLE, annotator="ana", folder=tmp_path, ui_language="en")
    seen = label_undo_and_open_the_panel(ann)
    assert re.fullmatch(
        r"Saved \d\d:\d\d:\d\d to .*ana\.csv: sentence 1 'verified'\.", seen["labelled"]
    )
    assert seen["undone"].endswith(
        ". Undid sentence 1: 'verified' removed, the sentence is unlabelled again."
    )
    assert seen["panel status"] == (
        "Editing the evidence of sentence 1: Enter adds or saves, Tab moves on, Escape closes."
    )
    assert seen["keys"] == session.key_hints(DEFAULT_SCHEME).replace(
        " (click", " · v evidence · r claim rewrite (click"
    )
    assert seen["keys"].startswith("Keys: 1 verified · ")
    assert seen["progress"] == "1 of 2 sentences labelled in this article (50%)"
    assert seen["panel title"] == (
        "Evidence for sentence 1 (labelled 'verified') · Enter adds · Tab next field · Esc closes"
    )
    assert "No evidence yet." in seen["panel items"]
    assert (seen["add"], seen["type caption"]) == ("Add evidence", "other")


def test_session_texts_take_a_translate_function():
    """Test that session's pure text functions speak the language they are given and stay
    English by default."""
    es = translator("es")
    before = session.SentenceState("verified", "p. 3")
    after = session.SentenceState("opinion", "")
    assert session.undo_text(3, before, after) == (
        "Undid sentence 4: 'verified' → restored 'opinion'; the note 'p. 3' removed."
    )
    assert session.undo_text(3, before, after, es) == (
        "Deshecha la frase 4: 'verified' → recuperada 'opinion'; quitada la nota 'p. 3'."
    )
    assert session.flag_text(0, True, es).startswith("frase 1 marcada para debatir")
    assert session.note_closed_text(1, discarded=True, translate=es) == (
        "Edición de la nota descartada: la frase 2 conserva la nota que tenía."
    )
    assert session.corpus_text(1, 2, 3, 10, translate=es) == (
        "1 frase etiquetada · 2 de 10 artículos terminados, 1 más empezados (20%)"
    )
    assert session.corpus_text(1, 2, 3, 10) == (
        "1 sentence labelled · 2 of 10 articles done, 1 more started (20%)"
    )
    hints = session.key_hints(DEFAULT_SCHEME, corpus=True, translate=es)
    assert "n/p artículo siguiente/anterior" in hints
    assert [c for c, _v in session.filter_options(DEFAULT_SCHEME, translate=es)][:3] == [
        "Todas",
        "Sin etiquetar",
        "⚑ Marcadas",
    ]


def test_the_adjudicator_speaks_spanish(tmp_path: Path):
    """Test that Adjudicator(ui_language="es") shows its keys help, position, votes, status
    and decision in Spanish, and English without it."""
    from factcheck.adjudicator import Adjudicator
    from factcheck.log import AnnotationLog

    folder = tmp_path / "annotations"
    article = Article.from_text("The fare rose 5%. It was a scandal.", id="fares")
    for name, label in (("ana", "verified"), ("ben", "opinion")):
        log = AnnotationLog(annotator=name, folder=folder)
        log.record(article.sentences[0], label, "")
    adj = Adjudicator(folder, [article], folder=tmp_path / "adj", ui_language="es")
    assert adj.keys_label.value.startswith("Etiqueta final: 1 verified")
    assert adj.position_label.value.startswith("Frase 1 de 1 en la cola (artículo fares, frase 1")
    assert adj.votes_label.value.startswith("Votos: verified 1")
    assert adj.decision_label.value == "Tu decisión: ninguna todavía."
    assert adj.guidelines.get_title(0).startswith("Guía:")
    adj.press("1")
    assert adj.status.startswith("Etiqueta final verified: ahora elige el motivo")
    adj.press("s")
    assert adj.status.startswith("Guardado: frase 1 de la cola → verified (")
    adj.press("u")
    assert adj.status == "Deshecho: frase 1 de la cola → ninguna decisión."
    shown = {getattr(x, "value", "") for x in all_widgets(adj.widget)} | {adj.status}
    assert not catalogue_ids() & shown
    english = Adjudicator(folder, [article], folder=tmp_path / "adj2", ui_language="en")
    assert english.decision_label.value == "Your decision: none yet."
    english.press("u")
    assert english.status == "Nothing to undo."


def test_the_student_name_screen_speaks_the_class_language(tmp_path: Path):
    """Test that the student app's name entry and its refusals are Spanish with
    ui_language="es" (and the same refusals stay English by default)."""
    from factcheck.classroom import make_answer_key
    from factcheck.log import AnnotationLog
    from factcheck.student import check_student_name, student_app

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "ferry.txt").write_text(ARTICLE.text, encoding="utf-8")
    teacher = AnnotationLog(tmp_path / "teacher" / "lee.csv", annotator="lee")
    for sentence in ARTICLE.sentences:
        teacher.record(sentence, "verified", "Minutes, p. 3.")
    key = tmp_path / "key.csv"
    make_answer_key(teacher.path, key)
    app = student_app(key, articles, tmp_path / "answers", ui_language="es")
    assert (app.name_text.placeholder, app.start_button.description) == ("tu nombre", "Empezar")
    assert app.anonymous_button.description == "Seguir anónimo/a"
    assert "Escribe tu nombre" in app.form.children[0].value
    assert app.start("=SUM(A1)") is None
    assert app.message == (
        "Ese nombre no se puede usar: empiézalo con una letra o un dígito, p. ej. 'Ana K'. "
        "Luego pulsa Empezar otra vez."
    )
    assert app.start("   ") is None
    assert app.message == "Escribe primero tu nombre, o pulsa Seguir anónimo/a."
    app.close()
    with pytest.raises(InputError, match="start it with a letter or a digit"):
        check_student_name("=SUM(A1)")


def test_search_filters_and_the_saved_copy_speak_spanish(tmp_path: Path):
    """Test that the search and filter status and a saved notebook's stand-in text are in
    the widget's language, and stay English by default."""
    articles = [ARTICLE, Article.from_text("Otra frase.", id="b")]
    ann = Annotator(articles, annotator="ana", folder=tmp_path, ui_language="es")
    assert ann.article_position_label.value == "artículo 1 de 2"
    assert (
        ann.corpus_progress_label.value == "0 frases etiquetadas · 0 de 2 artículos terminados (0%)"
    )
    ann.find("zzz")
    assert ann.status == "Ningún título, id o fuente de artículo contiene 'zzz'."
    ann.find("ferry")
    assert ann.status.endswith("coinciden con 'ferry': elige uno de la lista.")
    data = ann._repr_mimebundle_()
    data = data[0] if isinstance(data, tuple) else data
    assert data["text/plain"].startswith("anotador de factcheck: ")
    assert "Esta es una copia guardada" in data["text/plain"]
    assert (
        "ana: 0 frases etiquetadas, 0 de 2 artículos terminados, 0 marcada(s)"
        in (data["text/plain"])
    )
    english = Annotator(articles, annotator="ana", folder=tmp_path / "en", ui_language="en")
    english.find("zzz")
    assert english.status == "No article's title, id or source holds 'zzz'."
    summary = english.summary()
    assert session.fallback_text(summary).startswith("factcheck annotator: ")


def assisted_steps(tmp_path: Path, language: str) -> dict[str, str]:
    """A real assisted Annotator (a thread-trained model, claim memory) in ``language``:
    what its readiness line, queue captions and notes, chips, similar sentences and the
    accept (a) and copy (c) statuses say, step by step."""
    from factcheck.suggest import SuggestionModel
    from tests.test_annotator_suggest import corpus_article, gold

    model = SuggestionModel(min_labels=4, background="thread")
    ann = Annotator(
        corpus_article(),
        annotator="ana",
        folder=tmp_path,
        page_size=10,
        suggest=model,
        ui_language=language,
    )
    keys = {label.name: label.key for label in ann.scheme}
    seen = {"queue captions": " | ".join(ann.queue_dropdown._options_labels)}
    ann.choose_queue("uncertain")  # no model yet: reading order, and a note says so
    seen["queue note"] = ann.status
    ann.choose_queue("reading")
    ann.press(keys[gold(ann.focused.index)])
    assert ann.wait_for_suggestions(60)
    seen["readiness"] = ann.suggest_label.value
    for _ in range(5):
        ann.press(keys[gold(ann.focused.index)])
    assert ann.wait_for_suggestions(60)
    seen["trained"] = ann.suggest_label.value
    chip = next(ann._chips[id(r)].value for r in ann.rows if ann._chips[id(r)].value)
    seen["chip"] = chip
    seen["similar"] = ann.similar_box.value
    seen["already"] = (ann.accept_suggestion(ann.rows[0].sentence_id), ann.status)[1]
    ann.press("a")
    seen["accepted"] = ann.status
    assert ann.wait_for_suggestions(60)
    ann.press("c")
    seen["copied"] = ann.status
    seen["texts"] = "\n".join(texts_of(ann))
    ann.close()
    assert [r["label"] for r in rows_of(tmp_path / "ana.csv")][:6] == [gold(i) for i in range(6)]
    return seen


def test_spanish_suggestions_queues_and_claim_memory(tmp_path: Path):
    """Test that a real Spanish assisted Annotator shows its readiness, queue captions and
    notes, suggestion chips, similar sentences and the a/c statuses in Spanish (no English
    catalogue message left in its widget tree), and still saves the same labels."""
    seen = assisted_steps(tmp_path, "es")
    assert seen["queue captions"] == (
        "Orden de lectura | Menos seguras primero | Probablemente verified primero | "
        "Probablemente unconfirmed primero | Probablemente opinion primero"
    )
    assert seen["queue note"].endswith(
        "Aún no hay modelo de sugerencias, así que la cola está en orden de lectura."
    )
    assert seen["readiness"] == (
        "Las sugerencias aparecen tras 4 etiquetas con al menos 2 etiquetas distintas; "
        "1 hasta ahora (faltan 3)."
    )
    assert re.fullmatch(
        r"Sugerencias de factcheck-tfidf-lr/\d+, entrenado con \d etiquetas\.", seen["trained"]
    )
    assert re.fullmatch(
        r'<span class="fc-suggestion" title="Sugerencia del modelo: la tecla a la acepta como '
        r'tu etiqueta">sugerida: (verified|opinion) 0\.\d\d</span>',
        seen["chip"],
    )
    assert "Frases etiquetadas similares:" in seen["similar"]
    assert "artículo harbour" in seen["similar"]
    assert "<em>(la tecla c copia esta)</em>" in seen["similar"]
    assert seen["already"] == (
        "La frase 1 ya está etiquetada; pulsa una tecla de etiqueta para cambiarla."
    )
    assert re.search(r" \(sugerencia aceptada, puntuación 0\.\d{4}\)\.$", seen["accepted"])
    assert re.search(r" \(copiada de una frase similar, puntuación 0\.\d{4}\)\.$", seen["copied"])
    shown = set(seen["texts"].split("\n")) | set(seen.values())
    assert not catalogue_ids() & shown


def test_english_suggestions_queues_and_claim_memory(tmp_path: Path):
    """Test that the same assisted steps in English give exactly the English texts."""
    seen = assisted_steps(tmp_path, "en")
    assert seen["queue captions"] == (
        "Reading order | Least certain first | Likely verified first | "
        "Likely unconfirmed first | Likely opinion first"
    )
    assert seen["queue note"].endswith("No suggestion model yet, so the queue is in reading order.")
    assert seen["readiness"] == (
        "Suggestions appear after 4 labels using at least 2 different labels; 1 so far (3 to go)."
    )
    assert re.fullmatch(
        r"Suggestions by factcheck-tfidf-lr/\d+, trained on \d labels\.", seen["trained"]
    )
    assert re.fullmatch(
        r'<span class="fc-suggestion" title="Model suggestion: key a accepts it as your '
        r'label">suggested: (verified|opinion) 0\.\d\d</span>',
        seen["chip"],
    )
    assert '<div class="fc-muted">Similar labelled sentences:</div>' in seen["similar"]
    assert "article harbour" in seen["similar"]
    assert "<em>(key c copies this)</em>" in seen["similar"]
    assert seen["already"] == "Sentence 1 is already labelled; press a label key to change it."
    assert re.search(r" \(accepted suggestion, score 0\.\d{4}\)\.$", seen["accepted"])
    assert re.search(r" \(copied from a similar sentence, score 0\.\d{4}\)\.$", seen["copied"])
