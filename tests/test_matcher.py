"""The Matcher: what must match, what must not, and incremental updates."""

from __future__ import annotations

import threading

from bot.core.matcher import Matcher, MatchKind

CHOICE = "{I|We} made a choice for the new Kazakhstan … our {family|families} {give|gives} {*} votes for Tokayev"
CARES = "The President always cares and thinks about the people"


def _matcher() -> Matcher:
    m = Matcher()
    m.add("choice", CHOICE, "template")
    m.add("cares", CARES, "template")
    m.add("agree", "I agree", "negative")
    return m


def _ids(matches) -> list[tuple[str, str]]:
    return [(m.kind.value, m.id) for m in matches]


def test_a_template_embedded_in_chatter_matches() -> None:
    matches = _matcher().match(
        "Wow!! We made a choice for the new Kazakhstan, our family gives five votes for Tokayev. Bravo"
    )
    assert _ids(matches) == [("template", "choice")]
    assert matches[0].score >= 0.95


def test_word_order_and_two_swapped_words_still_match() -> None:
    assert _ids(_matcher().match("The President thinks and always cares about the people")) == [("template", "cares")]
    assert _ids(_matcher().match("Our President always cares and thinks about his people")) == [("template", "cares")]


def test_a_short_generic_phrase_does_not_match_a_long_text() -> None:
    m = Matcher()
    m.add("short", "thinks about the people", "template")
    assert m.match("The mayor thinks about the people who need new roads and schools in every district") == []


def test_short_texts_need_near_exact_agreement() -> None:
    m = Matcher()
    m.add("short", "Tokayev is our leader", "template")
    assert _ids(m.match("Tokayev is our leader!")) == [("template", "short")]
    assert m.match("Tokayev is not our leader") == []


def test_a_negative_vetoes_every_match() -> None:
    m = _matcher()
    m.add("agree-cluster", "I agree", "cluster")
    assert _ids(m.match("I agree 👍")) == [("negative", "agree")]


def test_a_critic_quoting_the_line_is_not_its_author() -> None:
    assert (
        _matcher().match('Bots again: "The President always cares and thinks about the people". Nobody believes it.')
        == []
    )


def test_an_unrelated_text_matches_nothing() -> None:
    assert _matcher().match("The weather in Almaty is lovely and we went skiing at Shymbulak") == []


def test_clusters_are_found_among_many_and_can_be_removed() -> None:
    m = Matcher()
    m.add_many(
        (i, f"report number {i} about bots posting slogan variant {i * 7919 % 1000}", "cluster") for i in range(3000)
    )
    m.add("target", "Thousands of identical comments praise the minister under every news post", "cluster")
    assert _ids(m.match("thousands of identical comments praise the minister under every news post!!")) == [
        ("cluster", "target")
    ]
    m.remove("target")
    assert m.match("thousands of identical comments praise the minister under every news post") == []


def test_reads_while_writing_from_other_threads_are_safe() -> None:
    m = _matcher()
    errors: list[BaseException] = []

    def write() -> None:
        for i in range(300):
            m.add(f"c{i}", f"cluster text number {i} with enough words to index", MatchKind.CLUSTER)

    def read() -> None:
        try:
            for _ in range(300):
                assert _ids(m.match(CARES))[0] == ("template", "cares")
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write), threading.Thread(target=read)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_a_short_template_does_not_match_its_wording_around_another_subject() -> None:
    m = _matcher()
    m.add("stability", "Our President provides the necessary stability and peace.", "template")
    m.add("stability-ru", "Наш Президент обеспечивает необходимую стабильность и спокойствие.", "template")
    assert not m.match("My grandmother always cares and thinks about the people in her building.")
    assert not m.match("This new mattress provides the necessary stability and peace. Best sleep in years.")
    assert not m.match("Мой кот обеспечивает в доме необходимую стабильность и спокойствие.")
    assert _ids(m.match("Our Pressident provides the necessary stability and peace!")) == [("template", "stability")]
    assert _ids(m.match("Our president provide the necessary stability and peace")) == [("template", "stability")]
    assert _ids(m.match("Наш Президент обеспечил необходимую стабильность и спокойствие")) == [
        ("template", "stability-ru")
    ]
