"""What the bot writes around user text stays the bot's: user text cannot steer the direction of our words."""

from __future__ import annotations

import pytest

from bot.i18n import FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE
from bot.sandbox import FakeTelegram, SentMessage
from tests.databases import Database
from tests.moderation_helpers import GROUP, say, wait_for_card

BIDI_CONTROLS = {chr(c) for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), 0x2066, 0x2067)}
"""Every bidi control but our own isolate pair (FSI U+2068, PDI U+2069)."""
ESCAPE = "\u2069\u202e"
"""A pop directional isolate closes the bot's isolate early; the right-to-left override reverses what follows."""
TEXT = "The President cares about every region, thank you akim"
SMUGGLED = f"The President cares about every {ESCAPE}region, \u2067thank\u2069 you \u202bakim\u202c"


@pytest.fixture
def settings(moderation_settings):
    return moderation_settings()


def assert_isolated_once(message: SentMessage, text: str) -> None:
    """``text`` stands in exactly one isolate pair, and no bidi control but properly nested isolates is left."""
    plain = message.plain
    assert f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}" in plain, plain
    assert not BIDI_CONTROLS & set(plain), plain
    depth = 0
    for char in plain:
        depth += {FIRST_STRONG_ISOLATE: 1, POP_DIRECTIONAL_ISOLATE: -1}.get(char, 0)
        assert depth in (0, 1), plain  # our isolates are never nested nor closed twice
    assert depth == 0, plain


async def test_bidi_controls_in_a_report_cannot_escape_its_isolate_in_the_receipt_or_the_card(
    telegram: FakeTelegram, bot, db: Database
) -> None:
    telegram.add_group(GROUP, "Kuzet moderators")
    receipt = await say(telegram, telegram.user(1), SMUGGLED)
    assert_isolated_once(receipt, TEXT)
    assert_isolated_once(await wait_for_card(telegram, db, 1), TEXT)
    assert db.value("SELECT text FROM reports WHERE id = 1") == SMUGGLED  # the evidence is kept as sent
