from __future__ import annotations

import pytest

from assistant.language import detect_language


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Quelle ville a accueilli les Rencontres en 2014 ?", "fr"),
        ("Qu'est-ce que le Technopôle de l'Arbois ?", "fr"),
        ("Qui a présidé la séance ?", "fr"),
        ("Et en 2014 ?", "fr"),
        ("Which city hosted the Rencontres in 2014?", "en"),
        # French names do not make an English question French
        ("What is the Technopôle de l'Arbois?", "en"),
        ("What did Auvergne-Rhône-Alpes present at Shizuoka?", "en"),
        ("Tell me about the Déclaration d'Aix", "en"),
        ("2014年にランコントルを開催した都市はどこですか？", "ja"),
        ("クレア・パリ（CLAIR Paris）はいつ設立されましたか？", "ja"),
    ],
)
def test_the_question_language_is_told_apart_from_the_names_it_holds(question: str, language: str) -> None:
    assert detect_language(question) == language
