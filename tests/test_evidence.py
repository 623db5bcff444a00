"""Evidence items: validation of untrusted URLs, the stable JSON of the log's evidence
column, and the one inert-or-escaped link every view uses."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.errors import InputError, LogFormatError
from factcheck.evidence import (
    SOURCE_TYPES,
    Evidence,
    evidence_from_json,
    evidence_to_json,
    link_html,
    make_evidence,
    today_utc,
)


def test_make_evidence_strips_and_defaults_to_today():
    """Test that surrounding white space goes, nothing else changes, and accessed is today."""
    item = make_evidence("  https://harwick.example/Minutes?p=4#vote \n", quote=" «4,2» ")
    assert item == Evidence(
        "https://harwick.example/Minutes?p=4#vote", "«4,2»", "other", today_utc()
    )
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item.accessed)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "\x01javascript:alert(1)",
        "\x00https://harwick.example/",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
        "ftp://harwick.example/x",
        "//harwick.example/x",
        "harwick.example/x",
        "https:harwick.example",
        "https://harwick.example/a b",
        "https://harwick.example/\u202etxt.exe",
        "https://harwick.example/\nSet-Cookie:x",
        "",
    ],
)
def test_unsafe_or_malformed_urls_are_refused_with_a_clear_message(url):
    """Test that only http(s) addresses without spaces or control characters are kept."""
    with pytest.raises(InputError, match=r"(?i)evidence URL.*\. (Paste|Use)"):
        make_evidence(url)
    with pytest.raises(InputError, match="archived URL"):
        make_evidence("https://harwick.example/", archived_url=url or "javascript:x")


def test_a_10_kb_url_is_refused_by_its_length_not_shown_whole():
    """Test that an over-long URL's message says its length and stays short."""
    url = "https://harwick.example/" + "a" * 10_000
    with pytest.raises(InputError) as error:
        make_evidence(url)
    assert "10,024 characters" in str(error.value) and len(str(error.value)) < 300
    assert make_evidence("https://h.example/" + "a" * 2030).url.endswith("a")  # 2,048 ok


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"source_type": "rumour"}, "Unknown source type 'rumour'"),
        ({"accessed": "24/11/2026"}, "YYYY-MM-DD"),
        ({"accessed": "2026-02-30"}, "not a real date"),
        ({"accessed": ""}, "empty"),
        ({"quote": 4}, "quote must be text"),
    ],
)
def test_bad_fields_say_what_to_do(kwargs, message):
    """Test that a bad source type or date raises InputError naming the value."""
    with pytest.raises(InputError, match=message):
        make_evidence("https://harwick.example/", **kwargs)


def test_json_is_compact_with_one_key_order_and_round_trips():
    """Test the log field: "[]" for none, compact, keys in one order, exact round trip."""
    items = (
        make_evidence(
            "https://a.example/", quote='he said, "no"\nthen left', accessed="2026-01-02"
        ),
        make_evidence("http://b.example/x", source_type="dataset", accessed="2026-01-03"),
    )
    assert evidence_to_json([]) == "[]"
    text = evidence_to_json(items)
    assert text == json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    assert [list(item) for item in json.loads(text)] == [
        ["url", "quote", "source_type", "accessed", "archived_url"]
    ] * 2
    assert evidence_from_json(text) == items
    assert evidence_to_json(evidence_from_json(text)) == text
    with pytest.raises(InputError, match="Evidence items"):
        evidence_to_json(["https://a.example/"])


def test_bad_json_names_where():
    """Test that a malformed field raises LogFormatError naming the place given."""
    with pytest.raises(
        LogFormatError, match=r"^ana\.csv, line 9: the evidence field .*not valid JSON"
    ):
        evidence_from_json("[{", where="ana.csv, line 9")
    with pytest.raises(LogFormatError, match=r"evidence item 2: .*javascript"):
        evidence_from_json('[{"url":"https://a.example/"},{"url":"javascript:x"}]')
    with pytest.raises(LogFormatError, match="url must be text"):
        evidence_from_json('[{"url":5}]')


def test_link_html_escapes_and_makes_unsafe_urls_inert():
    """Test the only route from a URL to HTML: an escaped link, or inert text."""
    link = link_html('https://a.example/?q="><script>x</script>', "<b>source</b>")
    assert link == (
        '<a href="https://a.example/?q=&quot;&gt;&lt;script&gt;x&lt;/script&gt;" '
        'target="_blank" rel="noopener noreferrer">&lt;b&gt;source&lt;/b&gt;</a>'
    )
    inert = link_html("javascript:alert(1)")
    assert inert.startswith("<span") and "href" not in inert and "javascript:alert(1)" in inert
    assert "href" not in link_html("https://a.example/ x")


@settings(max_examples=200, derandomize=True, database=None)
@given(url=st.text(max_size=60), text=st.one_of(st.none(), st.text(max_size=30)))
def test_link_html_never_lets_markup_through(url, text):
    """Test that whatever the text, only our own tags appear and only http(s) hrefs."""
    out = link_html(url, text)
    tags = re.findall(r"<[^>]*>", out)
    assert all(re.fullmatch(r"</?(a|span)( [^<>]*)?>", tag) for tag in tags), out
    hrefs = re.findall(r'href="([^"]*)"', out)
    assert all(href.lower().startswith(("http://", "https://")) for href in hrefs)


@settings(max_examples=100, derandomize=True, database=None)
@given(
    path=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FFF), max_size=40),
    quote=st.text(max_size=40),
    kind=st.sampled_from(SOURCE_TYPES),
)
def test_any_valid_item_round_trips_through_json(path, quote, kind):
    """Test that every item make_evidence accepts reads back equal from its JSON."""
    try:
        item = make_evidence("https://h.example/" + path, quote=quote, source_type=kind)
    except InputError:
        return  # a control or format character in the path: refused, as it should be
    assert evidence_from_json(evidence_to_json([item, item])) == (item, item)
