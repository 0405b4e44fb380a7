from __future__ import annotations

import pytest

from assistant.drafting import purposes
from assistant.drafting.speeches import outlines


def said(purpose: str, language: str) -> tuple[str | None, str | None]:
    templates = outlines()[language]["said"]["purpose"]
    return purposes.said(templates, "opening", purpose, language), purposes.said(templates, "thanks", purpose, language)


@pytest.mark.parametrize(
    ("purpose", "language", "opening", "close"),
    [
        (
            "Présenter notre adhésion aux Rencontres au conseil municipal.",
            "fr",
            "Je souhaite aujourd'hui présenter notre adhésion aux Rencontres au conseil municipal.",
            "Voilà ce que je souhaitais vous dire pour présenter notre adhésion aux Rencontres au conseil municipal.",
        ),
        (
            "Accueillir la délégation de Kanazawa",
            "fr",
            "Je souhaite aujourd'hui accueillir la délégation de Kanazawa.",
            "Voilà ce que je souhaitais vous dire pour accueillir la délégation de Kanazawa.",
        ),
        (
            "Presenting our city's membership of the Rencontres to the council",
            "en",
            "Today I am presenting our city's membership of the Rencontres to the council.",
            "That is what I wished to say in presenting our city's membership of the Rencontres to the council.",
        ),
        (
            "To welcome the delegation from Kanazawa",
            "en",
            "Today I would like to welcome the delegation from Kanazawa.",
            "That is what I wished to say in order to welcome the delegation from Kanazawa.",
        ),
        (
            "Welcome a Japanese delegation",
            "en",
            "Today I would like to welcome a Japanese delegation.",
            "That is what I wished to say in order to welcome a Japanese delegation.",
        ),
        (
            "日仏自治体交流会議への参加を市議会に説明する。",
            "ja",
            "本日は、日仏自治体交流会議への参加を市議会に説明するため、お時間をいただきました。",
            "以上、日仏自治体交流会議への参加を市議会に説明するため、お話しいたしました。",
        ),
    ],
)
def test_a_purpose_that_opens_with_a_verb_is_said_as_the_speakers_act(
    purpose: str, language: str, opening: str, close: str
) -> None:
    assert said(purpose, language) == (opening, close)


@pytest.mark.parametrize(
    ("purpose", "language", "opening"),
    [
        ("Le jumelage avec Kanazawa", "fr", "Je souhaite vous parler de ceci : le jumelage avec Kanazawa."),
        ("Partenaire de nos villes", "fr", "Je souhaite vous parler de ceci : partenaire de nos villes."),  # a noun
        (
            "Signing ceremony of the twinning",
            "en",
            "I would like to speak to you about this: signing ceremony of the twinning.",
        ),
        (
            "With the delegation of Kanazawa",
            "en",
            "I would like to speak to you about this: with the delegation of Kanazawa.",
        ),
        ("金沢との姉妹都市提携", "ja", "本日は、「金沢との姉妹都市提携」についてお話しします。"),
    ],
)
def test_a_purpose_that_reads_as_a_subject_is_said_as_one(purpose: str, language: str, opening: str) -> None:
    assert said(purpose, language)[0] == opening
