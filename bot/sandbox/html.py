"""Telegram's HTML parse mode: validates the markup and returns plain text with entities.

Follows the Bot API's parser (tdlib ``parse_html``), with its error wording, but is stricter
in three places so that unescaped user text shows up in tests: a bare ``&`` (or any entity
other than ``&lt; &gt; &amp; &quot;`` and numeric ones, which must end in ``;``) is refused,
``<a>`` needs a non-empty ``href``, and attribute values obey the same entity rules.
"""

import re
from dataclasses import dataclass, field

_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_SPECIAL = re.compile(r"[&<]")


class HtmlError(ValueError):
    """Text is not valid Telegram HTML; the message is the Bot API's reason."""


@dataclass(frozen=True)
class Parsed:
    """Visible text and the entities (UTF-16 offsets) that the markup produced."""

    text: str
    entities: list[dict] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> Parsed:
    """Parse ``source`` as Telegram HTML or raise :class:`HtmlError`."""
    return _Parser(source).run()


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.out: list[str] = []
        self.offset = 0
        self.stack: list[_Open] = []
        self.entities: list[dict] = []

    def run(self) -> Parsed:
        i, n = 0, len(self.src)
        while i < n:
            special = _SPECIAL.search(self.src, i)
            stop = special.start() if special else n
            self._emit(self.src[i:stop])
            if stop == n:
                break
            if self.src[stop] == "&":
                i = self._entity(stop)
            elif self.src.startswith("</", stop):
                i = self._end_tag(stop)
            else:
                i = self._start_tag(stop)
        if self.stack:
            raise HtmlError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return Parsed("".join(self.out), self.entities)

    def _byte(self, index: int) -> int:
        return len(self.src[:index].encode())

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.offset += utf16_len(text)

    def _decode(self, index: int) -> tuple[str, int]:
        match = _ENTITY.match(self.src, index)
        if match and match[1]:
            return _NAMED[match[1]], match.end()
        code = (int(match[2]) if match[2] else int(match[3], 16)) if match else 0
        if not match or not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise HtmlError(
                f'Unsupported HTML entity or unescaped "&" at byte offset {self._byte(index)}; '
                "use &amp; &lt; &gt; &quot; or a numeric entity"
            )
        return chr(code), match.end()

    def _entity(self, index: int) -> int:
        char, end = self._decode(index)
        self._emit(char)
        return end

    def _start_tag(self, begin: int) -> int:
        src, n = self.src, len(self.src)
        i = begin + 1
        while i < n and not src[i].isspace() and src[i] != ">":
            i += 1
        if i == n:
            raise HtmlError(f"Unclosed start tag at byte offset {self._byte(begin)}")
        tag = src[begin + 1 : i].lower()
        if tag not in _ENTITY_TYPES:
            raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {self._byte(begin)}')
        attributes, i = self._attributes(tag, begin, i)
        self.stack.append(_Open(tag, self._argument(tag, attributes, begin), self.offset))
        return i

    def _attributes(self, tag: str, begin: int, i: int) -> tuple[dict[str, str], int]:
        src, n = self.src, len(self.src)
        attributes: dict[str, str] = {}
        while True:
            while i < n and src[i].isspace():
                i += 1
            if i == n:
                raise HtmlError(f"Unclosed start tag at byte offset {self._byte(begin)}")
            if src[i] == ">":
                return attributes, i + 1
            name_start = i
            while i < n and not src[i].isspace() and src[i] not in "=>":
                i += 1
            name = src[name_start:i].lower()
            if not name:
                raise HtmlError(f'Empty attribute name in the tag "{tag}" at byte offset {self._byte(begin)}')
            while i < n and src[i].isspace():
                i += 1
            if i < n and src[i] != "=" and tag == "blockquote" and name == "expandable":
                attributes[name] = ""
                continue
            if i == n or src[i] != "=":
                raise HtmlError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self._byte(begin)}"
                )
            i += 1
            while i < n and src[i].isspace():
                i += 1
            if i == n:
                raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {self._byte(begin)}')
            attributes[name], i = self._attribute_value(begin, i)

    def _attribute_value(self, begin: int, i: int) -> tuple[str, int]:
        src, n = self.src, len(self.src)
        quote = src[i]
        if quote not in "'\"":
            end = i
            while end < n and ((src[end].isalnum() and src[end].isascii()) or src[end] in ".-"):
                end += 1
            if end == n or not (src[end].isspace() or src[end] == ">"):
                raise HtmlError(f"Unexpected end of name token at byte offset {self._byte(i)}")
            return src[i:end].lower(), end
        close = src.find(quote, i + 1)
        if close < 0:
            raise HtmlError(f"Unclosed start tag at byte offset {self._byte(begin)}")
        value: list[str] = []
        j = i + 1
        while j < close:
            if src[j] == "&":
                char, j = self._decode(j)
                value.append(char)
            else:
                value.append(src[j])
                j += 1
        return "".join(value), close + 1

    def _argument(self, tag: str, attributes: dict[str, str], begin: int) -> str:
        where = f"at byte offset {self._byte(begin)}"
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            raise HtmlError(f'Tag "span" must have class "tg-spoiler" {where}')
        if tag == "a":
            if not attributes.get("href"):
                raise HtmlError(f'Tag "a" must have a non-empty "href" attribute {where}')
            return attributes["href"]
        if tag == "tg-emoji":
            emoji_id = attributes.get("emoji-id", "")
            if not emoji_id.isdigit() or int(emoji_id) == 0:
                raise HtmlError("Invalid custom emoji identifier specified")
            return emoji_id
        if tag == "code" and attributes.get("class", "").startswith("language-"):
            return attributes["class"].removeprefix("language-")
        if tag == "blockquote" and "expandable" in attributes:
            return "expandable"
        return ""

    def _end_tag(self, begin: int) -> int:
        src, n = self.src, len(self.src)
        if not self.stack:
            raise HtmlError(f"Unexpected end tag at byte offset {self._byte(begin)}")
        i = begin + 2
        while i < n and not src[i].isspace() and src[i] != ">":
            i += 1
        name = src[begin + 2 : i].lower()
        while i < n and src[i].isspace():
            i += 1
        if i == n or src[i] != ">":
            raise HtmlError(f"Unclosed end tag at byte offset {self._byte(begin)}")
        top = self.stack.pop()
        if name and name != top.tag:
            raise HtmlError(
                f'Unmatched end tag at byte offset {self._byte(begin)}, expected "</{top.tag}>", found "</{name}>"'
            )
        if self.offset > top.offset:
            self._close(top)
        return i + 1

    def _close(self, top: _Open) -> None:
        entity: dict = {"type": _ENTITY_TYPES[top.tag], "offset": top.offset, "length": self.offset - top.offset}
        last = self.entities[-1] if self.entities else {}
        same_span = (last.get("offset"), last.get("length")) == (entity["offset"], entity["length"])
        if top.tag == "pre" and same_span and last["type"] == "code" and last.get("language"):
            last.update(type="pre", language=last.pop("language"))
            return
        if top.tag == "code" and same_span and last["type"] == "pre" and top.argument:
            last["language"] = top.argument
            return
        if top.tag == "a":
            entity["url"] = top.argument
        elif top.tag == "tg-emoji":
            entity["custom_emoji_id"] = top.argument
        elif top.tag == "code" and top.argument:
            entity["language"] = top.argument
        elif top.tag == "blockquote" and top.argument:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)
