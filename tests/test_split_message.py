"""Long texts are split at line breaks into pieces Telegram accepts."""

from bot.render.split import split_message


def test_a_short_text_is_one_piece() -> None:
    assert split_message("a\nb") == ["a\nb"]


def test_a_long_text_is_cut_at_line_breaks_and_nothing_is_lost() -> None:
    lines = [f"<b>line {n}</b> " + "x" * 50 for n in range(200)]
    pieces = split_message("\n".join(lines), limit=1000)
    assert all(len(piece) <= 1000 for piece in pieces)
    assert "\n".join(pieces).split("\n") == lines


def test_a_single_overlong_line_is_cut_at_the_limit() -> None:
    assert [len(p) for p in split_message("y" * 2500, limit=1000)] == [1000, 1000, 500]
