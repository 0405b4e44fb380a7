"""The question's language, and the few sentences the assistant says in it by itself."""

from __future__ import annotations

import re

LANGUAGES = ("fr", "en", "ja")
LANGUAGE_NAMES = {"fr": "French", "en": "English", "ja": "Japanese"}

_KANA_OR_KANJI = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_FRENCH = frozenset(
    "le la les un une des du de et est sont quel quelle quels quelles qui que quoi ou où comment pourquoi "
    "combien quand dans pour avec sur par au aux ce cette ces ont été lors entre depuis".split()
)
_NAME_LINKS = frozenset("de du des la le les et sur".split())  # "Technopôle de l'Arbois", "Nancy et Kanazawa"
_ACCENTS = frozenset("éèêàùçôîâœ")
_ENGLISH = frozenset(
    "the a an and is are was were what which who whom where when why how many much of in on for with by "
    "did do does to from at this that these those has have had".split()
)

MESSAGES: dict[str, dict[str, str]] = {
    "refusal": {
        "fr": "Les documents disponibles ne répondent pas à cette question.",
        "en": "The available documents do not answer this question.",
        "ja": "利用可能な資料には、この質問への答えが見つかりません。",
    },
    "part_unanswered": {
        "fr": "« {part} » : les documents disponibles ne répondent pas à cette partie de la question.",
        "en": "“{part}”: the available documents do not answer this part of the question.",
        "ja": "「{part}」：利用可能な資料には、この部分への答えが見つかりません。",
    },
    "see_also": {"fr": "À consulter", "en": "See also", "ja": "関連する箇所"},
    "quoted": {
        "fr": "Les sources disent :",
        "en": "The sources say (in French):",
        "ja": "資料の記述（フランス語の原文）：",
    },
    "machine_translation": {
        "fr": "Traduction automatique, non vérifiée :",
        "en": "Machine translation, not checked:",
        "ja": "機械翻訳（未確認）：",
    },
    "translated_quotes": {
        "fr": "(Traductions automatiques des sources, non vérifiées ; les originaux sont en note.)",
        "en": "(Machine translations of the French sources, not checked; the originals are in the notes.)",
        "ja": "（フランス語の資料の機械翻訳・未確認。原文は注にあります。）",
    },
    "extracts": {
        "fr": "Extraits des sources (sans reformulation) :",
        "en": "Extracts from the sources (quoted, not rephrased):",
        "ja": "資料からの抜粋（原文のまま）：",
    },
}


def detect_language(text: str) -> str:
    """'ja' if the text has kana or kanji, else 'fr' or 'en' by function words and accents ('fr' on a tie).

    Names do not vote: English questions here are full of French ones ("What is the Technopôle de
    l'Arbois?", "Auvergne-Rhône-Alpes"), so an accent counts only in a word written in lower case,
    and "de", "la", "l'"… only when no capitalised word follows them.
    """
    if _KANA_OR_KANJI.search(text):
        return "ja"
    tokens = [t.split("'")[-1] for t in re.findall(r"[a-zà-ÿœæ']+", text.replace("’", "'"), re.IGNORECASE)]
    tokens = [t for t in tokens if t]
    french = english = 0
    for i, token in enumerate(tokens):
        word = token.casefold()
        in_name = i + 1 < len(tokens) and tokens[i + 1][0].isupper() and word in _NAME_LINKS
        french += (word in _FRENCH and not in_name) + (token[0].islower() and any(c in _ACCENTS for c in word))
        english += word in _ENGLISH
    return "en" if english > french else "fr"


_JA_NAMES = re.compile(r"\d{4}\s*年|第\s*\d+\s*回|[\u30a1-\u30fa\u30fc]{3,}|[A-Za-z]{3,}")
_JA_REFERS_BACK = re.compile(r"その|それ|そこ|この|これ|あの|同じ|彼|^(では|じゃあ|また|さらに)")
_REFERS_BACK = re.compile(
    r"^(et|and|what about|how about|also|aussi|puis|ensuite)\b"
    r"|(?<![-\w])(il|elle|ils|elles|lui|leur|leurs|y|celle|celui|ceux|celles|it|its|they|them|their|there|"
    r"that|those|he|she|his|her)\b",
    re.IGNORECASE,
)


def looks_like_follow_up(question: str, language: str) -> bool:
    """True if a question likely leans on the conversation: short, or pointing back with a pronoun.

    Japanese questions routinely leave their subject unsaid, so one counts as standalone only when it
    is not short, points back with no demonstrative, and names what it asks about: a year, an edition,
    a name in katakana or Latin letters. "a-t-il" (an inverted question) is no pronoun that points back.
    """
    if language == "ja":
        pinned = _JA_NAMES.search(question) is not None and _JA_REFERS_BACK.search(question) is None
        return not (pinned and len("".join(question.split())) >= 10)
    return len(question.split()) <= 5 or bool(_REFERS_BACK.search(question))


def message(key: str, language: str) -> str:
    return MESSAGES[key].get(language, MESSAGES[key]["fr"])


_HIRAGANA = re.compile(r"[\u3040-\u309f]")
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"|「[^」]*」|『[^』]*』")
_WORD = re.compile(r"[a-zà-ÿœæ]+", re.IGNORECASE)


def written_in(reply: str, language: str) -> bool:
    """False only when a reply is plainly in another language than ``language``, quotations aside.

    The model sometimes answers an English question in French (it reads French extracts). Its own
    words tell: an English reply has English function words, a French one French ones, a Japanese
    one hiragana. Names and quoted titles are French whatever the reply's language, so only a clear
    case counts: no function word of the expected language at all, several of the other.
    """
    plain = _QUOTED.sub(" ", reply)
    if language == "ja":
        if chinese_characters(plain):
            return False
        return bool(_HIRAGANA.search(plain)) or len("".join(plain.split())) < 12
    words = [w.casefold() for w in _WORD.findall(plain.replace("’", "'"))]
    if language == "en":  # "a" and "on" are French words too ("a rassemblé", "on y trouve")
        return any(w in _ENGLISH - {"a", "on"} for w in words) or sum(w in _FRENCH for w in words) < 2
    return any(w in _FRENCH for w in words) or sum(w in _ENGLISH for w in words) < 2


_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def chinese_characters(text: str) -> list[str]:
    """The characters of ``text`` that Japanese does not write: ideographs outside JIS X 0208, the
    Japanese everyday set (碳 where Japanese writes 炭, 减 for 減, 说 for 説). The small model slips into
    Chinese forms when it translates into Japanese."""
    out = []
    for c in dict.fromkeys(_IDEOGRAPH.findall(text)):
        try:
            c.encode("shift_jis")
        except UnicodeEncodeError:
            out.append(c)
    return out
