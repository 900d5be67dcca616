"""The demo's terminal view: scenes, and chat bubbles per person, recorded for an HTML transcript."""

from __future__ import annotations

from pathlib import Path

from rich.align import Align
from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from bot.sandbox import SentMessage, seen

BUBBLE_WIDTH = 72


class Transcript:
    """Writes what happens to a rich Console that records it; people's and the bot's words are never markup."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def scene(self, title: str) -> None:
        self.console.print()
        self.console.rule(Text(title, style="bold"))

    def narrate(self, text: str) -> None:
        self.console.print(Text(text, style="italic"), width=BUBBLE_WIDTH + 20)

    def person(self, name: str, text: str, style: str) -> None:
        """A person's message, on the left."""
        self.console.print(Panel(Text(text), title=Text(name, style=f"bold {style}"), title_align="left",
                                 border_style=style, width=BUBBLE_WIDTH))

    def bot(self, where: str, message: SentMessage, *, edited: bool = False) -> None:
        """A bot message with its buttons, on the right."""
        body: list[Text] = [Text(_readable(message))]
        if message.buttons:
            body.append(Text("  ".join(f"[ {label} ]" for label, _ in message.buttons), style="bold cyan"))
        title = Text(f"Kuzet → {where}" + (" ✎" if edited else ""), style="bold green")
        panel = Panel(Group(*body), title=title, title_align="right", border_style="green", width=BUBBLE_WIDTH)
        self.console.print(Align.right(panel))

    def save(self, path: Path) -> None:
        self.console.save_html(str(path))


def _readable(message: SentMessage) -> str:
    return ("🖼 " if message.method == "sendPhoto" else "") + seen(message)
