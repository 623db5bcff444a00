"""Tests for sentence splitting beyond English: each language's abbreviations, quotation
marks and question marks, the language code, and the gold passages of eight languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.sentences import SUPPORTED_LANGUAGES, split_sentences
from tests._scripts import benchmark

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("es", "de", "fr", "it", "nl", "pt", "ar", "bg")


def texts(text: str, language: str) -> list[str]:
    """The sentence texts of ``text`` split as ``language``."""
    return [s.text for s in split_sentences(text, language=language)]


# (language, text, expected sentences): written for these tests, not taken from the gold sets.
CASES = [
    # Spanish: titles, ¿ ¡ openers, guillemets with attribution, abbreviations before numbers.
    ("es", "La Dra. Pilar Ortega dirige el centro. El Sr. Ruiz no contestó.",
     ["La Dra. Pilar Ortega dirige el centro.", "El Sr. Ruiz no contestó."]),
    ("es", "¿Quién pagará la obra? ¡Nadie lo sabe! El pleno se reúne hoy.",
     ["¿Quién pagará la obra?", "¡Nadie lo sabe!", "El pleno se reúne hoy."]),
    ("es", "«¿Por qué ahora?», preguntó la concejala. Nadie respondió.",
     ["«¿Por qué ahora?», preguntó la concejala.", "Nadie respondió."]),
    ("es", "La ley (art. 14) entra en vigor el día 3. Hay aprox. 20 afectados.",
     ["La ley (art. 14) entra en vigor el día 3.", "Hay aprox. 20 afectados."]),
    ("es", "La obra es de Acme S.A. El contrato vence en mayo.",
     ["La obra es de Acme S.A.", "El contrato vence en mayo."]),
    # A dialogue turn written inline after a stop starts a sentence at its dash; an
    # attribution after a dash (lowercase) does not.
    ("es", "No quiso hablar de ascenso. —¿Ascenso? Faltan doce jornadas —dijo el técnico.",
     ["No quiso hablar de ascenso.", "—¿Ascenso?", "Faltan doce jornadas —dijo el técnico."]),
    ("es", "«¿Y el dinero?» —preguntó la Sra. Gil. —Llegará en marzo —respondió él.",
     ["«¿Y el dinero?» —preguntó la Sra. Gil.", "—Llegará en marzo —respondió él."]),
    ("pt", "A reunião acabou tarde. — Foi longa? — Muito — disse a vereadora.",
     ["A reunião acabou tarde.", "— Foi longa?", "— Muito — disse a vereadora."]),
    # German: „ “ quotes, ordinals, z. B., Nr., titles, Mio. at the end of a sentence.
    ("de", "„Warum erst jetzt?“, fragte die Stadträtin. Niemand antwortete.",
     ["„Warum erst jetzt?“, fragte die Stadträtin.", "Niemand antwortete."]),
    ("de", "„Wir sind bereit.“ Die Feuerwehr rückte aus.",
     ["„Wir sind bereit.“", "Die Feuerwehr rückte aus."]),
    ("de", "Die Wahl findet am 12. Mai statt. Prof. Dr. Anna Keller leitet sie.",
     ["Die Wahl findet am 12. Mai statt.", "Prof. Dr. Anna Keller leitet sie."]),
    ("de", "Betroffen sind z. B. Schulen in der Bahnhofstr. 4. Das Amt prüft das.",
     ["Betroffen sind z. B. Schulen in der Bahnhofstr. 4.", "Das Amt prüft das."]),
    ("de", "Der Bau kostet 3,2 Mio. Die Stadt zahlt die Hälfte.",
     ["Der Bau kostet 3,2 Mio.", "Die Stadt zahlt die Hälfte."]),
    ("de", "Das Land zahlt ca. 5 Mio. Euro. Den Rest trägt der Bund.",
     ["Das Land zahlt ca. 5 Mio. Euro.", "Den Rest trägt der Bund."]),
    # French: spaced guillemets, « Oui ! » with an attribution, M. and Mme.
    ("fr", "« Jamais ! » a lancé M. Durand. La séance a repris.",
     ["« Jamais ! » a lancé M. Durand.", "La séance a repris."]),
    ("fr", "« Qui paiera ? » Personne ne le sait encore.",
     ["« Qui paiera ? »", "Personne ne le sait encore."]),
    ("fr", "Mme Lefèvre et M. Girard ont voté contre. Le projet est adopté.",
     ["Mme Lefèvre et M. Girard ont voté contre.", "Le projet est adopté."]),
    # Italian: Sig., dott., S.p.A. at the end of a sentence.
    ("it", "Il Sig. Bruno Ferri ha firmato. Il dott. Neri era assente.",
     ["Il Sig. Bruno Ferri ha firmato.", "Il dott. Neri era assente."]),
    ("it", "L’appalto va alla Edil Nord S.p.A. I lavori iniziano a marzo.",
     ["L’appalto va alla Edil Nord S.p.A.", "I lavori iniziano a marzo."]),
    ("it", "«Chi pagherà?» chiese il sindaco. Nessuno rispose.",
     ["«Chi pagherà?» chiese il sindaco.", "Nessuno rispose."]),
    # Dutch: dhr., mevr., bijv., ’s ochtends at the start of a sentence.
    ("nl", "Dhr. Jansen en mevr. De Wit stemden tegen. De raad is verdeeld.",
     ["Dhr. Jansen en mevr. De Wit stemden tegen.", "De raad is verdeeld."]),
    ("nl", "De weg gaat dicht. ’s Ochtends rijdt er een pendelbus.",
     ["De weg gaat dicht.", "’s Ochtends rijdt er een pendelbus."]),
    ("nl", "De bouw kost 5 mln. De gemeente betaalt de helft.",
     ["De bouw kost 5 mln.", "De gemeente betaalt de helft."]),
    ("nl", "Mevr. De Wit stemde tegen. Dhr. Bos stemde voor.",
     ["Mevr. De Wit stemde tegen.", "Dhr. Bos stemde voor."]),
    ("nl", "Er zijn bijv. Scholen gesloten? Nee, alleen de bibliotheek.",
     ["Er zijn bijv. Scholen gesloten?", "Nee, alleen de bibliotheek."]),
    # Portuguese: Sr., Dra., n.º, guillemets.
    ("pt", "O Sr. Costa e a Dra. Sousa chegaram cedo. A reunião começou às 9h.",
     ["O Sr. Costa e a Dra. Sousa chegaram cedo.", "A reunião começou às 9h."]),
    ("pt", "«Quem decide?», perguntou a vereadora. Ninguém respondeu.",
     ["«Quem decide?», perguntou a vereadora.", "Ninguém respondeu."]),
    ("pt", "O decreto n.º 12 foi revogado. O governo recuou.",
     ["O decreto n.º 12 foi revogado.", "O governo recuou."]),
    # Arabic: ؟, the Arabic comma, a quotation with its attribution, Dr. as د.
    ("ar", "هل انتهت الأزمة؟ لا أحد يعرف، والاجتماع مستمر.",
     ["هل انتهت الأزمة؟", "لا أحد يعرف، والاجتماع مستمر."]),
    ("ar", "«متى يبدأ العمل؟» سأل أحد السكان. لم يرد أحد.",
     ["«متى يبدأ العمل؟» سأل أحد السكان.", "لم يرد أحد."]),
    ("ar", "التقى د. سامي الحسن بالسكان. وعد بحل سريع.",
     ["التقى د. سامي الحسن بالسكان.", "وعد بحل سريع."]),
    # Bulgarian: „ “, проф., Cyrillic initials, г. after a year at the end of a sentence.
    ("bg", "„Кой ще плати?“, попита кметът. Никой не отговори.",
     ["„Кой ще плати?“, попита кметът.", "Никой не отговори."]),
    ("bg", "Проф. И. Димитров откри сесията. Тя продължи до обяд.",
     ["Проф. И. Димитров откри сесията.", "Тя продължи до обяд."]),
    ("bg", "Пътят е построен през 1975 г. Ремонтът започва сега.",
     ["Пътят е построен през 1975 г.", "Ремонтът започва сега."]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("language", "text", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_language_conventions(language: str, text: str, expected: list[str]) -> None:
    """Test that each language's abbreviations, quotation marks and question marks split as
    an editor of that language would, offsets exact."""
    sentences = split_sentences(text, language=language)
    assert [s.text for s in sentences] == expected
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_unsupported_language_is_refused_naming_the_supported_codes() -> None:
    """Test that an unknown code raises ValueError that lists every supported code."""
    with pytest.raises(ValueError, match="unsupported language 'xx'") as error:
        split_sentences("Hola. Adiós.", language="xx")
    for code in ("en", *LANGUAGES):
        assert code in str(error.value)
    with pytest.raises(ValueError, match="unsupported language"):
        split_sentences("", language="english")


def test_supported_languages_are_english_and_the_eight() -> None:
    """Test that the codes the module offers are exactly English and the eight languages."""
    assert set(SUPPORTED_LANGUAGES) == {"en", *LANGUAGES}


def test_english_is_the_default() -> None:
    """Test that language="en" is what split_sentences does without a language."""
    text = 'Sen. Ibarra met Gov. Lee at 4 p.m. Sunday. "Why now?" asked Dr. Quist. It ended.'
    assert split_sentences(text) == split_sentences(text, language="en")


def test_ids_paragraphs_and_source_offsets_are_kept_in_every_language() -> None:
    """Test that ids, paragraph numbers and offsets work as in English."""
    text = "Titular\n\n«¿Quién firmó?», preguntó. Nadie.\nFin."
    sentences = split_sentences(text, article_id="a1", language="es")
    assert [(s.text, s.paragraph) for s in sentences] == [
        ("Titular", 0),
        ("«¿Quién firmó?», preguntó.", 1),
        ("Nadie.", 1),
        ("Fin.", 1),
    ]
    assert sentences[1].id.startswith("a1-0001-")
    assert all(s.source_start == s.start for s in sentences)


ALPHABET = "aZéÉßпПجم ¿¡«»„“”‘’\"'.?!…؟۔،—-()0123456789 \u00a0\u202f"


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(LANGUAGES), st.text(alphabet=ALPHABET, max_size=120))
def test_offsets_slice_back_in_every_language(language: str, text: str) -> None:
    """Test that every sentence slices back from the text and covers every non-space char."""
    sentences = split_sentences(text, language=language)
    covered = [0] * len(text)
    end = 0
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip() and sentence.start >= end
        end = sentence.end
        for pos in range(sentence.start, sentence.end):
            covered[pos] += 1
    assert all(c == 1 or (text[p].isspace() and c == 0) for p, c in enumerate(covered))


def _bench_languages():
    """benchmarks/bench_languages.py (it imports bench_segmentation from its folder)."""
    return benchmark("bench_languages")


@pytest.mark.parametrize("language", LANGUAGES)
def test_factcheck_gets_as_many_gold_passages_right_as_the_best_alternative(language: str):
    """Test that, on every gold passage of a language, factcheck gets at least as many
    exactly right as the best of pysbd (where it has the language), syntok and blingfire,
    all counted in this test."""
    bench = _bench_languages()
    gold = [item.passage for item in bench.load_language(language)]
    counts = {}
    for name, split in bench.splitters(language).items():
        if isinstance(split, str):
            continue  # pysbd has no rules for Portuguese
        counts[name] = sum(split(p.text) == p.spans for p in gold)
    assert "factcheck" in counts and len(counts) >= 3
    best = max(count for name, count in counts.items() if name != "factcheck")
    assert counts["factcheck"] >= best, counts
