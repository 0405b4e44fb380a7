from __future__ import annotations

import pytest

from assistant.text.language import detect_language, looks_like_follow_up, written_in


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


@pytest.mark.parametrize(
    ("reply", "language", "expected"),
    [
        ("La seconde table ronde a rassemblé une tribune d'experts.", "en", False),
        ("The theme was « Dans un monde post-Covid, les collectivités ».", "en", True),  # a quoted title
        ("Aix-en-Provence hosted the 7th Rencontres franco-japonaises de la coopération décentralisée.", "en", True),
        ("Nancy.", "en", True),  # too short to tell
        ("The Rencontres were created in 2008.", "fr", False),
        ("Les Rencontres ont été créées en 2008.", "fr", True),
        ("Les Rencontres ont été créées en 2008.", "ja", False),
        ("ランコントルは2008年に始まりました。", "ja", True),
        ("「Zero Emission Valley」です。", "ja", True),
    ],
)
def test_a_reply_plainly_in_another_language_is_told(reply: str, language: str, expected: bool) -> None:
    assert written_in(reply, language) is expected


@pytest.mark.parametrize(
    ("question", "follow_up"),
    [
        ("2024年の会議のテーマは何でしたか？", False),
        ("アルボワ・テクノポールは世界で何番目の施設ですか？", False),
        ("第7回会議の開会式はいつでしたか？", False),
        ("2014年は？", True),
        ("その会議のテーマは何でしたか？", True),
        ("何か国の自治体が参加しましたか？", True),
    ],
)
def test_a_japanese_question_that_names_its_subject_needs_no_rewrite(question: str, follow_up: bool) -> None:
    assert looks_like_follow_up(question, "ja") is follow_up


def test_a_japanese_reply_in_chinese_forms_is_not_japanese() -> None:
    from assistant.text.language import chinese_characters, written_in

    assert chinese_characters("低碳社会の实现") == ["碳", "实", "现"]
    assert chinese_characters("脱炭素社会の実現、ナンシーとエクス＝アン＝プロヴァンス") == []
    assert not written_in("参加者は低碳社会のための取り組みを提案しました。", "ja")
    assert written_in("参加者は脱炭素社会のための取り組みを提案しました。", "ja")
