"""Kazakh in the 2021 Latin alphabet is read back into Cyrillic for the sentence encoder; nothing else is touched."""

from bot.core.kazakh_latin import to_cyrillic


def test_kazakh_latin_becomes_the_cyrillic_a_kazakh_reader_writes() -> None:
    assert to_cyrillic("Prezidentımız halqynyñ qamyn ärdaiym oilap jüredı.") == (
        "Президентіміз халқының қамын әрдайым ойлап жүреді."
    )
    assert (
        to_cyrillic("Bızdıñ tañdauymyz dūrys, Jaña Qazaqstan üşın!") == "Біздің таңдауымыз дұрыс, Жаңа Қазақстан үшін!"
    )
    assert to_cyrillic("Işkı saiasat üşın") == "Ішкі сайасат үшін"


def test_english_russian_and_plain_latin_texts_are_left_alone() -> None:
    for text in (
        "The President always thinks about the people",
        "Президент думает о народе",
        "Qatar is mentioned once: a single ü is not enough",
        "總統關心人民",
    ):
        assert to_cyrillic(text) == text
