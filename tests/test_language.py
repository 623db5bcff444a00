"""Languages: codes, detection with py3langid, the given-or-detected choice and direction."""

from __future__ import annotations

import pytest

from factcheck.errors import InputError
from factcheck.language import (
    LANGUAGES,
    RTL_LANGUAGES,
    choose_language,
    detect_language,
    direction_of,
    first_strong_direction,
    normalise_language,
    text_direction,
)

PASSAGES = {
    "en": "The council approved the budget on Monday after a long debate about the bridge.",
    "es": "El ayuntamiento aprobó el presupuesto el lunes tras un largo debate sobre el puente.",
    "de": "Der Stadtrat hat den Haushalt am Montag nach einer langen Debatte beschlossen.",
    "fr": "Le conseil municipal a adopté le budget lundi après un long débat sur le pont.",
    "it": "Il consiglio comunale ha approvato il bilancio lunedì dopo un lungo dibattito.",
    "nl": "De gemeenteraad keurde maandag na een lang debat over de brug de begroting goed.",
    "pt": "A câmara municipal aprovou o orçamento na segunda-feira após um longo debate.",
    "ar": "وافق المجلس البلدي على الميزانية يوم الاثنين بعد نقاش طويل حول الجسر الجديد.",
    "bg": "Общинският съвет одобри бюджета в понеделник след дълъг дебат за новия мост.",
}


@pytest.mark.parametrize(("code", "passage"), PASSAGES.items())
def test_detect_language_names_the_language_of_a_news_sentence(code, passage):
    """Test that py3langid, offline, names the language of one news sentence."""
    choice = detect_language(passage)
    assert (choice.code, choice.source) == (code, "detected")
    assert 0.5 < choice.confidence <= 1.0


def test_text_without_letters_is_given_the_default_with_no_confidence():
    """Test that digits and punctuation alone are not guessed at: English, confidence 0."""
    choice = detect_language("2024 — 12.5 % / 3,000")
    assert (choice.code, choice.source, choice.confidence) == ("en", "default", 0.0)


def test_an_unsure_guess_on_two_words_is_the_default_not_a_rare_language():
    """Test that py3langid's unsure guess on two words ('ext', 4 %) becomes the default."""
    choice = detect_language("Fine text.")
    assert (choice.code, choice.source) == ("en", "default")
    assert choice.confidence < 0.2


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("es", "es"),
        ("ES", "es"),
        ("es-ES", "es"),
        ("pt_BR", "pt"),
        ("zh-Hant-TW", "zh"),
        (" ar ", "ar"),
        ("iw", "he"),
    ],
)
def test_language_tags_become_iso_639_1_codes(tag, code):
    """Test that regional and old tags are reduced to their ISO 639-1 code."""
    assert normalise_language(tag) == code


@pytest.mark.parametrize("tag", ["spanish", "e", "12", "es--ES", "", "{{locale}}"])
def test_a_bad_language_code_is_an_input_error_naming_where(tag):
    """Test that a code that is not ISO 639-1 is refused with a message naming the place."""
    with pytest.raises(InputError, match=r"corpus.csv, line 3: .* is not a language code.*es"):
        normalise_language(tag, where="corpus.csv, line 3")


def test_a_given_language_is_never_overridden_by_detection():
    """Test that a given code wins over the page's and over detection, and says so."""
    spanish = PASSAGES["es"]
    assert choose_language(spanish, given="pt").code == "pt"
    assert choose_language(spanish, given="pt").source == "given"
    assert choose_language(spanish, declared="ca-ES") == choose_language("", declared="ca")
    assert choose_language(spanish, declared="ca-ES").source == "html"
    assert choose_language(spanish).source == "detected"


def test_a_junk_declared_language_falls_back_to_detection():
    """Test that a page template's junk ``lang`` is ignored rather than refused."""
    choice = choose_language(PASSAGES["de"], declared="{{ locale }}")
    assert (choice.code, choice.source) == ("de", "detected")


def test_right_to_left_languages_and_registry():
    """Test that Arabic, Persian, Urdu and Hebrew are right to left, the others not."""
    assert {"ar", "fa", "ur", "he"} <= RTL_LANGUAGES
    assert [direction_of(c) for c in ("ar", "fa", "ur", "he", "en", "bg")] == [
        "rtl",
        "rtl",
        "rtl",
        "rtl",
        "ltr",
        "ltr",
    ]
    assert all(LANGUAGES[c].direction == direction_of(c) for c in LANGUAGES)


@pytest.mark.parametrize(
    ("text", "language", "direction"),
    [
        ("قال الوزير إن 40% من السكان تضرروا.", "ar", "rtl"),
        ("BBC: قال الوزير إن 40% من السكان تضرروا.", "ar", "rtl"),  # starts with a Latin name
        ("“No comment,” the minister said.", "ar", "ltr"),  # an English quotation
        ("2024", "ar", "rtl"),
        ("שר האוצר אמר כי 3 מיליון", "", "rtl"),  # Hebrew in an article of unknown language
        ("وزیر گفت", "en", "rtl"),  # Persian quoted in an English article
        ("The minister said 40%.", "en", "ltr"),
        ("2024", "en", "ltr"),
    ],
)
def test_text_direction_follows_the_language_and_the_first_strong_character(
    text, language, direction
):
    """Test that each sentence's direction comes from its article's language and its text."""
    assert text_direction(text, language) == direction


def test_first_strong_direction_skips_digits_and_punctuation():
    """Test that neutral characters (digits, quotes) do not decide the direction."""
    assert first_strong_direction("«2024» — قال") == "rtl"
    assert first_strong_direction("«2024» —") is None


SPANISH_FILE = (
    "El embalse de La Serena cae al 20 %\n\n"
    "Por Ana López\n\n"
    "El embalse está al 20 % de su capacidad, según la confederación.\n\n"
    "Leer más: La sequía en Extremadura\n\n"
    "Los regantes piden ayudas.\n"
)


def test_cli_language_flag_is_given_to_every_article(tmp_path, capsys):
    """Test that ``factcheck sentences --language`` decides the cleaning of every article:
    Spanish furniture goes with ``es``, and stays as text when told the file is English."""
    import csv
    import io

    from factcheck.cli import main

    path = tmp_path / "embalse.txt"
    path.write_text(SPANISH_FILE, encoding="utf-8")
    texts = {}
    for code in ("es", "en"):
        assert main(["sentences", str(path), "--language", code, "--jobs", "1", "-q"]) == 0
        rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
        assert {r["language"] for r in rows} == {code}  # the output says which rules ran
        texts[code] = [r["text"] for r in rows]
    assert not any("Leer más" in t or "Por Ana" in t for t in texts["es"])
    assert "Por Ana López" in texts["en"] and "Leer más: La sequía en Extremadura" in texts["en"]


def test_cli_bad_language_flag_is_a_clear_error(tmp_path, capsys):
    """Test that a bad --language is refused with a message naming the flag, exit code 2."""
    from factcheck.cli import main

    path = tmp_path / "embalse.txt"
    path.write_text(SPANISH_FILE, encoding="utf-8")
    assert main(["sentences", str(path), "--language", "castellano", "--jobs", "1"]) != 0
    assert "--language: 'castellano' is not a language code" in capsys.readouterr().err


def test_detect_language_is_part_of_the_package_api():
    """Test that ``factcheck.detect_language`` is the language module's function, importable
    from the package without importing the module by hand."""
    import factcheck

    assert factcheck.detect_language is detect_language
    assert "detect_language" in factcheck.__all__
    assert factcheck.detect_language("El pleno aprobó el presupuesto por siete votos.").code == "es"


def test_threads_meeting_a_model_load_wait_for_it_instead_of_loading_twice(monkeypatch):
    """Test that two threads detecting at once (the widget splits the next article in the
    background) load py3langid's model once and share it."""
    import threading

    from py3langid.langid import LanguageIdentifier

    import factcheck.language

    loads = []
    real = LanguageIdentifier.from_model_file.__func__

    def counted(cls, *args, **kwargs):
        loads.append(threading.current_thread().name)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(factcheck.language, "_MODEL", [])
    monkeypatch.setattr(LanguageIdentifier, "from_model_file", classmethod(counted))
    found = []
    threads = [
        threading.Thread(target=lambda: found.append(factcheck.language._identifier()))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loads) == 1
    assert found[0] is found[1]
    assert factcheck.detect_language("El ayuntamiento aprobó el presupuesto ayer.").code == "es"
