"""The demo's terminal view: scenes, and chat bubbles per person, recorded for an HTML transcript.

The HTML transcript is written from the same entries, one element per bubble with its own ``dir``: an Arabic
bubble reads from the right even in an English story, and a handle inside it keeps its own direction.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from html import escape
from pathlib import Path

from rich.align import Align
from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from bot.sandbox import SentMessage, seen

BUBBLE_WIDTH = 72


@dataclass(frozen=True)
class Entry:
    kind: str
    """scene, narration, person or bot."""
    title: str
    text: str
    buttons: tuple[str, ...] = ()


class Transcript:
    """Writes what happens to a rich Console, and keeps it for the HTML transcript; people's and the bot's words
    are never markup."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.entries: list[Entry] = []

    def scene(self, title: str) -> None:
        self.entries.append(Entry("scene", title, ""))
        self.console.print()
        self.console.rule(Text(title, style="bold"))

    def narrate(self, text: str) -> None:
        self.entries.append(Entry("narration", "", text))
        self.console.print(Text(text, style="italic"), width=BUBBLE_WIDTH + 20)

    def person(self, name: str, text: str, style: str) -> None:
        """A person's message, on the left."""
        self.entries.append(Entry("person", name, text))
        self.console.print(
            Panel(
                Text(text),
                title=Text(name, style=f"bold {style}"),
                title_align="left",
                border_style=style,
                width=BUBBLE_WIDTH,
            )
        )

    def bot(self, where: str, message: SentMessage, *, edited: bool = False) -> None:
        """A bot message with its buttons, on the right."""
        body: list[Text] = [Text(_readable(message))]
        if message.buttons:
            body.append(Text("  ".join(f"[ {label} ]" for label, _ in message.buttons), style="bold cyan"))
        self.entries.append(
            Entry(
                "bot",
                f"Kuzet → {where}" + (" ✎" if edited else ""),
                _readable(message),
                tuple(label for label, _ in message.buttons),
            )
        )
        title = Text(f"Kuzet → {where}" + (" ✎" if edited else ""), style="bold green")
        panel = Panel(Group(*body), title=title, title_align="right", border_style="green", width=BUBBLE_WIDTH)
        self.console.print(Align.right(panel))

    def save(self, path: Path) -> None:
        path.write_text(transcript_html(self.entries), encoding="utf-8")


_STYLE = """body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;background:#f4f4f5}
h2{font-size:1rem;border-bottom:1px solid #ccc;margin-top:2rem} .narration{font-style:italic;color:#555}
.bubble{white-space:pre-wrap;border-radius:.8rem;padding:.6rem .9rem;margin:.6rem 0;max-width:85%}
.person{background:#fff} .bot{background:#e3f6e5;margin-left:auto} .who{font-weight:bold;font-size:.85rem}
.buttons span{display:inline-block;border:1px solid #7a7;border-radius:.4rem;padding:0 .4rem;margin:.2rem}"""


def transcript_html(entries: list[Entry]) -> str:
    """The whole story as one page; every bubble and line carries the direction of its own text."""
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8"><title>Kuzet demo</title>',
        f"<style>{_STYLE}</style></head><body>",
    ]
    for entry in entries:
        if entry.kind == "scene":
            parts.append(f'<h2 dir="{direction(entry.title)}">{escape(entry.title)}</h2>')
        elif entry.kind == "narration":
            parts.append(f'<p class="narration" dir="{direction(entry.text)}">{escape(entry.text)}</p>')
        else:
            buttons = "".join(f'<span dir="{direction(b)}">{escape(b)}</span>' for b in entry.buttons)
            parts.append(
                f'<div class="bubble {entry.kind}" dir="{direction(entry.text)}">'
                f'<div class="who" dir="auto">{escape(entry.title)}</div>{escape(entry.text)}'
                + (f'<div class="buttons">{buttons}</div>' if buttons else "")
                + "</div>"
            )
    parts.append("</body></html>")
    return "\n".join(parts)


def direction(text: str) -> str:
    """ "rtl" when the first letter with a strong direction is right-to-left (a mark counts), else "ltr"."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def _readable(message: SentMessage) -> str:
    return ("🖼 " if message.method == "sendPhoto" else "") + seen(message)
