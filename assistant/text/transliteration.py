"""Whether a Japanese machine translation keeps the names of the French sentence it translates.

The small model writes Nancy as 奈良 (Nara), Shizuoka as 滋賀 (Shiga), « franco-japonaises » as
フレンチ・ヨーロッパ (French-European) and « françaises » as ロシア (Russian) (eval/README.md).
A name in Japanese script cannot be compared with French letters; read aloud in Latin letters,
it can. MeCab with UniDic (``fugashi``, ``unidic-lite``) finds the proper nouns of the translation, and
``cutlet`` spells each in Latin letters, in its own language's spelling where UniDic knows it
(ナンシー → Nancy, シャルトル → Chartres, 静岡 → Shizuoka). Each must stand in the French sentence.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from assistant.text.lexical import fold

# The one country name whose Japanese reading is not its French name: the assistant is about France and
# Japan, so every source names Japan as "Japon" or "japonais".
_SAME_NAMES = {"日本": ("japon", "nippon")}
_SUFFIXES = frozenset({"ken", "shi", "cho", "mura", "machi"})  # 県, 市, 町, 村: "Shizuoka ken"
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9'’.\- ]*")
# Words in katakana (or Latin letters) joined by ・, how Japanese writes a foreign name word by word; UniDic
# takes the small model's made-up ones for common nouns (フレンチ・ヨーロッパ・コーポレーション for « Rencontres
# franco-japonaises », アIX・エン・プロヴェッジ for Aix-en-Provence passed as such).
_DOTTED = re.compile(r"[\u30a1-\u30faーA-Za-z]+(?:・[\u30a1-\u30faーA-Za-z]+)+")


def lost_names(quote: str, translation: str) -> list[str]:
    """The proper nouns of the Japanese ``translation`` that the French ``quote`` does not name."""
    return [name for name in names_in(translation) if not named(name, quote)]


def names_in(japanese: str) -> list[str]:
    """The names a Japanese text writes: the proper nouns UniDic finds, and foreign names joined by ・."""
    return list(dict.fromkeys([*proper_nouns(japanese), *_DOTTED.findall(japanese)]))


@cache
def proper_nouns(text: str) -> tuple[str, ...]:
    """The proper nouns UniDic finds in Japanese ``text``, consecutive ones joined (フランス・日本 is two).
    Kept per text: an answer's checks and its translation's ask for the same text more than once."""
    out: list[str] = []
    run: list[str] = []
    for word in _tagger()(text):
        if word.feature.pos2 == "固有名詞":
            run.append(word.surface)
        elif run:
            out.append("".join(run))
            run = []
    if run:
        out.append("".join(run))
    return tuple(out)


def named(name: str, quote: str) -> bool:
    """True if ``quote`` (Latin letters) names ``name`` (a proper noun in Japanese script or Latin
    letters), read in Latin letters: 高松 in "à Takamatsu en 2014"."""
    words = _ascii_words(quote)
    if name in _SAME_NAMES:
        return any(w.startswith(s) for w in words for s in _SAME_NAMES[name])
    spelled = name if _LATIN_NAME.fullmatch(name) else _romaji(name)
    parts = [p for p in _ascii_words(spelled) if len(p) >= 3 and p not in _SUFFIXES]
    # the start of a word of the quote: "France" of "françaises" (the same first five letters), "Nan" of
    # "Nancy" (UniDic cuts ナンシー into ナン and シー)
    if all(any(w.startswith(p[:5]) for w in words) for p in parts):
        return True
    return not _LATIN_NAME.fullmatch(name) and _sounds_named(name, quote)


def _sounds_named(name: str, quote: str) -> bool:
    """True if ``name``, in katakana, sounds like capitalised words of ``quote``: a French name written
    as it is said, not as it is spelled (エクス for Aix, トゥール for Tours). Each part's consonants must be
    a word's; where there are only two (ニース and Nancy), its first vowel must be the word's too."""
    if not KATAKANA.fullmatch(name):
        return False  # a name in kanji is read, not heard: 大阪 is Osaka
    spoken = [p for p in _ascii_words(reading_romaji(name)) if p not in _SUFFIXES]
    spoken = [p for p in spoken if len(_sounds(p)) >= 2]  # アン of エクス・アン・プロヴァンス says too little
    words = re.findall(r"[A-ZÀ-Ý][^\W\d_]+", quote)
    return bool(spoken) and all(any(_sounds_like(part, word) for word in words) for part in spoken)


def _sounds_like(romaji: str, word: str) -> bool:
    sounds = _sounds(romaji)
    if sounds not in _french_sounds(word):
        return False
    said = re.search(r"[aeiou]", romaji.lower())  # a Japanese reading writes each vowel as it is said
    return len(sounds) > 2 or (said is not None and said.group() == _first_vowel(fold(word)))


# A name in katakana; ＝ joins its words too: エクス＝アン＝プロヴァンス.
KATAKANA = re.compile(r"[\u30a1-\u30fa・ー゠＝]+")
_FRENCH_VOWELS = (
    ("eau", "o"),
    ("au", "o"),
    ("ai", "e"),
    ("ei", "e"),
    ("ou", "u"),
    ("oi", "a"),
    ("an", "a"),
    ("en", "a"),
    ("y", "i"),
    ("a", "a"),
    ("i", "i"),
    ("u", "u"),
    ("e", "e"),
    ("o", "o"),
)


def _first_vowel(word: str) -> str:
    """The first vowel said in a French ``word``, as one of a, i, u, e, o ("aix" -> "e", "tours" -> "u")."""
    start = re.search(r"[aeiouy]", word)
    if start is None:
        return ""
    rest = word[start.start() :]
    return next((said for letters, said in _FRENCH_VOWELS if rest.startswith(letters)), "")


# Consonants as a Japanese ear writes them: the sounds Japanese does not tell apart are one letter (l and
# r, v and b, z and s), and vowels, y and w (French « oi » is ワ) are left out.
_JAPANESE_SOUNDS = (("sh", "s"), ("ch", "s"), ("ts", "t"), ("l", "r"), ("v", "b"), ("z", "s"), ("f", "h"))
_FRENCH_SOUNDS = (
    (r"[aeiou]ill", ""),  # « Marseille », « Versailles »: a vowel
    (r"sch|ch", "s"),
    (r"ph", "f"),
    (r"th", "t"),
    (r"qu|q|ck|c(?![eiy])", "k"),
    (r"c", "s"),
    (r"gu(?=[eiy])", "g"),
    (r"g(?=[eiy])", "j"),
    (r"gn", "n"),
    (r"x", "ks"),
    (r"m(?=[bp])", "n"),  # « Champagne »: シャンパーニュ
    (r"h", ""),
    (r"l", "r"),
    (r"[vw]", "b"),
    (r"z", "s"),
    (r"f", "h"),
)


def _sounds(romaji: str) -> str:
    """The consonants of a Japanese reading in Latin letters ("purovansu" -> "prbns")."""
    text = romaji.lower()
    for letters, sound in _JAPANESE_SOUNDS:
        text = text.replace(letters, sound)
    return _consonants(text)


def _french_sounds(word: str) -> set[str]:
    """The consonants a French ``word`` may be said with: as written, and without its final silent
    consonants ("Tours" is said "tour", "Bordeaux" "bordo"; "Aix" keeps its x)."""
    folded = "".join(_ascii_words(word))
    said = set()
    for form in {folded, re.sub(r"[stxdzpg]+$", "", folded)}:
        for pattern, sound in _FRENCH_SOUNDS:
            form = re.sub(pattern, sound, form)
        said.add(_consonants(form))
    return said


def _consonants(text: str) -> str:
    """The letters of ``text`` without vowels, y and w, a doubled letter written once."""
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[^a-z]|[aeiouyw]", "", text))


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", folded)


@cache
def _cutlet() -> Any:
    import cutlet  # a few MB of dictionary loaded on first use

    return cutlet.Cutlet()


def _tagger() -> Any:
    return _cutlet().tagger


def _romaji(text: str) -> str:
    return str(_cutlet().romaji(text))


def reading_romaji(kana: str) -> str:
    """A Japanese reading in kana spelled in Latin letters as Japanese (カナザワ -> "Kanazawa"), never as
    the foreign word a katakana run may also spell."""
    return str(_kana_reader().romaji(kana))


@cache
def _kana_reader() -> Any:
    import cutlet

    reader = cutlet.Cutlet()
    reader.use_foreign_spelling = False
    return reader
