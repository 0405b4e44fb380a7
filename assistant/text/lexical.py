"""BM25 over chunks with French-aware tokens, built at index time and saved beside the vectors."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np

# French function words, plus the English ones a question in English brings (they never match).
STOPWORDS = frozenset(
    """
    a ai aie aient aies ait as au aucun aupres aussi autre aux avaient avais avait avec avez avions avoir
    avons ayant c ca ce ceci cela celle celles celui ces cet cette ceux chaque ci comme comment d dans de
    des deja donc dont du elle elles en encore entre est et etaient etais etait etant ete etes etre eu eux
    fait faites fois font hors il ils j je jusqu l la le les leur leurs lors lorsqu lui m ma mais me meme
    memes mes moi mon n ne ni non nos notre nous on ont ou par parce pas peu peut plus pour pourquoi
    puisqu qu quand que quel quelle quelles quels qui quoi s sa sans se selon ses si son sont sous
    soit sur t ta te tes toi ton tous tout toute toutes tres tu un une unes uns vers voici voila vos votre
    vous y
    about after all also an and any are as at be been but by can could did do does for from had has have
    he her his how i if in into is it its of on or our she so than that the their them then there these
    they this those to was we were what when where which who whom why will with would you your
    """.split()
)

_ORDINAL_WORDS = {
    "deuxieme": "2",
    "second": "2",
    "seconde": "2",
    "troisieme": "3",
    "third": "3",
    "quatrieme": "4",
    "fourth": "4",
    "cinquieme": "5",
    "fifth": "5",
    "sixieme": "6",
    "sixth": "6",
    "septieme": "7",
    "seventh": "7",
    "huitieme": "8",
    "eighth": "8",
    "neuvieme": "9",
    "ninth": "9",
    "dixieme": "10",
    "tenth": "10",
}
_ORDINAL = re.compile(r"(\d+)(?:e|es|eme|emes|er|ere|th|st|nd|rd)")
_TOKEN = re.compile(r"[a-z0-9]+")
# Words BM25 cannot read: runs of letters in another script than Latin (kanji, katakana, Cyrillic…).
# Hiragana is left out: in Japanese it mostly writes particles and endings, not content words.
_OTHER_SCRIPT_WORD = re.compile(r"[^\W\d_a-zA-Z\u00c0-\u024f\u1e00-\u1eff\u3040-\u309f]+")


def fold(text: str) -> str:
    """Lower case without accents: "Décentralisée" -> "decentralisee"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(word: str) -> str:
    """A light French stemmer: plural, then feminine, then a stem-final s; -aux -> -al.

    "japonaises", "japonaise", "japonais" -> "japonai"; "collectivités" -> "collectivit". Numbers pass.
    """
    if word.isdigit():
        return word
    if len(word) > 5 and word.endswith("aux"):
        word = word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    if len(word) > 4 and word[-1] == "e":
        word = word[:-1]
    if len(word) > 4 and word[-1] == "s":
        word = word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Tokens for BM25: folded, elisions and stopwords dropped, ordinals as numbers, stemmed.

    Works on any language's text, but only Latin letters and digits make tokens: a Japanese question
    contributes its numbers ("2014年" -> "2014") and its Latin names.
    """
    tokens = []
    for raw in _TOKEN.findall(fold(text)):
        m = _ORDINAL.fullmatch(raw)
        if m:
            tokens.append(m.group(1))
            continue
        if raw in _ORDINAL_WORDS:
            tokens.append(_ORDINAL_WORDS[raw])
            continue
        if raw in STOPWORDS or (len(raw) == 1 and not raw.isdigit()):
            continue
        tokens.append(stem(raw))
    return tokens


class BM25Index:
    """A bm25s index over chunk texts, addressed by chunk id."""

    def __init__(self, chunk_ids: Sequence[str], retriever: object) -> None:
        self.chunk_ids = list(chunk_ids)
        self._retriever = retriever

    @classmethod
    def build(cls, chunk_ids: Sequence[str], texts: Sequence[str]) -> BM25Index:
        import bm25s

        retriever = bm25s.BM25()
        retriever.index([tokenize(t) for t in texts], show_progress=False)
        return cls(chunk_ids, retriever)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(folder), show_progress=False)  # type: ignore[attr-defined]
        (folder / "chunk_ids.json").write_text(json.dumps(self.chunk_ids), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        import bm25s

        retriever = bm25s.BM25.load(str(folder), show_progress=False)
        chunk_ids = json.loads((folder / "chunk_ids.json").read_text(encoding="utf-8"))
        return cls(chunk_ids, retriever)

    def coverage(self, query: str) -> float:
        """Share of the query's tokens that occur in the indexed texts (0 when it has none).

        A French question scores near 1; an English or Japanese one only through its names and
        numbers, which tells fusion how much to trust this ranking. Words in another script count
        as unknown: "第7回…円卓会議" is not a question BM25 understands because it can read its "7".
        """
        tokens = tokenize(query)
        if not tokens:
            return 0.0
        vocab = self._retriever.vocab_dict  # type: ignore[attr-defined]
        unreadable = len(_OTHER_SCRIPT_WORD.findall(query))
        return sum(t in vocab for t in tokens) / (len(tokens) + unreadable)

    def search(self, query: str, *, top_k: int, allowed: Collection[str] | None = None) -> list[tuple[str, float]]:
        """The best ``top_k`` chunks with a positive score, as ``(chunk_id, score)``, best first."""
        tokens = tokenize(query)
        if not tokens or not self.chunk_ids:
            return []
        scores = np.asarray(self._retriever.get_scores(tokens), dtype=np.float64)  # type: ignore[attr-defined]
        if allowed is not None:
            mask = np.fromiter((cid in allowed for cid in self.chunk_ids), dtype=bool, count=len(self.chunk_ids))
            scores = np.where(mask, scores, 0.0)
        order = np.argsort(-scores, kind="stable")[:top_k]
        return [(self.chunk_ids[i], float(scores[i])) for i in order if scores[i] > 0]
