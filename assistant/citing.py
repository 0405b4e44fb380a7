"""Align answer sentences to source sentences, check what they assert, drop what is unsupported.

A small model writes fluent sentences whatever the sources say. Each sentence it writes is kept only
if (1) a source sentence among the extracts it was shown is close enough to it, by embedding
similarity or by shared words, and (2) every number and Latin-script name it asserts appears in its
supporting sentences (or in the question itself). An answer to "when", "how many" or "where" must
also add the number or place asked for. Kept sentences get [n] markers; each marker is a verbatim
quote at exact offsets, checked against the document text before it is shown.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from assistant.chunking import split_sentences
from assistant.lexical import STOPWORDS, fold, tokenize
from assistant.types import Chunk, Citation, Passage

logger = logging.getLogger(__name__)

REFUSAL_TOKEN = "NOT_IN_SOURCES"

# Words a model translates rather than copies: their presence proves nothing and costs nothing.
_COMMON_NAMES = frozenset(
    fold(w)
    for w in """
    japan japanese japon japonais japonaise france french français française franco franco-japanese
    franco-japonaises rencontres rencontre meeting meetings conference sdg sdgs odd un united nations
    nations-unies region région regional city cities ville villes mayor maire declaration déclaration
    covid covid-19 europe european européen monday tuesday wednesday thursday friday saturday sunday
    lundi mardi mercredi jeudi vendredi samedi dimanche i we the a an in on at of for and by it its this these
    they there their de la le les du des en et l d au aux
    """.split()
)
# Words that open sentences without being names (beyond the stopwords of ``lexical``).
_OPENERS = frozenset(
    fold(w)
    for w in """
    combien quand comment pourquoi during according after before since from following both each all
    several many most some finally also
    however moreover furthermore then thus therefore although because while only yes no about between
    participants authorities cities local workshops discussions topics themes they these those this it
    there here lors durant pendant parmi ainsi enfin ensuite puis plusieurs chaque tous toutes depuis avant
    après dans sur sous chez vers entre selon grâce afin car mais donc cependant toutefois néanmoins
    également aussi environ près plus moins cela ceci celle celui oui non participants collectivités
    ateliers discussions thèmes
    """.split()
)
_NUMBER_WORDS = {
    "deux": 2,
    "two": 2,
    "trois": 3,
    "three": 3,
    "quatre": 4,
    "four": 4,
    "cinq": 5,
    "five": 5,
    "six": 6,
    "sept": 7,
    "seven": 7,
    "huit": 8,
    "eight": 8,
    "neuf": 9,
    "nine": 9,
    "dix": 10,
    "ten": 10,
    "onze": 11,
    "eleven": 11,
    "douze": 12,
    "twelve": 12,
    "quatorze": 14,
    "fourteen": 14,
    "vingt": 20,
    "twenty": 20,
    "vingt-deux": 22,
    "twenty-two": 22,
    "premier": 1,
    "première": 1,
    "first": 1,
    "deuxième": 2,
    "second": 2,
    "troisième": 3,
    "third": 3,
    "quatrième": 4,
    "fourth": 4,
    "cinquième": 5,
    "fifth": 5,
    "sixième": 6,
    "sixth": 6,
    "septième": 7,
    "seventh": 7,
    "huitième": 8,
    "eighth": 8,
    "neuvième": 9,
    "ninth": 9,
}
# Months count as numbers, so that "octobre", "October" and "10月" agree.
_MONTHS = (
    "janvier|january février|february mars|march avril|april mai|may juin|june juillet|july août|august "
    "septembre|september octobre|october novembre|november décembre|december"
).split()
_NUMBER_WORDS.update({name: month for month, names in enumerate(_MONTHS, start=1) for name in names.split("|")})
_NUMBER_WORDS_FOLDED = frozenset(fold(w) for w in _NUMBER_WORDS)
_NUMBER_WORD_RE = re.compile(r"\b(" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_MARKER = re.compile(r"\s*(?:\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]|【\d+】)")
_DIGITS = re.compile(r"\d+")
# A web address, without the punctuation that may close the sentence around it.
URL = re.compile(r"https?://[^\s<>\"«»]*[^\s<>\"«».,;:!?)\]]")
_LATIN = "A-Za-zÀ-ÖØ-öø-ÿĀ-ɏḀ-ỿ"  # with the extended Latin of romanised names: "Honshū", "Ōita"
_CAPITALISED = rf"[A-ZÀ-ÖØ-ÞĀĒĪŌŪŒŠŽ][{_LATIN}0-9’'\-]*[{_LATIN}0-9]"  # Latin letters only: never a run of kana
_LATIN_NAME = re.compile(rf"{_CAPITALISED}(?:\s+{_CAPITALISED})*")  # "Zero Emission Valley" is one name
MODEL_REFUSALS = re.compile(
    r"ne (contiennent|précisent|mentionnent|donnent|disent|fournissent) pas|pas d'information|aucune information|"
    r"ne sait pas|je ne sais pas|do(es)? not (contain|mention|specify|say|provide|state)|no information|"
    r"not (mentioned|specified|provided|stated)|i don't know|"
    r"情報(は|が)(ありません|ない)|記載(は|が)?(ありません|されていません)|わかりません|分かりません",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Thresholds:
    """When a source sentence counts as support: values set by reading dev runs on eval/gold.jsonl,
    not by a calibration sweep. Why the cosine cannot go lower for English and Japanese answers (a
    translation is often as close to another sentence of its document as to its own source):
    eval/README.md, "Ninth session".
    """

    similarity: float = 0.62  # cosine of answer sentence and source sentence
    containment: float = 0.5  # share of the answer sentence's content words found in the source sentence
    # An English answer shares cognates with French sources ("second", "table", "expert"): "The second
    # round table was moderated by an expert tribunal" holds half the words of "La seconde table ronde a
    # rassemblé une tribune d'experts…" and says something else. Across languages, overlap must be larger.
    containment_across: float = 0.7
    # A lower cosine suffices when the source sentence also holds every new number and name of the
    # answer sentence: a translated answer (Japanese, English) stays further from its French source.
    with_claims: float = 0.55


@dataclass(frozen=True)
class Candidate:
    """A source sentence the model was shown, with the passage it belongs to."""

    passage: Passage
    sentence: Chunk
    vector: Sequence[float]
    about: str = ""  # what the sentence's document is: title, host city and year
    introduced_by: str | None = None  # for an item of a list: its introduction's sentence id

    @property
    def heading(self) -> str:
        return self.about or self.passage.title


@dataclass(frozen=True)
class Checked:
    sentence: str
    supports: tuple[Candidate, ...]
    missing: tuple[str, ...]  # claims found in no supporting sentence
    similarity: float

    @property
    def kept(self) -> bool:
        return bool(self.supports) and not self.missing


@dataclass(frozen=True)
class Verified:
    text: str  # kept sentences with [n] markers
    citations: tuple[Citation, ...]
    kept: tuple[Checked, ...]
    dropped: tuple[Checked, ...]
    model_refused: bool


_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]|[-–•*])\s+")


def split_answer(text: str) -> list[str]:
    """The answer's sentences without the citation markers and list numbers the model may have written."""
    cleaned = _MARKER.sub("", text).strip()
    return [_LIST_MARK.sub("", cleaned[s.start : s.end]) for s in split_sentences(cleaned)]


def _names(text: str) -> list[tuple[int, str]]:
    """Runs of capitalised words, trimmed of function words, openers and common names at either end.

    "La Région Auvergne-Rhône-Alpes" -> "Auvergne-Rhône-Alpes"; "Les Rencontres" and "Combien" -> nothing.
    """
    found = []
    for m in _LATIN_NAME.finditer(text):
        words = [(w.start(), w.group()) for w in re.finditer(r"\S+", m.group())]
        while words and _is_filler(words[0][1]):
            words.pop(0)
        while words and _is_filler(words[-1][1]):
            words.pop()
        if words:
            start, end = words[0][0], words[-1][0] + len(words[-1][1])
            found.append((m.start() + start, m.group()[start:end]))
    return found


def _is_filler(word: str) -> bool:
    folded = fold(word)
    elided = re.match(r"^[A-Z][’']([^’']+)$", word)  # "L’édition", "D’autres": a capital, not a name
    return (
        (elided is not None and elided.group(1)[:1].islower())
        or folded in STOPWORDS
        or folded in _OPENERS
        or folded in _COMMON_NAMES
        or folded in _NUMBER_WORDS_FOLDED
        or len(word) < 2
    )


def claims(sentence: str, *, language: str = "fr", number_words: bool = True) -> list[str]:
    """What a sentence asserts that can be checked word for word: numbers and Latin-script names.

    The same rules hold in every language: a Japanese answer is checked on its numbers and on the
    names it writes in Latin script (the prompt asks for names as the extracts write them). A web
    address is one claim, whole: its digits and words are not numbers and names of their own.
    """
    found = URL.findall(sentence)
    sentence = _without_addresses(sentence)
    found += [str(int(d)) for d in _DIGITS.findall(sentence)]
    if number_words:
        found += [str(_NUMBER_WORDS[w.casefold()]) for w in _NUMBER_WORD_RE.findall(sentence)]
    found += [name for _, name in _names(sentence)]
    return list(dict.fromkeys(found))


def _without_addresses(text: str) -> str:
    """The text with its web addresses blanked, same length: their digits are no numbers, their words no names."""
    return URL.sub(lambda m: " " * len(m.group()), text)


def _is_address(claim: str) -> bool:
    return URL.fullmatch(claim) is not None


def _numbers_in(text: str) -> set[str]:
    text = _without_addresses(text)
    numbers = {str(int(d)) for d in _DIGITS.findall(text)}
    numbers |= {str(_NUMBER_WORDS[w.casefold()]) for w in _NUMBER_WORD_RE.findall(text)}
    return numbers


def _supports_claim(claim: str, text: str) -> bool:
    if _is_address(claim):
        return claim in URL.findall(text)
    if claim.isdigit():
        return claim in _numbers_in(text)
    wanted = tokenize(claim) or [fold(claim)]
    have = set(tokenize(text)) | {fold(w) for w in re.findall(r"[\w’'\-]+", text)}
    return all(w in have for w in wanted)


def _entities(text: str) -> list[tuple[int, str]]:
    """Positions and values of the numbers and Latin-script names of a text, in order."""
    text = _without_addresses(text)  # positions unchanged
    found = [(m.start(), str(int(m.group()))) for m in _DIGITS.finditer(text)]
    found += [(m.start(), str(_NUMBER_WORDS[m.group().casefold()])) for m in _NUMBER_WORD_RE.finditer(text)]
    found += _names(text)
    return sorted(found)


def tied(claim: str, anchors: Sequence[str], text: str) -> bool:
    """True if, next to an anchor in ``text``, the nearest entity of the claim's kind is the claim.

    Catches a model that takes the wrong item of an enumeration: in "à Nancy en 2008, puis à
    Kanazawa en 2010, …, à Takamatsu en 2014", the name nearest to "2014" is Takamatsu, not Nancy.
    """
    entities = _entities(text)
    # A lone line break is the layout of the source (a wrapped line), not a pause: "à Tours en\n2016".
    breaks = [m.start() for m in re.finditer(r"[,;:()«»]|\n\s*\n", text)]

    def clause(position: int) -> int:
        return sum(b < position for b in breaks)

    want_number = claim.isdigit()
    for anchor in anchors:
        if want_number and anchor.isdigit():
            # Numbers tie only to their neighbours in one expression: "octobre 1990", "18 au 21 novembre".
            spots = [p for p, v in entities if v == anchor]
            if any(v == claim and abs(p - q) <= 12 for p, v in entities for q in spots):
                return True
            continue
        for position, value in entities:
            if not _same(anchor, value):
                continue
            rivals = [(p, v) for p, v in entities if v.isdigit() == want_number and not _same(anchor, v)]
            # In the anchor's own clause, only the nearest rival counts ("à Takamatsu en 2014, à Tours
            # en 2016": Takamatsu). Otherwise its nearest neighbour on either side, which walks a list.
            same_clause = [(abs(p - position), p, v) for p, v in rivals if clause(p) == clause(position)]
            if same_clause:
                nearest = [min(same_clause)[1:]]
            elif want_number != value.isdigit() and _enumerated(position, value, entities, text):
                # An item of a list ("Nancy, Kanazawa, Chartres, Tours et Kumamoto, qui ont accueilli les
                # Rencontres de 2008 à 2018"): what stands outside its clause speaks for the whole list.
                continue
            else:
                left = [(position - p, p, v) for p, v in rivals if p < position]
                right = [(p - position, p, v) for p, v in rivals if p > position]
                nearest = [min(side)[1:] for side in (left, right) if side]
            # The nearest entity speaks for its whole expression: "créé en octobre 1990" ties 1990 too.
            if any(_same(claim, v) and abs(p - q) <= 12 for q, _ in nearest for p, v in rivals):
                return True
    return False


_LIST_LINK = re.compile(r"\s*(?:,|、|・|et|and|ou|or)\s*", re.IGNORECASE)


def _enumerated(position: int, value: str, entities: Sequence[tuple[int, str]], text: str) -> bool:
    """True if the entity at ``position`` stands in a list with its neighbour of the same kind."""
    kind = [(p, v) for p, v in entities if v.isdigit() == value.isdigit()]
    i = kind.index((position, value))
    neighbours = [kind[j] for j in (i - 1, i + 1) if 0 <= j < len(kind)]
    for p, v in neighbours:
        first, second = sorted([(position, value), (p, v)])
        gap = text[first[0] + len(first[1]) : second[0]]
        if _LIST_LINK.fullmatch(gap):
            return True
    return False


def untied(new: Sequence[str], asked: Sequence[str], texts: Sequence[str]) -> list[str]:
    """The new facts that no source sentence ties to what the question asks about.

    Ties chain: in "…du 18 au 21 novembre à Shizuoka, sur l'île de Honshū", Shizuoka is tied to the
    question's 2024 and Honshū to Shizuoka; a list of names is walked the same way. Numbers tie to
    numbers only within one expression (a date), never across "14 … et 22 …".
    """
    if not asked:
        return []
    tied_so_far = list(asked)
    pending = list(new)
    progress = True
    while pending and progress:
        progress = False
        for claim in list(pending):
            if claim.isdigit() and all(a.isdigit() for a in tied_so_far):
                pending.remove(claim)  # a count beside the question's year or edition: presence suffices
                progress = True
            elif any(tied(claim, tied_so_far, text) for text in texts):
                tied_so_far.append(claim)
                pending.remove(claim)
                progress = True
    return pending


def _same(claim: str, value: str) -> bool:
    """One entity named in full or in part: "Kanazawa" and "Kanazawa", "CLAIR" and "CLAIR PARIS"."""
    if claim.isdigit() or value.isdigit():
        return claim == value
    a, b = _name_words(claim), _name_words(value)
    return bool(a and b) and (a <= b or b <= a)


def _name_words(name: str) -> frozenset[str]:
    return frozenset(fold(w) for w in re.findall(r"[\w’'\-]+", name))


def containment(sentence: str, source: str) -> float:
    """The share of the sentence's content words found in the source, and of its words other than
    names and numbers, whichever is lower.

    Names and numbers are checked as claims; as evidence that a sentence says what its source says,
    the other words must be there too. So "Kumamoto took over after Aix-en-Provence" shares nothing with a
    French sentence naming both cities, and a sentence not in Latin script (Japanese) scores 0.
    """
    if _latin_share(sentence) < 0.6:
        return 0.0
    words, plain = _words(sentence)
    if not plain:
        return 0.0
    have = _words(source)[0]
    return min(len(words & have) / len(words), len(plain & have) / len(plain))


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """A text's content words, and those of them not part of its names and numbers.

    Cached: each answer sentence meets every candidate sentence twice (similarity and overlap).
    """
    words = frozenset(tokenize(text))
    named = {w for claim in claims(text, number_words=False) for w in tokenize(claim)}
    return words, words - named


_LATIN_LETTER = re.compile(f"[{_LATIN}]")


def _latin_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(bool(_LATIN_LETTER.match(ch)) for ch in letters) / len(letters) if letters else 0.0


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def check_sentence(
    sentence: str,
    vectors: Sequence[Sequence[float]],
    candidates: Sequence[Candidate],
    *,
    question: str,
    language: str,
    thresholds: Thresholds,
    listed: frozenset[str] = frozenset(),
) -> Checked:
    """Find the sentence's best support, add supports for claims it lacks, and list what stays unproven.

    ``vectors`` embed the sentence alone and the sentence after the question: a short answer
    ("Depuis 1973.") only means something next to its question. ``listed`` holds the ids of list
    items whose introduction supports the answer (see ``verify_answer``).
    """
    in_context = f"{question} {sentence}"
    own_claims = claims(sentence, language=language)

    def similarity(c: Candidate) -> float:
        # The vector of question + sentence speaks for the sentence only if the sentence itself
        # shares words or claims with the source; otherwise any fragment would borrow the question's
        # meaning.
        plain = cosine(vectors[0], c.vector) if vectors else 0.0
        shares = containment(sentence, c.sentence.text) >= 0.3 or any(
            _supports_claim(x, c.sentence.text) for x in own_claims
        )
        if len(vectors) > 1 and shares:
            return max(plain, cosine(vectors[1], c.vector))
        return plain

    def overlap(c: Candidate) -> float:
        own = containment(sentence, c.sentence.text)
        return max(own, containment(in_context, c.sentence.text)) if own >= 0.3 else own

    measured = [(similarity(c), overlap(c), c) for c in candidates]  # once each: this runs per sentence
    measured.sort(key=lambda m: -max(m[0], m[1]))
    scored = [(max(sim, ovl), c) for sim, ovl, c in measured]
    best_score = scored[0][0] if scored else 0.0
    new_claims = [x for x in own_claims if not _supports_claim(x, question)]

    def holds_claims(c: Candidate) -> bool:
        return bool(new_claims) and all(_supports_claim(x, _seen(c)) for x in new_claims)

    # What the question is about: its names and the numbers it writes in digits, years and editions
    # ("2014", "9es", "第9回"); a count in words ("les trois engagements") is no anchor.
    asked = claims(question, number_words=False)
    # A bare answer ("Nancy.", "En 2013.") has nothing to compare but its facts: a source sentence that
    # holds them will do, since each must then be tied to what the question names.
    # So does an answer that restates the question around its facts ("Nancy was the city that hosted the
    # first Rencontres in 2008."), when what the question names is a year or edition: a tie to a date is
    # exact, one between two names ("Kumamoto … after Aix-en-Provence") too loose to stand alone.
    latin = _latin_share(sentence) >= 0.6
    restated = all(a.isdigit() for a in asked) and _restates(sentence, question)
    bare = bool(asked) and ((latin and not _words(sentence)[1]) or restated)
    supporting = [
        c
        for sim, ovl, c in measured[:3]
        if sim >= thresholds.similarity
        or ovl >= (thresholds.containment if language == "fr" else thresholds.containment_across)
        or (sim >= thresholds.with_claims and holds_claims(c))
    ]
    if bare and not supporting:  # its facts are all it says: whichever sentence the model read holds them
        supporting = [c for c in candidates if holds_claims(c)][:1]
    if not supporting:
        return Checked(sentence, (), tuple(claims(sentence, language=language)), best_score)
    missing: list[str] = []
    to_tie: list[str] = []
    for claim in own_claims:
        if _supports_claim(claim, question):
            continue
        items = (c for c in [*supporting, *candidates] if c.sentence.chunk_id in listed)
        item = next((c for c in items if _supports_claim(claim, c.sentence.text)), None)
        if item is not None:
            # An item of the list the answer speaks of ("… trois ateliers :" then "Atelier 1 : …"):
            # its introduction ties it to the question, and the scope check below to the edition.
            if item not in supporting:
                supporting.append(item)
            continue
        if not any(_supports_claim(claim, _seen(c)) for c in supporting):
            # A claim may come from a neighbouring sentence the model also read: accept one among
            # the well-matching candidates, never from a sentence unrelated to this one.
            extra = next(
                (
                    c
                    for score, c in scored[:6]
                    if score >= thresholds.similarity * 0.8 and _supports_claim(claim, _seen(c))
                ),
                None,
            )
            if extra is None:
                missing.append(claim)
                continue
            supporting.append(extra)
        if not _is_address(claim):  # an address, copied whole from its support, names only itself
            to_tie.append(claim)
    # A long sentence that repeats one source sentence almost word for word asserts what that source
    # says; ties guard against facts rearranged across sentences, not against copies.
    copied = len(set(tokenize(sentence))) >= 8 and any(
        containment(sentence, c.sentence.text) >= 0.85 and all(_supports_claim(x, c.sentence.text) for x in to_tie)
        for c in supporting
    )
    # The support must speak of the year or edition the question asks about, if it names one: in the
    # supporting sentences, their passages or what their documents are (title, year, edition). No
    # source on a 9th edition, no answer about it.
    asked_numbers = [a for a in asked if a.isdigit()]
    # "2018 and 2024?": a sentence on 2024 alone needs a source on 2024 only.
    asked_numbers = [a for a in asked_numbers if a in own_claims] or asked_numbers
    scope = " ".join(f"{c.heading} {c.passage.chunk.text}" for c in supporting)
    in_scope = all(_supports_claim(n, scope) for n in asked_numbers)
    if not copied:
        loose = untied(to_tie, asked, [c.sentence.text for c in candidates] + sorted({c.heading for c in candidates}))
        if asked and all(a.isdigit() for a in asked) and in_scope:
            # The question names only a year or edition, and the support comes from a document about it:
            # a name its sentence does not date ("La première table ronde a réuni … Nancy, Kanazawa …" in
            # the report on the 7th edition) is dated by the document. A name its sentence dates is not:
            # "à Nancy en 2008, puis …" says nothing of the 7th edition.
            loose = [x for x in loose if x.isdigit() or _dated(x, supporting)]
        missing += loose
    if not in_scope:
        missing.append("/".join(asked_numbers))
    # "14 collectivités japonaises et 22 collectivités françaises": a count must keep its side.
    respective = _respectively(sentence)
    for claim in (x for x in own_claims if x.isdigit() and x not in missing):
        side = respective.get(claim) or _sides(claim, sentence)
        sources = set().union(*(_sides(claim, c.sentence.text) for c in candidates))  # supports are among them
        if len(side) == 1 and sources and not side & sources:
            missing.append(f"{claim} ({next(iter(side))})")
    return Checked(sentence, tuple(supporting), tuple(missing), best_score)


def verify_answer(
    text: str,
    candidates: Sequence[Candidate],
    *,
    embed: Callable[[Sequence[str]], list[list[float]]],
    document_text: Callable[[str], str],
    question: str,
    language: str,
    thresholds: Thresholds | None = None,
) -> Verified:
    """Keep the supported sentences of a model's answer, cite them, and report the rest as dropped."""
    thresholds = thresholds or Thresholds()
    model_refused = REFUSAL_TOKEN in text
    sentences = [s for s in split_answer(text.replace(REFUSAL_TOKEN, "")) if has_words(s)]
    factual = [s for s in sentences if not MODEL_REFUSALS.search(s)]
    if len(factual) < len(sentences) and not factual:
        model_refused = True
    vectors: list[tuple[list[float], ...]] = [() for _ in factual]
    if factual and candidates:
        flat = embed([*factual, *(f"{question} {s}" for s in factual)])
        vectors = [(flat[i], flat[i + len(factual)]) for i in range(len(factual))]

    def check_all(listed: frozenset[str]) -> list[Checked]:
        return [
            check_sentence(s, v, candidates, question=question, language=language, thresholds=thresholds, listed=listed)
            if candidates
            else Checked(s, (), (), 0.0)
            for s, v in zip(factual, vectors, strict=True)
        ]

    checked = check_all(frozenset())
    # A list is one statement with its introduction: once a source introduction ("… les trois
    # ateliers suivants :") supports a sentence of the answer, the items it introduces may carry the
    # names the answer lists, in that sentence or the next ones, without each item repeating what the
    # question asks about.
    introductions = {c.sentence.chunk_id for item in checked for c in item.supports if _introduces(c.sentence.text)}
    listed = frozenset(c.sentence.chunk_id for c in candidates if c.introduced_by in introductions)
    if listed:
        checked = check_all(listed)
    # An introduction ("Les trois engagements sont :") says nothing once what it introduces is gone.
    for i, item in enumerate(checked):
        follows = checked[i + 1].kept if i + 1 < len(checked) else False
        if item.kept and _introduces(item.sentence) and not follows:
            checked[i] = replace(item, missing=("what it introduces",))
    if not _answers(question, [item for item in checked if item.kept], language):
        checked = [replace(item, missing=(*item.missing, "what the question asks for")) for item in checked]
    citations: list[Citation] = []
    numbers: dict[tuple[str, int, int], int] = {}
    rendered = []
    kept, dropped = [], []
    for item in checked:
        if not item.kept:
            dropped.append(item)
            logger.info("dropped unsupported sentence (missing %s): %s", list(item.missing), item.sentence)
            continue
        # Cited only where its quote verifies at its offsets; of those supports, the ones that say what it says.
        verified = {id(c): citation for c in item.supports if (citation := cite(c, 0, document_text)) is not None}
        chosen = cited_supports(item.sentence, [c for c in item.supports if id(c) in verified], question, language)
        markers = []
        for support in chosen:
            citation = verified[id(support)]
            key = (citation.doc_id, citation.start, citation.end)
            if key not in numbers:
                numbers[key] = len(citations) + 1
                citations.append(replace(citation, n=numbers[key]))
            markers.append(numbers[key])
        if not markers:
            dropped.append(item)
            continue
        kept.append(item)
        rendered.append(item.sentence + " " + "".join(f"[{n}]" for n in sorted(set(markers))))
    return Verified(" ".join(rendered), tuple(citations), tuple(kept), tuple(dropped), model_refused)


# Questions that ask for a number (a date, a count) or a place in so many words.
_ASKS_NUMBER = re.compile(
    r"\b(?:when|what year|how many|how long|quand|quelle année|combien|depuis quand)\b"
    r"|いつ|何年|何回|いくつ|何か国|何人|何番目",
    re.IGNORECASE,
)
_ASKS_PLACE = re.compile(r"^\W*(?:où|where)\b|\b(?:which|what) (?:city|town)\b|\bquelle (?:ville|commune)\b", re.I)


def cited_supports(sentence: str, supports: Sequence[Candidate], question: str, language: str) -> list[Candidate]:
    """What a kept sentence is cited to, of its ``supports``: the best-matching one, then, best first, only the others
    that hold something the sentence adds to its question and no support cited yet holds: a claim, or
    (a sentence in Latin script) a content word.

    All its supports served to check the sentence; one that adds nothing to those cited does not say
    what the sentence says, and citing it sent the reader to a sentence about something else. (Choosing
    first the support that holds the most instead dropped a heading naming what the sentence was about
    for a long sentence sharing more of its words: eval/README.md, twentieth session.)
    """
    asked = set(tokenize(question))
    said = {x for x in claims(sentence, language=language) if not _supports_claim(x, question)}
    if _latin_share(sentence) >= 0.6:
        said |= _words(sentence)[1] - asked
    cited: list[Candidate] = []
    held: set[str] = set()
    for support in supports:
        adds = {x for x in said - held if x in _words(support.sentence.text)[0] or _supports_claim(x, _seen(support))}
        if adds or not cited:
            cited.append(support)
            held |= adds
    return cited


def _answers(question: str, kept: Sequence[Checked], language: str) -> bool:
    """False if the question asks for a number or a place and the kept sentences add none.

    "Where will the next Rencontres after Shizuoka take place?" — "… will take place in Shizuoka."
    repeats the question's own name: supported by a sentence about Shizuoka, it answers nothing.
    Places are asked of Latin-script answers only: a Japanese answer may write one in kanji.
    """
    wants_number = bool(_ASKS_NUMBER.search(question))
    wants_place = bool(_ASKS_PLACE.search(question)) and language != "ja"
    if not kept or not (wants_number or wants_place):
        return True
    new = [x for item in kept for x in claims(item.sentence, language=language) if not _supports_claim(x, question)]
    return (wants_number and any(x.isdigit() for x in new)) or (wants_place and any(not x.isdigit() for x in new))


def cite(candidate: Candidate, n: int, document_text: Callable[[str], str]) -> Citation | None:
    """A citation for a source sentence, only if its quote really stands at its offsets."""
    s = candidate.sentence
    if document_text(s.doc_id)[s.start : s.end] != s.text or not s.text.strip():
        logger.warning("citation offsets do not match the source text; not shown: %s", s.chunk_id)
        return None
    return Citation(
        n=n,
        doc_id=s.doc_id,
        title=candidate.passage.title,
        source=candidate.passage.source,
        start=s.start,
        end=s.end,
        quote=s.text,
        passage=candidate.passage,
    )


_WORDS_APART = re.compile(rf"[\d{_LATIN}\s\W_]+")  # what separates runs of kana and kanji


def _restates(sentence: str, question: str) -> bool:
    """True if the sentence says nothing the question does not, but its numbers and names.

    In Latin script: its words other than names and numbers all stand in the question. In Japanese,
    which has no spaces, at least 80 % of its character pairs do, names and numbers aside:
    "2016年の会議はToursで開催されました。" restates "2016年の会議はどこで開催されましたか？".
    """
    if _latin_share(sentence) >= 0.6:
        plain = _words(sentence)[1]
        return bool(plain) and plain <= _words(question)[0]
    pairs = _char_pairs(sentence)
    return bool(pairs) and len(pairs & _char_pairs(question)) >= 0.8 * len(pairs)


def _char_pairs(text: str) -> set[str]:
    return {run[i : i + 2] for run in _WORDS_APART.split(text) for i in range(len(run) - 1)}


def _dated(name: str, supporting: Sequence[Candidate]) -> bool:
    """True if a supporting sentence that holds the name also holds a number: a date of its own."""
    return any(_supports_claim(name, c.sentence.text) and _DIGITS.search(c.sentence.text) for c in supporting)


def _introduces(text: str) -> bool:
    return text.rstrip().endswith((":", "："))


def _seen(candidate: Candidate) -> str:
    """What the model read with a sentence: the sentence, and what its document is before it."""
    return f"{candidate.heading}\n{candidate.sentence.text}"


def has_words(sentence: str) -> bool:
    """True if a sentence holds a letter: a list's "2." does not."""
    return any(ch.isalpha() for ch in sentence)


# Which country a count is about. Compounds ("franco-japonaises") name both and neither.
_SIDES = {
    "France": re.compile(r"(?<![-\w])(?:fran[cç]ais\w*|france|french)(?![-\w])|フランス", re.IGNORECASE),
    "Japan": re.compile(r"(?<![-\w])(?:japon\w*|japan\w*)(?![-\w])|日本", re.IGNORECASE),
}
_COUNT_BREAK = re.compile(r"[.;:,()、。\n]|\d+")
_KANA = re.compile(r"[\u3040-\u30ff]")


def _sides(number: str, text: str) -> set[str]:
    """The countries the text pairs a number with: the one named in the number's own stretch of text
    (up to a punctuation mark or another number), after it ("14 collectivités japonaises"), or before it
    if none ("les collectivités françaises étaient 22"). Japanese puts the country first
    ("日本の自治体は14"), unless の follows the number ("14の日本の自治体").
    """
    found: set[str] = set()
    text = _without_addresses(text)
    japanese = bool(_KANA.search(text))
    for m in _DIGITS.finditer(text):
        if str(int(m.group())) != number:
            continue
        ahead = _COUNT_BREAK.search(text, m.end())
        after = text[m.end() : ahead.start() if ahead else len(text)]
        behind = [b.end() for b in _COUNT_BREAK.finditer(text, 0, m.start())]
        before = text[behind[-1] if behind else 0 : m.start()]
        order = [after, before]
        if japanese and not re.match(r"\s*(?:つ|個|団体|か所|箇所)?の", after):
            order.reverse()
        for stretch in order:
            named = {side for side, pattern in _SIDES.items() if pattern.search(stretch)}
            if named:
                found |= named
                break
    return found


_RESPECTIVELY = re.compile(r"respectiv|それぞれ", re.IGNORECASE)


def _respectively(sentence: str) -> dict[str, set[str]]:
    """ "Japanese and French authorities: 22 and 14 respectively": the counts in the countries' order."""
    if not _RESPECTIVELY.search(sentence):
        return {}
    named = sorted((m.start(), side) for side, pattern in _SIDES.items() for m in pattern.finditer(sentence))
    countries = list(dict.fromkeys(side for _, side in named))
    counts = [str(int(d)) for d in _DIGITS.findall(sentence[named[0][0] :])] if named else []
    if len(countries) != 2 or len(counts) != 2:
        return {}
    return {count: {country} for count, country in zip(counts, countries, strict=True)}
