"""HTML for the few widgets that need markup; every piece of text in it is escaped first.

ipywidgets' ``HTML`` widget sets ``innerHTML`` unsanitised, so ``<img src=x onerror=...>``
in article text, a title, a note or a scheme file would run. Everything else uses ``Label``.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from .labels import LabelScheme


def escape_html(text: object) -> str:
    """``text`` as HTML text: ``<``, ``>``, ``&`` and both quote characters escaped."""
    return html.escape(str(text), quote=True)


def guidelines_html(scheme: LabelScheme, translate: Callable[[str], str] = str) -> str:
    """The scheme's guidelines as HTML: each label's definition and example, then the rules;
    ``translate`` gives the headings in the widget's language (``messages.translator``)."""
    _ = translate
    key, example = escape_html(_("key")), escape_html(_("Example:"))
    rules_heading, scheme_heading = escape_html(_("Rules")), escape_html(_("Label scheme"))
    items = "".join(
        f'<dt><span class="fc-swatch" style="background:{escape_html(label.colour)}"></span>'
        f"<b>{escape_html(label.name)}</b> ({key} {escape_html(label.key)})</dt>"
        f"<dd>{escape_html(label.definition)}<br><i>{example}</i> {escape_html(label.example)}</dd>"
        for label in scheme
    )
    rules = "".join(f"<li>{escape_html(rule)}</li>" for rule in scheme.rules)
    rules_html = f"<p><b>{rules_heading}</b></p><ul>{rules}</ul>" if rules else ""
    return (
        f'<div class="fc-guidelines"><p>{scheme_heading} {escape_html(scheme.id)}</p>'
        f"<dl>{items}</dl>{rules_html}</div>"
    )
