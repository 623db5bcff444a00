"""Read the fenced code blocks of README.md, so tests run what the README tells people to run.

Tests take snippets by the heading they sit under, so a snippet that changes in the README
changes in the test too; a heading that disappears fails with a message saying which one.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^(```+|~~~+)\s*([\w+-]*)")


@dataclass(frozen=True)
class CodeBlock:
    """A fenced code block: its language, text, the heading above it and its line in the file."""

    heading: str
    language: str
    source: str
    line: int  # 1-based line of the opening fence

    def where(self) -> str:
        """'README.md, line N (section "...")', for failure messages."""
        return f'README.md, line {self.line} (section "{self.heading}")'


def code_blocks(text: str) -> list[CodeBlock]:
    """Every fenced code block of a Markdown text, in order, with the heading above it."""
    blocks: list[CodeBlock] = []
    heading = ""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if fence:
            marker, language = fence.group(1), fence.group(2).lower()
            start = index
            body: list[str] = []
            index += 1
            while index < len(lines) and not lines[index].startswith(marker):
                body.append(lines[index])
                index += 1
            blocks.append(CodeBlock(heading, language, "\n".join(body) + "\n", start + 1))
        elif match := _HEADING.match(line):
            heading = match.group(2)
        index += 1
    return blocks


def readme_blocks(language: str | None = None, readme: Path = README) -> list[CodeBlock]:
    """The README's code blocks in order; only those of ``language`` when given."""
    blocks = code_blocks(readme.read_text(encoding="utf-8"))
    return [b for b in blocks if language is None or b.language == language]


def section_blocks(
    heading: str, language: str = "python", readme: Path = README
) -> list[CodeBlock]:
    """The ``language`` blocks under ``heading``; fails saying so when the README has none."""
    blocks = [b for b in readme_blocks(language, readme) if b.heading == heading]
    if not blocks:
        headings = sorted({b.heading for b in readme_blocks(language, readme)})
        raise LookupError(
            f"{readme.name} has no ```{language} block under the heading {heading!r} "
            f"(headings with one: {headings}). If the section was renamed, update the test "
            "that asks for it."
        )
    return blocks


def section_code(heading: str, language: str = "python", readme: Path = README) -> str:
    """The text of every ``language`` block under ``heading``, joined in order."""
    return "".join(b.source for b in section_blocks(heading, language, readme))


def shell_commands(block: CodeBlock) -> list[list[str]]:
    """The commands of a shell block as argument lists, comments dropped, one per line."""
    commands = []
    for line in block.source.splitlines():
        words = shlex.split(line, comments=True)
        if words:
            commands.append(words)
    return commands
