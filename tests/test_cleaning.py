"""Cleaning scraped articles: furniture goes, every real sentence stays, and the audit trail."""

from __future__ import annotations

import pytest

from factcheck.cleaning import apply_edits, clean_text
from factcheck.sentences import split_sentences

SCRAPED = """\
![Firefighters on the ridge above Calder Falls](https://img.example-news.test/fire.jpg)

Firefighters on the ridge above Calder Falls on Sunday. (Photo: Ines Mora / Ridge Gazette)

# Wildfire near Calder Falls forces 2,000 from their homes

By Ines Mora and Pete Lund, Staff writers

Published 9 August 2026 at 7:15 a.m. | Updated 9 August 2026 at 11:02 a.m.

5 min read

About 2,000 residents of Calder Falls were ordered to leave their homes on Sunday as a wildfire crossed the county road, the sheriff's office said.

“We have never seen it move this fast,” said fire chief Nora Ekwueme.

Advertisement

The fire has burned roughly 4,300 acres, according to the state forestry service.

Read more: How the 2019 fire changed the valley

Related stories
[Evacuation centres open in two towns](https://example-news.test/centres)
[What to pack if you are told to leave](https://example-news.test/pack)

Officials could not say when residents would be allowed back.

Share on Facebook | X | WhatsApp | Email

Sign up for our breaking news alerts.

Tags: Wildfire, Calder Falls, Emergency

© 2026 Ridge Gazette. All rights reserved.

COMMENTS

Comments are moderated. Please read our community guidelines before posting.

Read our comments FAQ

hikerjoe: stay safe everyone
"""

BODY_SENTENCES = [
    "About 2,000 residents of Calder Falls were ordered to leave their homes on Sunday as a "
    "wildfire crossed the county road, the sheriff's office said.",
    "“We have never seen it move this fast,” said fire chief Nora Ekwueme.",
    "The fire has burned roughly 4,300 acres, according to the state forestry service.",
    "Officials could not say when residents would be allowed back.",
]


def test_furniture_is_removed_and_body_kept_in_order():
    """Test that a scraped article keeps exactly its body paragraphs, in reading order."""
    cleaned = clean_text(SCRAPED)
    assert cleaned.text.split("\n\n") == BODY_SENTENCES


def test_headline_becomes_title_not_body():
    """Test that the Markdown headline is the title and is not part of the body."""
    cleaned = clean_text(SCRAPED)
    assert cleaned.title == "Wildfire near Calder Falls forces 2,000 from their homes"
    assert "Wildfire near" not in cleaned.text


def test_metadata_collects_byline_date_image_caption_tags():
    """Test that byline, date, image URL, caption and tags are kept as metadata."""
    meta = clean_text(SCRAPED).metadata
    assert meta["byline"] == "Ines Mora and Pete Lund, Staff writers"
    assert meta["date"] == "9 August 2026 at 7:15 a.m."
    assert meta["images"] == ["https://img.example-news.test/fire.jpg"]
    assert meta["captions"] == [
        "Firefighters on the ridge above Calder Falls on Sunday. (Photo: Ines Mora / Ridge Gazette)"
    ]
    assert meta["tags"] == ["Wildfire", "Calder Falls", "Emergency"]


def test_every_removed_line_is_audited_with_line_number_and_reason():
    """Test that each dropped line is recorded with its 1-based line number and a reason."""
    cleaned = clean_text(SCRAPED)
    lines = SCRAPED.split("\n")
    for removed in cleaned.removed:
        assert lines[removed.line - 1].strip() == removed.text
    reasons = {r.text[:20]: r.reason for r in cleaned.removed}
    assert reasons["Advertisement"] == "advertisement"
    assert reasons["Read more: How the 2"] == "related link"
    assert reasons["[Evacuation centres "] == "related link"
    assert reasons["Share on Facebook | "] == "share prompt"
    assert reasons["Sign up for our brea"] == "share prompt"
    assert reasons["© 2026 Ridge Gazette"] == "copyright"
    assert reasons["hikerjoe: stay safe "] == "comment section"
    assert reasons["5 min read"] == "reading time"
    kept_or_removed = len(cleaned.removed) + len(BODY_SENTENCES)
    assert kept_or_removed == sum(1 for line in lines if line.strip())


@pytest.mark.parametrize(
    "sentence",
    [
        "By Friday, officials had evacuated 300 homes.",
        "Updated figures released on Tuesday show unemployment at 4.1%.",
        "Published reports put the cost at $3 million.",
        "Copyright lawyers say the case could take years.",
        "Related charges were filed against two other men on Friday.",
        "Share prices fell 4% on Monday after the announcement.",
        "Follow the money, investigators say.",
        "Comments by the minister drew sharp criticism from teachers.",
        "Advertising revenue at the paper fell by a third last year.",
        "Photo radar cameras will be installed on Main Street in May.",
        "Sign language interpreters were present at every briefing.",
        "Tags on the crates showed they had come from the port.",
        "Subscribers to the water scheme will pay 8% more from April.",
        "Read the full report, the auditor urged councillors.",
        "Listen to residents and you hear the same complaint.",
        "Reuters could not independently verify the video, which showed trucks leaving at dawn.",
        "AFP reported that at least 12 civilians had been killed.",
        "Getty Images declined to comment on the photographs.",
        "Shutterstock shares fell 4% on Monday.",
        "Credit: rating agencies downgraded the country twice in 2025.",
        "The company said the posts broke its community guidelines.",
        "Follow-up tests showed the water was safe, the utility said on Twitter.",
        "Tap water in the district was declared safe on Monday, officials said in a Facebook post.",
        "Watch parties were held across the city as breaking news of the verdict spread.",
        "Posted at 5 a.m., the notice told residents to boil their water.",
        "Published March 3, the report said crime fell 8% in the district.",
        "The band said all rights reserved for the songs belonged to its label.",
    ],
)
def test_real_sentences_that_resemble_furniture_are_kept(sentence):
    """Test that cleaning is conservative: sentences starting like furniture are kept."""
    article = f"Storm hits the coast\n\nThe storm arrived on Monday.\n\n{sentence}\n\nIt left."
    cleaned = clean_text(article)
    assert sentence in cleaned.text.split("\n\n")
    assert cleaned.removed[0].reason == "headline (used as title)"
    assert len(cleaned.removed) == 1


def test_given_title_wins_and_repeated_headline_is_dropped():
    """Test that a corpus/HTML title is used and a first line repeating it is removed."""
    cleaned = clean_text("Budget passes\n\nThe budget passed on Monday.", title="Budget passes")
    assert cleaned.title == "Budget passes"
    assert cleaned.text == "The budget passed on Monday."
    assert cleaned.removed[0].reason == "headline (repeats the title)"


def test_first_line_that_is_a_sentence_is_not_taken_as_headline():
    """Test that a text starting with a full sentence keeps it as body (no invented title)."""
    cleaned = clean_text("The budget passed on Monday.\n\nIt was close.")
    assert cleaned.title == ""
    assert cleaned.text == "The budget passed on Monday.\n\nIt was close."


def test_inline_markdown_links_keep_their_text():
    """Test that an inline Markdown link inside a sentence keeps the words and drops the URL."""
    cleaned = clean_text(
        "Body first.\n\nThe [council minutes](https://example.test/m.pdf) confirm the vote.",
        markdown=True,
    )
    assert cleaned.text.split("\n\n")[1] == "The council minutes confirm the vote."
    assert cleaned.metadata["links"] == ["https://example.test/m.pdf"]


def test_crlf_and_non_breaking_spaces_are_normalised_but_curly_quotes_kept():
    """Test that CRLF becomes LF, NBSP becomes a space, and curly quotes are untouched."""
    cleaned = clean_text("First line here.\r\n\r\n“Quoted,”\u00a0she said.\r\n")
    assert cleaned.text == "First line here.\n\n“Quoted,” she said."


def test_subheadings_and_list_items_stay_as_their_own_lines():
    """Test that ## subheadings lose their markers and list items stay on their own lines."""
    cleaned = clean_text(
        "The plan has three parts.\n\n## What changes\n\n- Fares rise 5%.\n- Trams run later.",
        markdown=True,
    )
    assert (
        cleaned.text
        == "The plan has three parts.\n\nWhat changes\n\n- Fares rise 5%.\n- Trams run later."
    )


def test_image_without_credit_does_not_swallow_next_sentence():
    """Test that the line after an image is only a caption when it looks like one."""
    cleaned = clean_text(
        "![A crowd](https://img.test/c.jpg)\n\nThe crowd gathered at noon on the square."
    )
    assert cleaned.text == "The crowd gathered at noon on the square."
    assert [r.reason for r in cleaned.removed] == ["image"]


@pytest.mark.parametrize(
    "furniture",
    [
        "Share",
        "Email",
        "Tweet",
        "Most Viewed",
        "Advertisement - scroll to continue",
        "- Advertisement -",
        "[Advertisement]",
        "Article continues below",
        "(Getty Images)",
        "Jane Roe/AP",
        "Enter your email",
        "Already a subscriber? Log in",
        "| Year | Count |",
        "|---|---|",
        "By Émilie Durand",
        "By Ann Lee in Harlow",
        "Story by Ann Lee",
        "The Harlow dam on Monday. (Photo: Jane Roe/Herald)",
    ],
)
def test_more_furniture_shapes_are_removed(furniture):
    """Test that page controls, ad markers, credits, tables and bylines do not become text."""
    cleaned = clean_text(f"Dam holds after storm\n\nThe dam held.\n\n{furniture}\n\nIt rained.")
    assert cleaned.text.split("\n\n") == ["The dam held.", "It rained."]


def test_lede_starting_with_the_image_alt_text_is_kept():
    """Test that the first sentence is not taken for a caption just because it names the alt."""
    cleaned = clean_text(
        "# Mayor unveils library plan\n\n![Mayor Ana Reyes](https://img.test/r.jpg)\n\n"
        "Mayor Ana Reyes on Tuesday unveiled a $4.2 million plan.\n\nThe council votes in April."
    )
    assert cleaned.text.startswith("Mayor Ana Reyes on Tuesday unveiled")


def test_comments_link_near_the_top_does_not_swallow_the_article():
    """Test that 'Comments (12)' before most of the body drops only that line."""
    cleaned = clean_text(
        "Council approves library budget\n\nThe library will reopen in 2027.\n\n"
        "Comments (12)\n\nThe council voted 7-2 on Tuesday.\n\nIt was a mistake.\n\nWork starts soon."
    )
    assert cleaned.text.split("\n\n")[1:] == [
        "The council voted 7-2 on Tuesday.",
        "It was a mistake.",
        "Work starts soon.",
    ]
    assert ("Comments (12)", "comments link") in {(r.text, r.reason) for r in cleaned.removed}


@pytest.mark.parametrize("headline", ["Will the dam hold?", "“Never again”: town counts the cost"])
def test_question_and_quoted_headlines_become_the_title(headline):
    """Test that a headline ending in '?' or starting with a quote is the title, not text."""
    cleaned = clean_text(f"{headline}\n\nBy Ann Lee\n\nThe river rose 2 m overnight.")
    assert cleaned.title == headline
    assert cleaned.text == "The river rose 2 m overnight."


def test_byline_after_a_standfirst_is_removed():
    """Test that a byline following the standfirst line is still furniture."""
    cleaned = clean_text(
        "# Library saved\n\nThe vote ends a two-year fight over the branch\n\n"
        "By Ann Lee, Local Government Reporter\n\nThe council voted 7-2."
    )
    assert "By Ann Lee" not in cleaned.text


def test_related_block_ends_at_the_first_line_that_is_not_a_link():
    """Test that a 'Related' block does not swallow the subheading and text after it."""
    cleaned = clean_text(
        "Body first.\n\nRelated\n[Flood costs town $12M](https://e.test/a)\n"
        "[Mayor resigns](https://e.test/b)\n\nWhat happens next\n\nA review will begin in April"
    )
    assert cleaned.text.split("\n\n") == [
        "Body first.",
        "What happens next",
        "A review will begin in April",
    ]


def test_markdown_emphasis_and_blockquote_markers_are_not_text():
    """Test that '**bold**' markers and a leading '>' are removed, keeping the words."""
    cleaned = clean_text(
        "Body first.\n\n**The vote ends a fight.**\n\n> “We won,” she said.", markdown=True
    )
    assert cleaned.text.split("\n\n") == [
        "Body first.",
        "The vote ends a fight.",
        "“We won,” she said.",
    ]


# --- the body is the source's text: every change recorded (issue 9) ---


@pytest.mark.parametrize(
    "line",
    [
        "The page ran window.__pwned=4 before loading.",
        "The module __init__ was empty.",
        "Its snake__case__names broke the build.",
        "The word **bold** kept its asterisks.",
        "Read the [minutes](https://e.test/m) here.",
        "## Not a heading in plain text",
    ],
)
def test_plain_text_keeps_markdown_markup_exactly(line):
    """Test that a .txt body keeps '__', '**', '#' and link syntax: they are its text."""
    cleaned = clean_text(f"Body first.\n\n{line}")
    assert cleaned.text == f"Body first.\n\n{line}"
    assert [e.reason for e in cleaned.edits] == []


def test_markdown_rendering_records_every_removed_marker():
    """Test that with markdown=True each removed marker is an edit with its source offsets."""
    source = "Body first.\n\nThe **vote** passed."
    cleaned = clean_text(source, markdown=True)
    assert cleaned.text == "Body first.\n\nThe vote passed."
    markers = [(e.source_start, e.original, e.reason) for e in cleaned.edits]
    assert markers == [
        (len("Body first.\n\nThe "), "**", "markdown emphasis"),
        (len("Body first.\n\nThe **vote"), "**", "markdown emphasis"),
    ]


def test_edits_replay_the_source_into_the_body_exactly():
    """Test that applying the recorded edits to the scraped source gives the body exactly."""
    source = SCRAPED.replace("\n", "\r\n").replace("fire chief", "fire\u00a0chief")
    cleaned = clean_text(source)
    assert apply_edits(source, cleaned.edits) == cleaned.text
    assert {e.reason for e in cleaned.edits} == {"layout", "furniture", "no-break space"}
    for edit in cleaned.edits:
        assert source[edit.source_start : edit.source_end] == edit.original
        assert cleaned.text[edit.start : edit.end] == edit.text


def test_removed_lines_carry_their_source_offsets():
    """Test that each dropped line records where its characters are in the source."""
    source = "Body first.\n\n  Advertisement  \n\nBody last."
    (removed,) = clean_text(source).removed
    assert source[removed.source_start : removed.source_end] == "Advertisement"


def test_lone_surrogate_in_the_body_is_replaced_and_recorded():
    """Test that half an emoji becomes U+FFFD, recorded as an edit at its offset."""
    cleaned = clean_text("Monday \ud83d. It voted.")
    assert cleaned.text == "Monday \ufffd. It voted."
    (edit,) = cleaned.edits
    assert (edit.source_start, edit.original, edit.reason) == (
        len("Monday "),
        "\ud83d",
        "lone surrogate",
    )


# --- paragraphs (issue 3) ---


def test_scraped_text_with_one_paragraph_per_line_keeps_lines_as_paragraphs():
    """Test that a source with no blank lines between body lines has a paragraph per line."""
    source = (
        "Ferry fares rise\nBy Ana Ruiz\nFares rose 8%.\nCommuters object.\nAdvertisement\nIt ends."
    )
    cleaned = clean_text(source)
    assert cleaned.text == "Fares rose 8%.\nCommuters object.\nIt ends."
    paragraphs = [s.paragraph for s in split_sentences(cleaned.text)]
    assert paragraphs == [0, 1, 2]


def test_blank_line_paragraphs_stay_as_they_are():
    """Test that blank-line paragraphs keep several lines together, as before."""
    cleaned = clean_text("Fares rose 8%.\nCommuters object.\n\nIt ends.")
    assert [s.paragraph for s in split_sentences(cleaned.text)] == [0, 0, 1]


# --- patterns that hung (issue 4) ---


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Published" + " " * 1100 + "x", None),
        ("By" + " " * 800 + "!", None),
        ("Published   on :  3 May 2026", "dateline"),
        ("By Ann Lee, Staff reporter", "byline"),
        ("Share on   :  Facebook |   X", "share prompt"),
        ("4 May 2026 ,   at 10:30  am  BST", "dateline"),
    ],
)
def test_rewritten_furniture_patterns_still_classify_lines(line, reason):
    """Test that the linear rewrites of dateline, byline and share patterns still match."""
    cleaned = clean_text(f"Body first.\n\n{line}\n\nBody last.")
    assert [r.reason for r in cleaned.removed] == ([reason] if reason else [])


def test_markdown_underscores_inside_a_word_are_not_emphasis():
    """Test that in a .md body 'snake__case__names' keeps its underscores (CommonMark)."""
    cleaned = clean_text("Body first.\n\nIts snake__case__names and __big__ news.", markdown=True)
    assert cleaned.text == "Body first.\n\nIts snake__case__names and big news."


# Furniture of news sites in other languages: each line, its language and the reason.
LOCAL_FURNITURE = [
    ("es", "Por Ana López", "byline"),
    ("es", "Publicado el 3 de marzo de 2024, 10:32", "dateline"),
    ("es", "Actualizado: 4 mar. 2024 - 08:15 h", "dateline"),
    ("es", "Leer más: El embalse baja al 30 %", "related link"),
    ("es", "Noticias relacionadas", "related link"),
    ("es", "Compartir en Facebook", "share prompt"),
    ("es", "Suscríbete a nuestro boletín", "share prompt"),
    (
        "es",
        "Utilizamos cookies para mejorar tu experiencia. Si sigues navegando, aceptas nuestra política de cookies.",
        "cookie notice",
    ),
    ("es", "Tiempo de lectura: 4 min", "reading time"),
    ("de", "Von Jana Weber, Berlin", "byline"),
    ("de", "Veröffentlicht am 3. März 2024 um 10:32 Uhr", "dateline"),
    ("de", "Mittwoch, 3. März 2024", "dateline"),
    ("de", "Weiterlesen", "related link"),
    ("de", "Lesen Sie auch: Der Pegel sinkt", "related link"),
    ("de", "Teilen", "page control"),
    ("de", "Melden Sie sich für unseren Newsletter an", "share prompt"),
    (
        "de",
        "Wir verwenden Cookies. Mit der Nutzung unserer Seite stimmen Sie zu, bitte akzeptieren Sie.",
        "cookie notice",
    ),
    ("de", "Lesezeit: 3 Min.", "reading time"),
    ("fr", "Par Marie Dupont", "byline"),
    ("fr", "Publié le 3 mars 2024 à 10h32", "dateline"),
    ("fr", "Lire aussi : La sécheresse s'installe", "related link"),
    ("fr", "Partager sur Facebook", "share prompt"),
    ("fr", "Abonnez-vous à notre newsletter", "share prompt"),
    ("it", "di Mario Rossi", "byline"),
    ("it", "Pubblicato il 3 marzo 2024 alle 10:32", "dateline"),
    ("it", "Leggi anche: Il lago si ritira", "related link"),
    ("it", "Iscriviti alla nostra newsletter", "share prompt"),
    ("it", "Condividi", "page control"),
    ("nl", "Door Sanne de Vries", "byline"),
    ("nl", "Gepubliceerd op 3 maart 2024 om 10:32", "dateline"),
    ("nl", "Lees ook: Het water zakt", "related link"),
    ("nl", "Schrijf je in voor onze nieuwsbrief", "share prompt"),
    ("nl", "Leestijd 3 min", "reading time"),
    ("pt", "Por João Silva", "byline"),
    ("pt", "Publicado em 3 de março de 2024 às 10h32", "dateline"),
    ("pt", "Leia também: Reservatório em queda", "related link"),
    ("pt", "Assine a nossa newsletter", "share prompt"),
    ("pt", "Compartilhe no WhatsApp", "share prompt"),
    ("ar", "بقلم: سارة خليل", "byline"),
    ("ar", "نشر في 3 مارس 2024", "dateline"),
    ("ar", "آخر تحديث: الأربعاء 3 مارس 2024 - 10:32", "dateline"),
    ("ar", "اقرأ أيضا: انخفاض منسوب السد", "related link"),
    ("ar", "شارك على فيسبوك", "share prompt"),
    ("ar", "اشترك في النشرة البريدية", "share prompt"),
    ("bg", "Автор: Иван Петров", "byline"),
    ("bg", "Публикувано на 3 март 2024 г., 10:32 ч.", "dateline"),
    ("bg", "Прочетете още: Язовирът намалява", "related link"),
    ("bg", "Абонирайте се за нашия бюлетин", "share prompt"),
    ("bg", "Сподели във Facebook", "share prompt"),
]


@pytest.mark.parametrize(("language", "line", "reason"), LOCAL_FURNITURE)
def test_news_site_furniture_of_the_article_language_is_removed(language, line, reason):
    """Test that a furniture line of the article's language is dropped with its reason."""
    body = {
        "es": "El embalse perdió un tercio de su agua en un año, según la confederación.",
        "de": "Der Stausee hat in einem Jahr ein Drittel seines Wassers verloren.",
        "fr": "Le lac a perdu un tiers de son eau en un an, selon la préfecture.",
        "it": "Il lago ha perso un terzo della sua acqua in un anno, secondo la regione.",
        "nl": "Het meer verloor in een jaar een derde van zijn water, meldt de provincie.",
        "pt": "O reservatório perdeu um terço da água em um ano, segundo a agência.",
        "ar": "فقد السد ثلث مياهه خلال عام واحد، وفق وزارة الموارد المائية.",
        "bg": "Язовирът е загубил една трета от водата си за една година.",
    }[language]
    raw = f"{body}\n\n{line}\n\n{body}\n"
    cleaned = clean_text(raw, title="Titel", language=language)
    assert [(r.text, r.reason) for r in cleaned.removed] == [(line, reason)]
    assert cleaned.text == f"{body}\n\n{body}"
    assert apply_edits(raw, cleaned.edits) == cleaned.text


@pytest.mark.parametrize(("language", "line", "reason"), LOCAL_FURNITURE[:6])
def test_furniture_of_another_language_is_not_removed(language, line, reason):
    """Test that the rules are selected by the article's language: Spanish furniture in an
    English article is kept (it may be a quotation)."""
    cleaned = clean_text(f"The reservoir fell.\n\n{line}\n", title="T", language="en")
    assert line in cleaned.text


# Body sentences that start like furniture of their language: all kept.
LOCAL_BODY = [
    ("es", "Por la tarde, el presidente visitó la presa."),
    ("es", "Por qué sube el precio del agua"),
    ("es", "Publicado el informe, el ministerio anunció tres medidas."),
    ("es", "En marzo de 2024 el embalse estaba al 30 %."),
    ("es", "Los comentarios del ministro fueron moderados."),
    ("es", "Compartir el agua entre regiones es la propuesta del gobierno."),
    ("es", "Suscríbete a lo que dice la ciencia, pidió la ministra a los alcaldes."),
    ("de", "Von Montag an gilt ein Fahrverbot in der Innenstadt."),
    ("de", "Aktualisiert wurde die Statistik zuletzt im März 2024."),
    ("de", "Teilen ist das neue Besitzen, sagt die Forscherin."),
    ("fr", "Par ailleurs, la préfecture a restreint l'irrigation."),
    ("fr", "Publié en 2019, le rapport prévoyait cette sécheresse."),
    ("fr", "Partager l'eau entre agriculteurs reste difficile."),
    ("it", "Di Maio ha detto che il governo interverrà."),
    ("it", "Pubblicato il bando, i comuni hanno tre mesi per rispondere."),
    ("nl", "Door de droogte daalde het waterpeil met een meter."),
    ("nl", "Gepubliceerd cijfers tonen een daling van 30 procent."),
    ("pt", "Por causa da seca, o governo limitou a irrigação."),
    ("pt", "Publicado em 2020, o estudo já previa a crise."),
    ("ar", "نشر الجيش بيانا يوم الأربعاء 3 مارس 2024 عن الحادث."),
    ("ar", "شارك آلاف المزارعين في الاحتجاج على خفض حصص المياه."),
    ("ar", "التعليقات التي نشرها الوزير أثارت جدلا واسعا."),
    ("bg", "От днес влиза в сила забраната за поливане."),
    ("bg", "Публикувано беше и писмото на кмета до министъра."),
    ("bg", "Сподели кметът, че водата ще стигне до есента."),
]


@pytest.mark.parametrize(("language", "sentence"), LOCAL_BODY)
def test_body_sentences_that_start_like_local_furniture_are_kept(language, sentence):
    """Test that cleaning stays conservative in every language: sentences that start with a
    byline, dateline, share or related lead-in are article text."""
    raw = f"{sentence}\n\n{sentence} Otra vez.\n"
    cleaned = clean_text(raw, title="Titel", language=language)
    assert cleaned.removed == ()
    assert cleaned.text.startswith(sentence)


def test_arabic_first_line_without_full_stop_becomes_the_title():
    """Test that a caseless script's headline (Arabic has no capitals) is taken as the title."""
    raw = "انخفاض منسوب سد النهضة إلى أدنى مستوى\n\nفقد السد ثلث مياهه خلال عام واحد.\n"
    cleaned = clean_text(raw, language="ar")
    assert cleaned.title == "انخفاض منسوب سد النهضة إلى أدنى مستوى"
    assert cleaned.text == "فقد السد ثلث مياهه خلال عام واحد."


def test_local_byline_and_date_become_metadata():
    """Test that a Spanish byline and dateline are kept as metadata without their lead-in."""
    raw = "Por Ana López\n\nPublicado el 3 de marzo de 2024\n\nEl embalse baja.\n"
    cleaned = clean_text(raw, title="T", language="es")
    assert cleaned.metadata["byline"] == "Ana López"
    assert cleaned.metadata["date"] == "3 de marzo de 2024"


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("es", "Comentarios"),
        ("de", "Kommentare"),
        ("fr", "5 commentaires"),
        ("ar", "التعليقات"),
        ("bg", "Коментари"),
        ("nl", "Reacties"),
        ("it", "Commenti"),
        ("pt", "Comentários"),
    ],
)
def test_local_comments_heading_at_the_end_drops_the_comment_section(language, heading):
    """Test that a comments heading of the article's language in its last part ends the
    article: the readers' comments under it are not article text."""
    body = "\n\n".join(f"Párrafo {n} del artículo." for n in range(1, 6))
    raw = f"{body}\n\n{heading}\n\nlector99: ¡qué vergüenza!\n"
    cleaned = clean_text(raw, title="T", language=language)
    assert cleaned.text == body
    assert [r.reason for r in cleaned.removed] == ["comment section", "comment section"]


SCRAPED_ES = """\
# La sequía deja el embalse de La Serena al 20 %

Por Ana López, Mérida

Actualizado: 4 mar. 2024 - 08:15 h

Tiempo de lectura: 4 min

El embalse de La Serena está al 20 % de su capacidad, según la Confederación Hidrográfica del Guadiana.

«No habíamos visto nada igual desde 1995», dijo el Sr. Pérez, regante de Castuera.

Leer más: Extremadura pide ayudas para el campo

Compartir en Facebook | X | WhatsApp

Por la tarde, la Junta anunció restricciones de riego.

Suscríbete a nuestro boletín diario

Utilizamos cookies propias y de terceros. Si continúas navegando, aceptas nuestra política de cookies.

© 2024 Diario del Guadiana. Todos los derechos reservados.
"""

SCRAPED_AR = """\
بقلم: سارة خليل

آخر تحديث: الأربعاء 3 مارس 2024 - 10:32

قال وزير الموارد المائية إن منسوب السد انخفض إلى 40% من طاقته.

اقرأ أيضا: المزارعون يطالبون بتعويضات

وأضاف أن الحكومة ستخصص 12 مليون دولار لمشاريع الري، وفق بيان نشرته وكالة الأنباء.

شارك على فيسبوك

اشترك في النشرة البريدية
"""


@pytest.mark.parametrize(
    ("language", "raw", "body"),
    [
        (
            "es",
            SCRAPED_ES,
            [
                "El embalse de La Serena está al 20 % de su capacidad, según la Confederación Hidrográfica del Guadiana.",
                "«No habíamos visto nada igual desde 1995», dijo el Sr. Pérez, regante de Castuera.",
                "Por la tarde, la Junta anunció restricciones de riego.",
            ],
        ),
        (
            "ar",
            SCRAPED_AR,
            [
                "قال وزير الموارد المائية إن منسوب السد انخفض إلى 40% من طاقته.",
                "وأضاف أن الحكومة ستخصص 12 مليون دولار لمشاريع الري، وفق بيان نشرته وكالة الأنباء.",
            ],
        ),
    ],
)
def test_a_scraped_page_in_another_language_keeps_only_its_body(language, raw, body):
    """Test that a whole scraped page of the language loses every furniture line and keeps
    its body paragraphs in order, exactly as the source wrote them."""
    cleaned = clean_text(raw, language=language)
    assert cleaned.text.split("\n\n") == body
    assert apply_edits(raw, cleaned.edits) == cleaned.text
    kept = set(body)
    assert all(r.text not in kept for r in cleaned.removed)
    assert len(cleaned.removed) + len(body) == len([x for x in raw.splitlines() if x.strip()])
