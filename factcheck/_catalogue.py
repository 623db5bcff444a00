"""The corpus behind a widget: articles split when first shown, found by search, filtered.

A widget over 100,000 articles must cost what is on screen, not what is in the corpus. A
``Catalogue`` holds the articles as given (a sequence; no copies of their text) and splits an
article into sentences only when it is asked for, keeping the last few splits in a small
cache: it never reads ``Article.sentences`` (a cached property, so reading it would pin every
article's sentences for as long as the caller keeps the article). Corpus facts that need no
splitting (title, source, date) are read on demand; the rest are plain functions of ids:
``article_id_of`` recovers an article id from a sentence id, ``search`` finds articles by
title, id or source, and ``select_articles`` orders and filters the corpus for navigation.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from urllib.parse import urlsplit

from .articles import Article, safe_id
from .sentences import Sentence, split_sentences

ORDER_CORPUS = "corpus"
ORDER_UNLABELLED_FIRST = "unlabelled first"
ORDER_FLAGGED = "flagged"
ORDERS = (ORDER_CORPUS, ORDER_UNLABELLED_FIRST, ORDER_FLAGGED)
ANY_SOURCE = ""


def article_id_of(sentence_id: str) -> str:
    """The article id inside a sentence id (``<article>-<index>-<hash>``, see ``sentence_id``)."""
    parts = sentence_id.rsplit("-", 2)
    return parts[0] if len(parts) == 3 else ""


def source_key(article: Article) -> str:
    """What "by source" groups on: the outlet of a corpus row, else a URL's host, else the
    file name (a corpus row's ``file:line`` source counts as its file)."""
    outlet = str(article.metadata.get("outlet", "") or "").strip()
    if outlet:
        return outlet
    source = article.source
    if "://" in source:
        return urlsplit(source).netloc or source
    name = source.replace("\\", "/").rsplit("/", 1)[-1]
    head, _, tail = name.rpartition(":")
    return head if head and tail.isdigit() else name


def date_key(date: str) -> str:
    """The ISO day (``YYYY-MM-DD``, or a shorter ``YYYY-MM``/``YYYY``) an article's date
    starts with, or "" when it does not start with one (such dates never match a range)."""
    head = date.strip()[:10]
    digits = head.replace("-", "")
    if len(head) >= 4 and digits.isdigit() and head[:4].isdigit():
        return head
    return ""


@dataclass(frozen=True)
class Choice:
    """How the articles are ordered and filtered for navigation: ``order`` is one of
    ``ORDERS``; ``source`` (a ``source_key``) and the ISO ``date_from``/``date_to`` bounds
    (inclusive, "" for none, a prefix such as "2026-03" counts as that month) filter."""

    order: str = ORDER_CORPUS
    source: str = ANY_SOURCE
    date_from: str = ""
    date_to: str = ""


def _in_range(date: str, start: str, stop: str) -> bool:
    if not (start or stop):
        return True
    if not date:
        return False
    return (not start or date[: len(start)] >= start) and (not stop or date[: len(stop)] <= stop)


def select_articles(
    articles: Sequence[Article],
    choice: Choice,
    touched: AbstractSet[str] = frozenset(),
    flagged: AbstractSet[str] = frozenset(),
) -> list[int]:
    """Indices of the articles that ``choice`` shows, in the order it asks for.

    ``touched`` holds the ids of articles with at least one label, ``flagged`` those with a
    sentence flagged for discussion. "Unlabelled first" puts untouched articles first, then
    the others, each in corpus order. Reads titles, sources and dates only: nothing is split.
    """
    wanted = []
    for index, article in enumerate(articles):
        if choice.order == ORDER_FLAGGED and article.id not in flagged:
            continue
        if choice.source and source_key(article) != choice.source:
            continue
        if (choice.date_from or choice.date_to) and not _in_range(
            date_key(article.date), choice.date_from, choice.date_to
        ):
            continue
        wanted.append(index)
    if choice.order == ORDER_UNLABELLED_FIRST:
        wanted.sort(key=lambda i: articles[i].id in touched)  # stable: corpus order within
    return wanted


def sources(articles: Iterable[Article]) -> list[str]:
    """The distinct ``source_key`` values of the articles, sorted (for the source filter)."""
    return sorted({source_key(article) for article in articles})


def search(articles: Sequence[Article], query: str, *, limit: int = 20) -> list[int]:
    """Indices of up to ``limit`` articles whose title, id or source contains every word of
    ``query`` (case-insensitive), in corpus order; an empty query finds nothing."""
    words = query.casefold().split()
    if not words:
        return []
    found = []
    for index, article in enumerate(articles):
        haystack = f"{article.title}\n{article.id}\n{article.source}\n{source_key(article)}"
        haystack = haystack.casefold()
        if all(word in haystack for word in words):
            found.append(index)
            if len(found) >= limit:
                break
    return found


class Catalogue:
    """The articles of a widget, split on demand.

    ``sentences(i)`` splits article ``i`` the first time it is needed and keeps the last
    ``cache_size`` splits (``cache_size=None`` keeps every split: student mode scores every
    article of a small class set). The number of sentences of every article split so far is
    remembered (one int each), so "articles done" needs no second split.
    """

    def __init__(self, articles: Sequence[Article], *, cache_size: int | None = 8) -> None:
        self.articles = articles
        self.cache_size = cache_size
        self._index = {article.id: i for i, article in enumerate(articles)}
        self._cache: OrderedDict[int, list[Sentence]] = OrderedDict()
        self.counts: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.articles)

    def index_of(self, article_id: str) -> int | None:
        """The index of the article with this id, or None."""
        return self._index.get(article_id)

    def sentences(self, index: int) -> list[Sentence]:
        """The sentences of article ``index`` (split now unless cached)."""
        cached = self._cache.get(index)
        if cached is not None:
            self._cache.move_to_end(index)
            return cached
        article = self.articles[index]
        # An article whose caller already split it keeps its own list; otherwise split
        # without touching the cached property, so nothing pins the sentences.
        sentences = article.__dict__.get("sentences")
        if sentences is None:
            sentences = split_sentences(article.text, article_id=article.id, edits=article.edits)
        self.counts[index] = len(sentences)
        self._cache[index] = sentences
        if self.cache_size is not None:
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return sentences

    def _article_index(self, sentence_id: str) -> int | None:
        """The index of the article a sentence id names: ``article_id_of``, else the
        article of an imported sentence, whose id is ``safe_id`` of the sentence's own id
        (``factcheck import`` keeps the dataset's ids, which have no article part)."""
        index = self._index.get(article_id_of(sentence_id))
        return self._index.get(safe_id(sentence_id)) if index is None else index

    def article_id(self, sentence_id: str) -> str:
        """The id of the article a sentence id belongs to (see ``_article_index``); reads
        no article."""
        article_id = article_id_of(sentence_id)
        if article_id in self._index:
            return article_id
        imported = safe_id(sentence_id)
        return imported if imported in self._index else article_id

    def locate(self, sentence_id: str) -> tuple[int, int] | None:
        """(article index, sentence index) of a sentence id, or None if no article has it."""
        index = self._article_index(sentence_id)
        if index is None:
            return None
        for position, sentence in enumerate(self.sentences(index)):
            if sentence.id == sentence_id:
                return index, position
        return None

    def holds(self, sentence_id: str) -> bool:
        """Whether the sentence id names an article of this catalogue (without splitting)."""
        return self._article_index(sentence_id) is not None

    def done(self, labels: Mapping[str, str], touched: Mapping[str, int]) -> int:
        """Articles known to be fully labelled: split ones whose every sentence has a label.

        ``touched`` maps article id -> labelled sentences; an article never split here
        cannot be known complete without splitting it, so it is not counted.
        """
        total = 0
        for index, count in self.counts.items():
            if count and touched.get(self.articles[index].id, 0) >= count:
                total += 1
        return total
