"""Cleaning: strip page furniture from scraped article text, keeping an audit trail.

Conservative by design: a line is dropped only when it matches a furniture pattern (image,
caption with a credit, byline, dateline, advertisement, related links, share prompts, tags,
copyright, comment section); everything else is kept. Each dropped line is recorded with
its line number and the reason, so a researcher can check what cleaning did.

The body is the source's own text. The only changes are recorded, as ``Edit`` records with
source and body offsets (``apply_edits(source, edits) == body``, exactly):

- ``"layout"``: line ends become LF, the whitespace around a line and runs of blank lines
  become one newline (within a paragraph) or one blank line (between paragraphs);
- ``"furniture"``: the same, where the gap held lines dropped as furniture (each is also a
  ``RemovedLine``, with its reason);
- ``"no-break space"``: U+00A0 / U+202F become a space;
- ``"lone surrogate"``: half of a UTF-16 pair (a truncated emoji) becomes U+FFFD;
- Markdown only (``markdown=True``, for ``.md`` files): ``"markdown heading"``,
  ``"markdown blockquote"``, ``"markdown emphasis"`` and ``"markdown link"`` markup that is
  rendered away, keeping its words. Plain text keeps ``**``, ``__``, ``#`` and ``[..](..)``.

Every pattern is linear in the length of a line (tests/test_regex_linearity.py), and lines
longer than ``MAX_FURNITURE_CHARS`` are never furniture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RemovedLine:
    """A line cleaning dropped: 1-based line number in the input, its text, and why.

    ``source_start``/``source_end`` are the dropped line's characters (without its line
    end) in the source text.
    """

    line: int
    text: str
    reason: str
    source_start: int = 0
    source_end: int = 0


@dataclass(frozen=True)
class Edit:
    """One recorded change: ``original`` (``source_start``-``source_end`` of the source text)
    became ``text``, which starts at ``start`` in the body; ``reason`` says why."""

    source_start: int
    source_end: int
    original: str
    text: str
    start: int
    reason: str

    def __post_init__(self) -> None:
        if self.source_end - self.source_start != len(self.original) or self.start < 0:
            raise ValueError(f"Edit {self!r}: offsets do not match the original text")

    @property
    def end(self) -> int:
        """The index of the first body character after the replacement."""
        return self.start + len(self.text)


def apply_edits(source: str, edits: tuple[Edit, ...] | list[Edit]) -> str:
    """The text made from ``source`` by ``edits`` (sorted, non-overlapping source spans)."""
    out, pos = [], 0
    for edit in sorted(edits, key=lambda e: (e.source_start, e.source_end)):
        out.append(source[pos : edit.source_start])
        out.append(edit.text)
        pos = edit.source_end
    out.append(source[pos:])
    return "".join(out)


@dataclass(frozen=True)
class Cleaned:
    """The result of cleaning: title, body text (paragraphs separated by blank lines) and
    the recorded ``edits`` that made the body from the source."""

    title: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    removed: tuple[RemovedLine, ...] = ()
    edits: tuple[Edit, ...] = ()


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_IMAGE = re.compile(
    r"^\[?!\[(?P<alt>[^\]]*)\]\((?P<url>[^)\s]+)(?:\s+\"[^\"]*\")?\)(?:\]\([^)\s]+\))?$"
)
_LINK_ONLY = re.compile(r"^(?:[-*•+]\s*)?\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)[.\s]*$")
# Link text holds no "[": each "[" then starts at most one scan (linear).
_INLINE_LINK = re.compile(r"(?<!!)\[(?P<text>[^\[\]\n]+)\]\((?P<url>https?://[^)\s]+)\)")
# Closing hashes are stripped in code: a lazy ".*?" before "\s*#*$" was quadratic.
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*)$")
_CREDIT = _rx(
    r"\((?:photo|image|picture|credit|illustration|video)s?\b[^)]*\)\s*$"
    r"|\b(?:photo|image|picture|credit|illustration)s?\s*(?:credit\s*)?:\s*[^.]{2,80}$"
    r"|\b(?:getty images|ap photo|reuters|afp|shutterstock|file photo)\b[^.]{0,60}$"
)
_CREDIT_LINE = _rx(
    r"^\(?(?:photo|photograph|image|picture|illustration|photo credit|credit)s?\s*[:/]\s*.{2,100}$"
    r"|^\(?(?:getty images|ap photo|reuters|afp|shutterstock)\b.{0,80}$"
    r"|^[A-Z][\w.'’ -]{1,40}/(?:AP|AFP|Reuters|Getty Images|EPA|PA)\)?$"
)
_PAREN_CREDIT = _rx(
    r"\((?:photo|photograph|image|picture|illustration)s?\s*(?:credit\s*)?[:/][^)]{2,80}\)$"
)
_ITALIC = re.compile(r"^(?:\*[^*].*[^*]\*|_[^_].*[^_]_)$")
# Quadratic in the spaces of a line, so only tried on lines of MAX_ADVERT_CHARS or fewer.
MAX_ADVERT_CHARS = 120
_ADVERT = _rx(
    r"^[\[(\-–—\s]*(?:advertisement|advertising|sponsored(?: content)?|ad|"
    r"story continues (?:below|after)(?: (?:the )?advert(?:isement)?)?|"
    r"article continues (?:below|after)(?: (?:this )?advert(?:isement)?)?)"
    r"(?:\s*[-–—:]\s*(?:scroll|continue)[\w\s]*)?[\])\-–—\s]*$"
)
_RELATED_HEAD = _rx(
    r"^(?:read more|read next|more reading|related|related (?:stories|articles|coverage|"
    r"content|links|reading|news)|see also|also read|also see|recommended(?: for you)?|"
    r"you (?:may|might) also like|most read|most popular|more (?:from|on) [\w' ]{2,40}|"
    r"more stories|top stories|editor'?s picks|trending(?: now)?)\s*(?P<colon>:\s*(?P<rest>.*))?$"
)
# One character class after the lead-in (a name and role are told apart in code): the old
# "\s+(?P<name>[^.!?]+?)(?P<role>\s*...)?$" took seconds on "By" + 800 spaces + "!".
_BYLINE = re.compile(r"^(?:By|BY|Words by|Written by|Story by|Text by)(?=\s)(?P<rest>[^.!?]*)$")
_BYLINE_ROLE = re.compile(r"[,|·–—]|\s-\s|\sin\s")
_NAME_PARTICLES = frozenset(
    [
        "and",
        "&",
        "de",
        "da",
        "del",
        "della",
        "di",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
        "du",
        "bin",
        "al",
        "el",
        "y",
    ]
)
_CREDITS_FOOTER = _rx(
    r"^(?:reporting|additional reporting|editing|writing|compiled|research) by\s+[^.]{2,150}\.?$"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATELINE = _rx(
    # Spaces, "on"/"at" and ":" each once, with a literal between the space runs: three
    # adjacent optional space runs ("\s*(?:on|at)?\s*:?\s*") were cubic (42 s on 1.2 KB).
    r"^(?:published|updated|posted|last updated|first published|last modified|modified)"
    r"\s*(?:(?:on|at)\b\s*)?(?::\s*)?"
    rf"(?P<date>(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:\d|{_MONTH}\s).{{0,120}})$"
)
_DATE_ONLY = _rx(
    rf"^(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)[a-z]*\.?,?\s+)?"
    rf"(?:\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}},?)\s+\d{{4}}"
    rf"(?:\s*(?:[,|·-]\s*)?(?:at\s+)?\d{{1,2}}[:.]\d{{2}}\s*(?:(?:a\.?m\.?|p\.?m\.?)\s*)?"
    rf"[A-Z]{{0,4}})?$"
    r"|^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_READING_TIME = _rx(
    r"^(?:\d+\s*(?:min|minute)s?\s+read|listen to (?:this )?article.{0,40}|"
    r"reading time\s*:?.{0,30}|\d+\s*(?:min|minute)s?\s+listen|print|save|save article|"
    r"copy link|link copied)$"
)
_SOCIAL = (
    r"(?:facebook|twitter|x|email|e-mail|whatsapp|linkedin|reddit|telegram|bluesky|threads|"
    r"instagram|tiktok|youtube|messenger|pinterest|flipboard|print|copy link|mastodon)"
)
_SOCIAL_ROW = _rx(
    rf"^(?:(?:share|share on|share via|follow us on|follow us)\s*(?::\s*)?)?"
    rf"{_SOCIAL}\b(?:\s*(?:[|/·,•]\s*)?{_SOCIAL}\b)+\s*$"
)
_PROMPT = _rx(
    r"^(?:share|follow|sign up|subscribe|get|join|download|listen|watch|click|tap|like us|"
    r"don't miss|never miss|want more|enjoying)(?=[\s:]).{0,160}$"
)
_READER = _rx(r"\b(?:our|us|you|your|this (?:article|story|page)|here)\b")
_SENTENCE_END = re.compile(r"[.!?…][\"”’'»)]*$")
_SITE_CHROME = _rx(
    r"^(?:share|email|tweet|like|print|save|comment|most viewed|most shared|"
    r"already a subscriber\?.{0,30}|log in|sign in|subscribe|menu|search|close|"
    r"enter your email(?: address)?)\s*$"
)
_TABLE_ROW = re.compile(r"^\|.*\|\s*$")
_PROMPT_WORDS = _rx(
    r"\b(?:newsletter|newsletters|subscribe|subscription|sign up|inbox|follow us|share this|"
    r"share on|our app|podcast|facebook|twitter|instagram|whatsapp|linkedin|notifications|"
    r"alerts|top stories|breaking news)\b"
)
_TAGS = _rx(
    r"^(?:tags?|topics?|filed under|categories|category|keywords|more about)\s*:\s*(?P<tags>.+)$"
)
_COPYRIGHT = _rx(
    r"^(?:©|\(c\)\s|copyright\s+(?:©|\(c\)|\d{4}))|^all rights reserved\.?$"
    r"|(?:©|\b(?:19|20)\d\d\b).{0,80}all rights reserved"
)
_COMMENTS_HEAD = _rx(
    r"^(?:comments?|comments?\s*\(\d+\)|\d+\s+comments?|show comments|view comments|"
    r"join the (?:conversation|discussion)|leave a (?:comment|reply)|"
    r"reader comments)\s*:?$"
)
_COMMENT_WORD = _rx(r"\bcomment(?:s|ing|er|ers)?\b")
_COMMENT_POLICY = _rx(
    r"moderat|policy|faq|guidelines|community standards|house rules|closed|disabled|"
    r"respectful|abusive|off-topic|before posting"
)
_TERMINAL = re.compile(r"[.!?:;…\"”’»)]$")


# Furniture of news sites in other languages. The English rules above apply to every
# article (sites in any language carry "Facebook | Twitter", "©", Markdown images); these
# are added for the article's language. Each is a whole-line pattern of literal lead-ins
# with a bounded tail (linear), and a line is dropped only as furniture of these shapes.
@dataclass(frozen=True)
class _Rules:
    """One language's furniture: headings, prompts, bylines and the words of its dates."""

    related: re.Pattern[str]  # "Leer más", "Lesen Sie auch: ...": groups colon and rest
    comments: re.Pattern[str]  # the comments heading
    comment_word: re.Pattern[str]
    comment_policy: re.Pattern[str]
    chrome: re.Pattern[str]  # a control alone on its line: "Compartir", "Teilen"
    share: re.Pattern[str]  # the lead-in of a share row before social network names
    prompt: re.Pattern[str]  # a call to the reader: subscribe, follow, download
    prompt_words: re.Pattern[str]
    reader: re.Pattern[str]  # words addressing the reader or naming the site
    cookie: re.Pattern[str]  # words of a cookie notice besides "cookie"
    reading_time: re.Pattern[str]
    byline: re.Pattern[str]  # the lead-in of a byline ("Por", "Von", "بقلم")
    dateline: re.Pattern[str]  # the lead-in of a dateline ("Publicado", "Aktualisiert")
    date_words: frozenset[str]  # months, weekdays and the small words of a date
    months: frozenset[str]
    cased: bool = True  # bylines name capitalised words (not in Arabic script)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _head(words: str) -> re.Pattern[str]:
    """A heading of ``words`` (an alternation) alone, or followed by ':' and a title."""
    return _rx(rf"^(?:{words})\s*(?P<colon>:\s*(?P<rest>.{{0,300}}))?$")


def _line(words: str) -> re.Pattern[str]:
    return _rx(rf"^(?:{words})\s*:?$")


def _lead(words: str) -> re.Pattern[str]:
    return _rx(rf"^(?:{words})(?=[\s:]|$)\s*:?\s*")


_RULES: dict[str, _Rules] = {
    "es": _Rules(
        related=_head(
            r"leer más|lee (?:también|más)|lea (?:también|más)|te puede interesar|"
            r"también te puede interesar|le puede interesar|noticias relacionadas|"
            r"relacionad[oa]s?|contenido relacionado|más información|lo más leído|"
            r"más noticias|ver también|recomendado"
        ),
        comments=_line(
            r"comentarios?|\d+ comentarios?|comentarios \(\d+\)|ver comentarios|"
            r"deja (?:un|tu) comentario|dejar un comentario"
        ),
        comment_word=_rx(r"\bcomentario(?:s)?\b"),
        comment_policy=_rx(r"moderad|normas|política|reglas|respetuos|ofensiv|cerrad"),
        chrome=_line(
            r"compartir|comparte|imprimir|guardar|copiar enlace|enlace copiado|"
            r"menú|buscar|cerrar|iniciar sesión|suscríbete|regístrate"
        ),
        share=_lead(r"compartir(?: en)?|comparte(?: en)?|síguenos en"),
        prompt=_rx(
            r"^(?:suscríbete|suscríbase|regístrate|regístrese|recibe|reciba|apúntate|"
            r"síguenos|descarga|descargue|únete|no te pierdas)(?=[\s:,]).{0,160}$"
        ),
        prompt_words=_rx(
            r"\b(?:newsletter|boletín|boletines|correo|suscripción|whatsapp|"
            r"telegram|facebook|twitter|instagram|aplicación|app|notificaciones|"
            r"alertas|podcast)\b"
        ),
        reader=_rx(r"\b(?:nuestr[oa]s?|tu|tus|te|usted|su correo|aquí|este (?:artículo|sitio))\b"),
        cookie=_rx(
            r"\b(?:aceptar|acepto|acepta|configurar|política de cookies|navegando|"
            r"utilizamos|usamos)\b"
        ),
        reading_time=_rx(
            r"^(?:(?:tiempo de lectura\s*:?\s*)?\d+\s*min(?:utos?)?\.?"
            r"(?: de lectura)?|escuchar (?:este )?(?:artículo|noticia))$"
        ),
        byline=_lead(r"por|escrito por|texto de|redacción"),
        dateline=_lead(r"publicado|actualizado|última actualización|actualización"),
        date_words=_words(
            "el la las los de del a y hace h hs hrs horas hora minutos min actualizado "
            "lunes martes miércoles jueves viernes sábado domingo"
        ),
        months=_words(
            "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre "
            "noviembre diciembre ene feb mar abr may jun jul ago sep sept oct nov dic"
        ),
    ),
    "de": _Rules(
        related=_head(
            r"weiterlesen|mehr lesen|lesen sie auch|lesen sie mehr|auch interessant|"
            r"das könnte sie auch interessieren|mehr zum thema|verwandte artikel|"
            r"ähnliche artikel|meistgelesen|empfohlen|mehr dazu|zum thema"
        ),
        comments=_line(
            r"kommentare?|\d+ kommentare?|kommentare \(\d+\)|kommentieren|"
            r"kommentar schreiben|kommentare anzeigen|diskutieren sie mit"
        ),
        comment_word=_rx(r"\bkommentar(?:e|en|funktion|bereich)?\b"),
        comment_policy=_rx(r"moderiert|netiquette|regeln|richtlinien|geschlossen|deaktiviert"),
        chrome=_line(
            r"teilen|drucken|merken|speichern|link kopieren|link kopiert|menü|"
            r"suche|schließen|anmelden|einloggen|abonnieren"
        ),
        share=_lead(r"teilen(?: auf| über| via)?|artikel teilen|folgen sie uns(?: auf)?"),
        prompt=_rx(
            r"^(?:abonnieren sie|melden sie sich|jetzt (?:anmelden|abonnieren|"
            r"registrieren|herunterladen)|folgen sie uns|laden sie|hier (?:anmelden|"
            r"abonnieren)|registrieren sie sich|verpassen sie)(?=[\s:,]).{0,160}$"
        ),
        prompt_words=_rx(
            r"\b(?:newsletter|e-mail|abo|abonnement|whatsapp|telegram|facebook|"
            r"twitter|instagram|app|push|benachrichtigungen|podcast|kanal)\b"
        ),
        reader=_rx(r"\b(?:unser(?:e|en|em|er)?|sie|ihr(?:e|en)?|hier|dieser artikel)\b"),
        cookie=_rx(
            r"\b(?:akzeptieren|zustimmen|einwilligung|datenschutz|einstellungen|"
            r"verwenden|nutzen)\b"
        ),
        reading_time=_rx(
            r"^(?:lesezeit\s*:?\s*\d+\s*min(?:uten)?\.?|\d+\s*min(?:uten)?\.?"
            r"\s*lesezeit|artikel (?:vor)?(?:anhören|hören))$"
        ),
        byline=_lead(r"von|text von|ein (?:bericht|kommentar) von"),
        dateline=_lead(r"veröffentlicht|aktualisiert|zuletzt aktualisiert|stand|erstellt"),
        date_words=_words(
            "am um uhr den vom stand und vor stunden stunde minuten min aktualisiert "
            "montag dienstag mittwoch donnerstag freitag samstag sonntag"
        ),
        months=_words(
            "januar jänner februar märz april mai juni juli august september oktober "
            "november dezember jan feb mär märz apr jun jul aug sep sept okt nov dez"
        ),
    ),
    "fr": _Rules(
        related=_head(
            r"lire aussi|à lire aussi|lire la suite|lire plus|voir aussi|à voir aussi|"
            r"sur le même sujet|articles liés|articles similaires|à découvrir|"
            r"les plus lus|recommandé|dans la même rubrique|en savoir plus"
        ),
        comments=_line(
            r"commentaires?|\d+ commentaires?|commentaires \(\d+\)|"
            r"laisser un commentaire|réagir|réagissez|voir les commentaires"
        ),
        comment_word=_rx(r"\bcommentaires?\b"),
        comment_policy=_rx(r"modér|charte|règles|fermés|désactivés|respectueux"),
        chrome=_line(
            r"partager|imprimer|enregistrer|sauvegarder|copier le lien|lien copié|"
            r"menu|rechercher|fermer|se connecter|s'abonner|s’abonner"
        ),
        share=_lead(r"partager(?: sur)?|partagez(?: sur)?|suivez-nous(?: sur)?"),
        prompt=_rx(
            r"^(?:abonnez-vous|inscrivez-vous|recevez|suivez-nous|téléchargez|"
            r"rejoignez-nous|ne manquez)(?=[\s:,]).{0,160}$"
        ),
        prompt_words=_rx(
            r"\b(?:newsletter|lettre d['’]information|infolettre|e-mail|courriel|"
            r"whatsapp|telegram|facebook|twitter|instagram|application|appli|"
            r"notifications|alertes|podcast)\b"
        ),
        reader=_rx(r"\b(?:notre|nos|vous|votre|vos|ici|cet article)\b"),
        cookie=_rx(
            r"\b(?:accepter|acceptez|paramétrer|consentement|utilisons|"
            r"politique de confidentialité)\b"
        ),
        reading_time=_rx(
            r"^(?:temps de lecture\s*:?\s*\d+\s*min(?:utes?)?\.?|\d+\s*min(?:utes?)?"
            r"\.?\s*de lecture|écouter (?:cet )?article)$"
        ),
        byline=_lead(r"par"),
        dateline=_lead(r"publié|mis à jour|actualisé|modifié|mise à jour"),
        date_words=_words(
            "le à h il y a depuis et heures heure min minutes mis jour "
            "lundi mardi mercredi jeudi vendredi samedi dimanche"
        ),
        months=_words(
            "janvier février mars avril mai juin juillet août septembre octobre novembre "
            "décembre janv févr avr juil sept oct nov déc"
        ),
    ),
    "it": _Rules(
        related=_head(
            r"leggi anche|leggi di più|continua a leggere|potrebbe interessarti|ti potrebbe "
            r"interessare|articoli correlati|correlati|approfondimenti|più letti|"
            r"i più letti|vedi anche|consigliati"
        ),
        comments=_line(r"commenti|\d+ commenti|commenti \(\d+\)|lascia un commento|commenta"),
        comment_word=_rx(r"\bcomment(?:o|i)\b"),
        comment_policy=_rx(r"moderat|regole|policy|chiusi|disattivati|rispettos"),
        chrome=_line(
            r"condividi|stampa|salva|copia link|link copiato|menu|cerca|chiudi|"
            r"accedi|abbonati"
        ),
        share=_lead(r"condividi(?: su)?|seguici(?: su)?"),
        prompt=_rx(
            r"^(?:iscriviti|abbonati|ricevi|seguici|scarica|unisciti|non perdere)"
            r"(?=[\s:,]).{0,160}$"
        ),
        prompt_words=_rx(
            r"\b(?:newsletter|e-mail|email|whatsapp|telegram|facebook|twitter|"
            r"instagram|app|notifiche|canale|podcast)\b"
        ),
        reader=_rx(r"\b(?:nostr[oaie]|tu|tuo|tua|ti|voi|vostr[oaie]|qui|questo articolo)\b"),
        cookie=_rx(r"\b(?:accetta|accetto|consenso|utilizziamo|usiamo|preferenze|informativa)\b"),
        reading_time=_rx(
            r"^(?:(?:tempo di )?lettura\s*:?\s*\d+\s*min(?:uti)?\.?|\d+\s*min(?:uti)?"
            r"\.?\s*di lettura|ascolta (?:l['’])?articolo)$"
        ),
        byline=_lead(r"di|a cura di|scritto da"),
        dateline=_lead(r"pubblicato|aggiornato|ultimo aggiornamento|aggiornamento"),
        date_words=_words(
            "il alle ore del e aggiornato fa minuti min "
            "lunedì martedì mercoledì giovedì venerdì sabato domenica"
        ),
        months=_words(
            "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
            "novembre dicembre gen feb mar apr mag giu lug ago set ott nov dic"
        ),
    ),
    "nl": _Rules(
        related=_head(
            r"lees ook|lees meer|lees verder|meer lezen|gerelateerd|gerelateerde artikelen|"
            r"meer over dit onderwerp|meest gelezen|aanbevolen|bekijk ook|ook interessant"
        ),
        comments=_line(
            r"reacties?|\d+ reacties?|reacties \(\d+\)|reageer|plaats een reactie|"
            r"bekijk reacties"
        ),
        comment_word=_rx(r"\breacties?\b"),
        comment_policy=_rx(r"gemodereerd|regels|huisregels|gesloten|uitgeschakeld|respectvol"),
        chrome=_line(
            r"delen|deel|printen|opslaan|kopieer link|link gekopieerd|menu|zoeken|"
            r"sluiten|inloggen|abonneren"
        ),
        share=_lead(r"delen(?: op| via)?|deel(?: op| via)?|volg ons(?: op)?"),
        prompt=_rx(
            r"^(?:schrijf je in|meld je aan|abonneer|ontvang|volg ons|download|"
            r"mis niets)(?=[\s:,]).{0,160}$"
        ),
        prompt_words=_rx(
            r"\b(?:nieuwsbrief|e-mail|whatsapp|telegram|facebook|twitter|"
            r"instagram|app|meldingen|podcast)\b"
        ),
        reader=_rx(r"\b(?:onze?|je|jouw|u|uw|hier|dit artikel)\b"),
        cookie=_rx(r"\b(?:accepteren|akkoord|toestemming|gebruiken|instellingen)\b"),
        reading_time=_rx(
            r"^(?:leestijd\s*:?\s*\d+\s*min(?:uten)?\.?|\d+\s*min(?:uten)?\.?"
            r"\s*leestijd|luister (?:naar )?(?:dit )?artikel)$"
        ),
        byline=_lead(r"door"),
        dateline=_lead(r"gepubliceerd|bijgewerkt|laatst bijgewerkt|geplaatst|aangepast"),
        date_words=_words(
            "op om uur geleden en bijgewerkt minuten min "
            "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag"
        ),
        months=_words(
            "januari februari maart april mei juni juli augustus september oktober november "
            "december jan feb mrt apr jun jul aug sep sept okt nov dec"
        ),
    ),
    "pt": _Rules(
        related=_head(
            r"leia (?:também|mais)|leia a seguir|saiba mais|veja também|veja mais|"
            r"notícias relacionadas|relacionad[oa]s?|conteúdo relacionado|mais lidas|"
            r"recomendado|pode (?:também )?interessar"
        ),
        comments=_line(
            r"comentários?|\d+ comentários?|comentários \(\d+\)|"
            r"deixe (?:um|seu) comentário|ver comentários"
        ),
        comment_word=_rx(r"\bcomentários?\b"),
        comment_policy=_rx(r"moderad|regras|política|respeitos|ofensiv|fechad"),
        chrome=_line(
            r"compartilhar|partilhar|imprimir|salvar|guardar|copiar link|"
            r"link copiado|menu|buscar|pesquisar|fechar|entrar|assine"
        ),
        share=_lead(
            r"compartilhe(?: no| na)?|compartilhar(?: no| na| em)?|partilhar(?: no)?|"
            r"siga-nos(?: no| na)?"
        ),
        prompt=_rx(
            r"^(?:assine|inscreva-se|receba|siga-nos|baixe|descarregue|junte-se|"
            r"não perca)(?=[\s:,]).{0,160}$"
        ),
        prompt_words=_rx(
            r"\b(?:newsletter|boletim|e-mail|whatsapp|telegram|facebook|twitter|"
            r"instagram|aplicativo|app|notificações|alertas|podcast)\b"
        ),
        reader=_rx(r"\b(?:noss[oa]s?|você|seu|sua|aqui|este (?:artigo|site))\b"),
        cookie=_rx(
            r"\b(?:aceitar|aceito|aceite|consentimento|utilizamos|usamos|"
            r"política de privacidade)\b"
        ),
        reading_time=_rx(
            r"^(?:(?:tempo de leitura\s*:?\s*)?\d+\s*min(?:utos?)?\.?"
            r"(?: de leitura)?|ouvir (?:este )?(?:artigo|notícia))$"
        ),
        byline=_lead(r"por"),
        dateline=_lead(r"publicado|atualizado|actualizado|última atualização"),
        date_words=_words(
            "em às de do da h há horas hora minutos min e atualizado "
            "segunda terça quarta quinta sexta feira sábado domingo"
        ),
        months=_words(
            "janeiro fevereiro março abril maio junho julho agosto setembro outubro "
            "novembro dezembro jan fev mar abr mai jun jul ago set out nov dez"
        ),
    ),
    "ar": _Rules(
        related=_head(
            r"اقرأ أيضا|اقرأ أيضاً|اقرأ أيضًا|إقرأ أيضا|إقرأ أيضاً|اقرأ المزيد|اقرأ كذلك|"
            r"أخبار ذات صلة|مواضيع ذات صلة|مقالات ذات صلة|ذات صلة|الأكثر قراءة|شاهد أيضا|"
            r"شاهد أيضاً|المزيد"
        ),
        comments=_line(r"التعليقات|تعليقات|\d+ تعليقات?|أضف تعليقا|أضف تعليقاً|اترك تعليقا"),
        comment_word=_rx(r"(?:^|\s)(?:ال)?تعليق(?:ات)?(?:\s|$|[.،])"),
        comment_policy=_rx(r"سياسة|الإشراف|مراجعة|قواعد|مغلقة"),
        chrome=_line(
            r"شارك|مشاركة|طباعة|حفظ|نسخ الرابط|تم نسخ الرابط|القائمة|بحث|إغلاق|"
            r"تسجيل الدخول|اشترك"
        ),
        share=_lead(
            r"شارك(?: على| عبر)?|مشاركة(?: على| عبر)?|تابعنا(?: على| عبر)?|"
            r"تابعونا(?: على| عبر)?"
        ),
        prompt=_rx(
            r"^(?:اشترك|اشتركوا|سجل|تابعنا|تابعونا|حمّل|حمل|انضم|لا تفوت)(?=[\s:،]).{0,160}$"
        ),
        prompt_words=_rx(
            r"(?:النشرة|البريد|قناتنا|واتساب|تلغرام|تيليجرام|فيسبوك|تويتر|"
            r"إنستغرام|تطبيق|الإشعارات|التنبيهات|بودكاست)"
        ),
        reader=_rx(r"(?:نا(?:\s|$)|لكم|لك(?:\s|$)|هنا|هذا المقال)"),
        cookie=_rx(r"(?:قبول|موافق|أوافق|نستخدم|سياسة الخصوصية|ملفات تعريف الارتباط)"),
        reading_time=_rx(
            r"^(?:(?:وقت القراءة|مدة القراءة)\s*:?\s*\d+\s*(?:دقيقة|دقائق|د)|"
            r"\d+\s*(?:دقيقة|دقائق)\s*(?:للقراءة|قراءة)|استمع (?:إلى )?المقال)$"
        ),
        byline=_lead(r"بقلم|كتب\s*:|كتبت\s*:|إعداد\s*:|تقرير\s*:"),
        dateline=_lead(r"نشر|نُشر|نشر في|تاريخ النشر|آخر تحديث|تم التحديث|محدث"),
        date_words=_words(
            "في الساعة منذ ساعة ساعات دقيقة دقائق آخر تحديث م ص ه هـ "
            "الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد"
        ),
        months=_words(
            "يناير فبراير مارس أبريل إبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر "
            "ديسمبر كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين الثاني الأول"
        ),
        cased=False,
    ),
    "bg": _Rules(
        related=_head(
            r"прочетете още|още по темата|вижте още|вижте също|свързани новини|"
            r"свързани статии|още от|най-четени|препоръчано|прочети още|още новини"
        ),
        comments=_line(
            r"коментари|\d+ коментара?|коментари \(\d+\)|коментирай|"
            r"напиши коментар|вижте коментарите"
        ),
        comment_word=_rx(r"(?:^|\s)коментар(?:и|а|ите)?(?:\s|$|[.,])"),
        comment_policy=_rx(r"модерира|правила|политика|затворени|изключени"),
        chrome=_line(
            r"сподели|споделете|принтирай|запази|копирай линка|линкът е копиран|"
            r"меню|търсене|затвори|вход|абонирай се"
        ),
        share=_lead(r"сподели(?: във| в)?|споделете(?: във| в)?|последвайте ни(?: във| в)?"),
        prompt=_rx(
            r"^(?:абонирайте се|абонирай се|запишете се|получавайте|последвайте ни|"
            r"изтеглете|не пропускайте)(?=[\s:,]).{0,160}$"
        ),
        prompt_words=_rx(
            r"(?:бюлетин|имейл|и-мейл|вайбър|viber|telegram|facebook|фейсбук|"
            r"twitter|instagram|приложение|известия|подкаст|канал)"
        ),
        reader=_rx(r"(?:наш(?:ия|ият|ата|ите)?|вие|вас|ви(?:\s|$)|тук|тази статия)"),
        cookie=_rx(r"(?:приемам|приемете|съгласие|използваме|настройки|поверителност)"),
        reading_time=_rx(
            r"^(?:(?:време за четене|четене)\s*:?\s*\d+\s*мин\.?(?:ути)?|"
            r"\d+\s*мин\.?(?:ути)?\s*четене|слушай статията)$"
        ),
        byline=_lead(r"автор|от|текст"),
        dateline=_lead(r"публикувано|обновено|последна актуализация|актуализирано"),
        date_words=_words(
            "на в ч часа час преди и г година мин минути обновено "
            "понеделник вторник сряда четвъртък петък събота неделя"
        ),
        months=_words(
            "януари февруари март април май юни юли август септември октомври ноември "
            "декември яну фев мар апр юни юли авг сеп окт ное дек"
        ),
    ),
}
CLEANING_LANGUAGES = frozenset({"en", *_RULES})
"""The languages whose page furniture cleaning knows (English rules apply to all)."""
_SOCIAL_ANY = (
    rf"(?:{_SOCIAL}|فيسبوك|تويتر|واتساب|تلغرام|تيليجرام|إنستغرام|يوتيوب|البريد الإلكتروني|"
    r"фейсбук|вайбър|имейл|correo|e-mail|courriel)"
)
_SOCIAL_TAIL = re.compile(rf"{_SOCIAL_ANY}(?:\s*(?:[|/·,•،]\s*)?{_SOCIAL_ANY})*\s*$", re.I)
_COOKIE_NOUN = _rx(r"\bcookies?\b|ملفات تعريف الارتباط|الكوكيز|бисквитк")
_LOCAL_SENTENCE_PUNCT = re.compile(r"[.!?؟]")
_DATE_TOKEN = re.compile(r"\d+|[^\W\d_]+")
_NUMERIC_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")


def _is_date(text: str, rules: _Rules, *, lead: bool) -> bool:
    """Whether ``text`` is only a date and time in ``rules``' language ("3 de marzo de
    2024, 10:32", "Mittwoch, 3. März 2024"): a digit, and every word a month, a weekday or a
    small word of dates; without a lead-in ("Publicado"), also a month or a numeric date."""
    text = text.strip()
    tokens = _DATE_TOKEN.findall(text.casefold())
    # A full stop ends a sentence, not a date, unless it ends an abbreviation ("2024 г.").
    ends_abbreviation = text.endswith(".") and tokens and tokens[-1] in rules.date_words
    if len(text) > 100 or (text.endswith((".", "!", "?", "؟")) and not ends_abbreviation):
        return False
    if not any(t.isdigit() for t in tokens):
        return False
    words = [t for t in tokens if not t.isdigit()]
    if not all(w in rules.months or w in rules.date_words for w in words):
        return False
    return lead or any(w in rules.months for w in words) or bool(_NUMERIC_DATE.search(text))


def _is_local_byline(line: str, rules: _Rules) -> bool:
    """'Por Ana López', 'Von Jana Weber, Berlin', 'بقلم: سارة خليل': a lead-in and 1-6 name
    words (capitalised where the script has case), no sentence punctuation."""
    lead = rules.byline.match(line)
    if not lead:
        return False
    rest = line[lead.end() :]
    if _LOCAL_SENTENCE_PUNCT.search(rest):
        return False
    role = _BYLINE_ROLE.search(rest)
    words = (rest[: role.start()] if role else rest).split()
    if not 1 <= len(words) <= 6:
        return False
    return not rules.cased or all(w[:1].isupper() or w.lower() in _NAME_PARTICLES for w in words)


def _local_furniture(line: str, rules: _Rules) -> str | None:
    """The reason ``line`` is furniture of the article's language, or None."""
    if len(line) > 400:
        return None
    if _is_local_byline(line, rules):
        return "byline"
    dateline = rules.dateline.match(line)
    if (dateline and _is_date(line[dateline.end() :], rules, lead=True)) or _is_date(
        line, rules, lead=False
    ):
        return "dateline"
    if rules.reading_time.match(line):
        return "reading time"
    if rules.chrome.match(line):
        return "page control"
    share = rules.share.match(line)
    if share and _SOCIAL_TAIL.match(line, share.end()):
        return "share prompt"
    if (
        rules.prompt.match(line)
        and rules.prompt_words.search(line)
        and (rules.reader.search(line) or not _SENTENCE_END.search(line) or len(line.split()) <= 6)
    ):
        return "share prompt"
    if _COOKIE_NOUN.search(line) and rules.cookie.search(line) and rules.reader.search(line):
        return "cookie notice"
    if (
        rules.comment_word.search(line)
        and rules.comment_policy.search(line)
        and rules.reader.search(line)
    ):
        return "comment policy"
    return None


def _is_headline(line: str) -> bool:
    """A first line that reads like a headline: capitalised, 2-25 words, no full stop at the
    end ('Will the dam hold?' and '“Never again”: town counts the cost' are headlines)."""
    words = line.split()
    first = line.lstrip("\"“‘'«")[:1]
    return (
        2 <= len(words) <= 25
        and len(line) <= 200
        # Caseless scripts (Arabic, Hebrew) count as capitalised: no letter there is lowercase.
        and ((first.isalpha() and not first.islower()) or first.isdigit())
        and not re.search(r"[.:;,…،؛]$", line)
        and not line.startswith(("-", "*", "•", "|", ">"))
    )


def _is_byline(line: str) -> bool:
    """'By Ann Lee, Staff reporter' / 'By Émilie Durand in Lyon': capitalised name words."""
    name = _byline_name(line)
    if name is None:
        return False
    words = name.split()
    return 1 <= len(words) <= 8 and all(
        word[:1].isupper() or word.lower() in _NAME_PARTICLES for word in words
    )


def _byline_name(line: str) -> str | None:
    """The name in a 'By ...' line (before a role: ', Staff', ' in Lyon'), or None."""
    match = _BYLINE.match(line)
    if not match:
        return None
    rest = match.group("rest")
    role = _BYLINE_ROLE.search(rest)
    name = (rest[: role.start()] if role else rest).strip()
    return name or None


def _words_of_prose(text: str) -> int:
    """How many ordinary lowercase words a would-be dateline has (dates have almost none)."""
    allowed = {"at", "on", "by", "and", "updated", "published", "posted", "ago", "hours", "hour"}
    words = re.findall(r"(?<![\w.])[a-z]+(?![\w.])", text)
    return sum(1 for word in words if word not in allowed)


def _furniture(line: str, *, in_body: bool) -> str | None:
    """The reason ``line`` is page furniture, or None if it may be article text."""
    if len(line) <= MAX_ADVERT_CHARS and _ADVERT.match(line):
        return "advertisement"
    if _LINK_ONLY.match(line):
        return "link"
    if _is_byline(line) or _CREDITS_FOOTER.match(line):
        return "byline"
    dateline = _DATELINE.match(line)
    if len(line) <= 160 and (
        (dateline and _words_of_prose(dateline.group("date")) <= 2) or _DATE_ONLY.match(line)
    ):
        return "dateline"
    if _READING_TIME.match(line):
        return "reading time"
    if _SITE_CHROME.match(line):
        return "page control"
    if _SOCIAL_ROW.match(line) or _is_prompt(line):
        return "share prompt"
    if _TAGS.match(line) and len(line) <= 300:
        return "tags"
    if len(line) <= 200 and _COPYRIGHT.search(line):
        return "copyright"
    if len(line) <= 400 and _COMMENT_WORD.search(line) and _COMMENT_POLICY.search(line):
        return "comment policy"
    if _CREDIT_LINE.match(line) and len(line) <= 100 and not _SENTENCE_END.search(line):
        return "photo credit"
    if _TABLE_ROW.match(line):
        return "table"
    return None


def _is_prompt(line: str) -> bool:
    """'Follow us on Facebook', 'Sign up for our newsletter': a call to the reader."""
    if not (_PROMPT.match(line) and _PROMPT_WORDS.search(line)):
        return False
    return bool(_READER.search(line) or not _SENTENCE_END.search(line) or len(line.split()) <= 6)


def _metadata_from(
    reason: str, line: str, meta: dict[str, Any], rules: _Rules | None = None
) -> None:
    """Keep what furniture tells about the article (byline, date, tags, links)."""
    if reason == "byline" and "byline" not in meta:
        lead = rules.byline.match(line) if rules else None
        meta["byline"] = (
            line[lead.end() :] if lead else re.sub(r"^(?:By|BY|Words by|Written by)\s+", "", line)
        )
    elif reason == "dateline":
        match = _DATELINE.match(line)
        lead = rules.dateline.match(line) if rules and not match else None
        date = match.group("date") if match else line[lead.end() :] if lead else line
        if rules and not match:  # "el 3 de marzo": the date starts at its first number
            first = re.search(r"\d|\b(?:" + "|".join(sorted(rules.months)) + r")\b", date, re.I)
            date = date[first.start() :] if first else date
        meta.setdefault("date", re.split(r"\s+[|·]\s+", date)[0].strip())
    elif reason == "tags":
        match = _TAGS.match(line)
        if match:
            meta["tags"] = [t.strip() for t in re.split(r"[,;|]", match.group("tags")) if t.strip()]
    elif reason in ("link", "related link"):
        link = _LINK_ONLY.match(line)
        related = _RELATED_HEAD.match(line)
        item = link.group("url") if link else (related and related.group("rest")) or line
        meta.setdefault("related", []).append(item)


_LINE_END = re.compile(r"\r\n|\r|\n")
_SPECIAL_CHARS = re.compile(r"[\u00a0\u202f]|[\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_MARKERS = re.compile(r"\*\*|__")
_BLOCKQUOTE = re.compile(r">\s?")
_MARKUP_CHARS = re.compile(r"[*_>#\[]")
MAX_FURNITURE_CHARS = 2000  # a longer line is never furniture (and patterns see less)

# (start, end, replacement, reason), offsets relative to a stripped line.
_LineEdit = tuple[int, int, str, str]


def _plain(line: str) -> str:
    """What the furniture patterns read: no-break spaces as spaces, lone surrogates as U+FFFD."""
    line = line.replace("\u00a0", " ").replace("\u202f", " ")
    return _SURROGATE.sub("\ufffd", line).strip()


def _char_edits(line: str) -> list[_LineEdit]:
    """The documented character normalisations of one line: no-break spaces, surrogates."""
    return [
        (m.start(), m.end(), "\ufffd", "lone surrogate")
        if _SURROGATE.match(m.group())
        else (m.start(), m.end(), " ", "no-break space")
        for m in _SPECIAL_CHARS.finditer(line)
    ]


def _emphasis_edits(line: str, offset: int) -> list[_LineEdit]:
    """Deletions of paired '**'/'__' markers (opening before, closing after a non-space),
    paired left to right in one pass. As in CommonMark, '__' inside a word is not emphasis
    ("snake__case__names" keeps its underscores); '**' may be."""
    edits: list[_LineEdit] = []
    open_marker: re.Match[str] | None = None
    for marker in _MARKERS.finditer(line):
        after, before = (
            line[marker.end() : marker.end() + 1],
            line[marker.start() - 1 : marker.start()],
        )
        if marker.group() == "__" and (before.isalnum() and after.isalnum()):
            continue  # intraword underscores
        if (
            open_marker
            and open_marker.group() == marker.group()
            and before.strip()
            and not (marker.group() == "__" and after.isalnum())
        ):
            edits.append(
                (offset + open_marker.start(), offset + open_marker.end(), "", "markdown emphasis")
            )
            edits.append((offset + marker.start(), offset + marker.end(), "", "markdown emphasis"))
            open_marker = None
        elif (
            after.strip()
            and (open_marker is None or open_marker.group() != marker.group())
            and not (marker.group() == "__" and before.isalnum())
        ):
            open_marker = marker
    return edits


def _markdown_edits(line: str) -> list[_LineEdit]:
    """Markdown markup of one stripped line to render away: a blockquote '>', heading
    hashes, '**'/'__' emphasis and inline links (their words stay)."""
    edits: list[_LineEdit] = []
    if not _MARKUP_CHARS.search(line):
        return edits  # most lines: nothing to render
    pos = 0
    quote = _BLOCKQUOTE.match(line)
    if quote:
        edits.append((0, quote.end(), "", "markdown blockquote"))
        pos = quote.end()
    heading = _HEADING.match(line, pos)
    end = len(line)
    if heading:
        text_start = heading.start("text")
        edits.append((pos, text_start, "", "markdown heading"))
        text = line[text_start:].rstrip("#").rstrip()
        if text_start + len(text) < end:
            edits.append((text_start + len(text), end, "", "markdown heading"))
        pos, end = text_start, text_start + len(text)
    inner = line[pos:end]
    for link in _INLINE_LINK.finditer(inner):
        edits.append((pos + link.start(), pos + link.start("text"), "", "markdown link"))
        edits.append((pos + link.end("text"), pos + link.end(), "", "markdown link"))
    edits.extend(_emphasis_edits(inner, pos))
    return edits


def _line_edits(line: str, *, markdown: bool) -> list[_LineEdit]:
    """Every recorded change within one kept (stripped) line, sorted, none overlapping."""
    edits = _char_edits(line) + (_markdown_edits(line) if markdown else [])
    if len(edits) < 2:
        return edits
    edits.sort()
    out: list[_LineEdit] = []
    for edit in edits:
        if out and edit[0] < out[-1][1]:
            continue  # inside markup already removed (a no-break space after '#')
        out.append(edit)
    return out


class _Body:
    """Builds the body from source spans, recording every change as an Edit."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.edits: list[Edit] = []
        self.length = 0  # characters of body so far
        self.cursor = 0  # source characters consumed so far

    def keep(self, end: int) -> None:
        """Copy the source up to ``end`` unchanged."""
        piece = self.source[self.cursor : end]
        self.parts.append(piece)
        self.length += len(piece)
        self.cursor = end

    def replace(self, end: int, text: str, reason: str) -> None:
        """Replace the source up to ``end`` with ``text`` (recorded unless identical)."""
        original = self.source[self.cursor : end]
        if original != text:
            self.edits.append(Edit(self.cursor, end, original, text, self.length, reason))
        self.parts.append(text)
        self.length += len(text)
        self.cursor = end

    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class _Kept:
    """A body line: its source span (without surrounding whitespace), and what came before."""

    start: int
    end: int
    blank_before: bool  # a blank source line since the previous body line
    dropped_before: bool  # a furniture line since the previous body line


def clean_text(
    raw: str,
    *,
    title: str = "",
    headlines: tuple[str, ...] = (),
    markdown: bool = False,
    language: str = "en",
) -> Cleaned:
    """Clean scraped text or Markdown: drop furniture lines, find title, byline and date.

    ``title`` (e.g. from a corpus column or an HTML page) wins over a headline found in the
    text; a first line repeating it, or one of ``headlines`` (a page's other ``<h1>``), is
    dropped. Paragraphs are separated by blank lines; a source with no blank line between
    its body lines (scraped text, one paragraph per line) keeps one line per paragraph and
    no blank lines. The body is ``raw`` with whole lines removed and only the changes in
    ``Cleaned.edits`` (see the module docstring); Markdown is rendered only if ``markdown``.
    ``language`` (ISO 639-1) adds that language's furniture (``CLEANING_LANGUAGES``) to the
    English rules, which apply to every article.
    """
    rules = _RULES.get(language)
    line_spans, pos = [], 0
    for match in _LINE_END.finditer(raw):
        line_spans.append((pos, match.start()))
        pos = match.end()
    line_spans.append((pos, len(raw)))
    meta: dict[str, Any] = {}
    removed: list[RemovedLine] = []
    kept: list[_Kept] = []
    found_title = title.strip()
    known_headlines = {h.strip().casefold() for h in (title, *headlines) if h.strip()}
    # A comments heading ends the article only in its last part; near the top it is a link.
    comments_from = int(0.6 * sum(1 for s, e in line_spans if raw[s:e].strip()))
    in_body = in_comments = in_related = False
    after_image: str | None = None
    seen = 0
    blank = dropped = False

    def drop(lineno: int, line: str, reason: str, span: tuple[int, int]) -> None:
        nonlocal dropped
        removed.append(RemovedLine(lineno, line, reason, *span))
        dropped = True

    for lineno, (line_start, line_end) in enumerate(line_spans, start=1):
        raw_line = raw[line_start:line_end]
        line = _plain(raw_line)
        if not line:
            blank = True
            continue
        lead = len(raw_line) - len(raw_line.lstrip())
        span = (line_start + lead, line_start + len(raw_line.rstrip()))
        seen += 1
        if in_comments:
            drop(lineno, line, "comment section", span)
            continue
        previous_image, after_image = after_image, None
        short = len(line) <= MAX_FURNITURE_CHARS

        image = _IMAGE.match(line) if short else None
        if image:
            meta.setdefault("images", []).append(image.group("url"))
            if image.group("alt"):
                meta.setdefault("image_alts", []).append(image.group("alt"))
            after_image = image.group("alt")
            drop(lineno, line, "image", span)
            continue
        if short and (
            (previous_image is not None and (_CREDIT.search(line) or _ITALIC.match(line)))
            or (_PAREN_CREDIT.search(line) and len(line) <= 300)
        ):
            meta.setdefault("captions", []).append(line.strip("*_ "))
            drop(lineno, line, "caption", span)
            continue

        heading = _HEADING.match(line) if short else None
        content = _unmark(heading.group("text").rstrip("#").rstrip() if heading else line)
        if heading and len(heading.group("hashes")) == 1 and not found_title and not in_body:
            found_title = content
            drop(lineno, line, "headline (used as title)", span)
            continue
        if short and (_COMMENTS_HEAD.match(content) or (rules and rules.comments.match(content))):
            if in_body and seen > comments_from:
                in_comments = True
                drop(lineno, line, "comment section", span)
            else:
                drop(lineno, line, "comments link", span)
            continue
        related = (
            (_RELATED_HEAD.match(content) or (rules and rules.related.match(content)))
            if short
            else None
        )
        if related:
            in_related = not related.group("rest")
            reason = "related link"
            _metadata_from(reason, content, meta)
            drop(lineno, line, reason, span)
            continue
        reason = _furniture(content, in_body=in_body) if short else None
        if reason is None and rules and short:
            reason = _local_furniture(content, rules)
        if reason == "link" and in_related:
            reason = "related link"
        elif reason is None and in_related:
            # Only link-like list items continue a related block; anything else ends it.
            is_item = content.startswith(("-", "*", "•")) and len(content) <= 150
            reason = "related link" if is_item and not _TERMINAL.search(content) else None
            in_related = reason is not None
        if reason:
            _metadata_from(reason, content, meta, rules)
            drop(lineno, line, reason, span)
            continue

        if not in_body and content.casefold() in known_headlines:
            drop(lineno, line, "headline (repeats the title)", span)
            continue
        if not in_body and not found_title and not heading and _is_headline(content):
            found_title = content
            known_headlines.add(content.casefold())
            drop(lineno, line, "headline (used as title)", span)
            continue

        links = [m.group("url") for m in _INLINE_LINK.finditer(content)]
        if links:
            meta.setdefault("links", []).extend(links)
        if markdown and not content:
            drop(lineno, line, "markdown markup", span)  # a line of only '**' or '>'
            continue
        kept.append(_Kept(*span, blank_before=blank, dropped_before=dropped))
        blank = dropped = False
        in_body = True

    text, edits = _build_body(raw, kept, markdown=markdown, dropped_after=dropped)
    return Cleaned(title=found_title, text=text, metadata=meta, removed=tuple(removed), edits=edits)


def _build_body(
    raw: str, kept: list[_Kept], *, markdown: bool, dropped_after: bool
) -> tuple[str, tuple[Edit, ...]]:
    """The body text from the kept lines, and the edits that make it from ``raw``."""
    # Blank-line paragraphs stay as they are; a source whose body lines are never separated
    # by a blank line has one paragraph per line, and then needs no blank lines at all.
    blank_paragraphs = any(k.blank_before for k in kept[1:])
    body = _Body(raw)
    for i, line in enumerate(kept):
        if i == 0:
            gap = ""
        elif blank_paragraphs and (line.blank_before or line.dropped_before):
            gap = "\n\n"
        else:
            gap = "\n"
        body.replace(line.start, gap, "furniture" if line.dropped_before else "layout")
        for start, end, new, reason in _line_edits(raw[line.start : line.end], markdown=markdown):
            body.keep(line.start + start)
            body.replace(line.start + end, new, reason)
        body.keep(line.end)
    body.replace(len(raw), "", "furniture" if dropped_after else "layout")
    return body.text(), tuple(body.edits)


def _unmark(line: str) -> str:
    """Markdown that is not text: '**bold**' markers and a blockquote's leading '>' (for
    deciding what a line is; the body keeps or renders markup through _line_edits)."""
    if not _MARKUP_CHARS.search(line):
        return line.strip()
    edits = [
        e for e in _markdown_edits(line) if e[3] in ("markdown blockquote", "markdown emphasis")
    ]
    out, pos = [], 0
    for start, end, new, _reason in sorted(edits):
        if start < pos:
            continue
        out.append(line[pos:start])
        out.append(new)
        pos = end
    out.append(line[pos:])
    stripped = "".join(out).strip()
    return stripped if stripped not in ("**", "__") else ""
