"""Speeches measured as a speaker would receive them: length, quoted share, footnotes, purpose, time.

    python -m eval.speeches                 # 12 drafts: every occasion in every language, purposes in turn
    python -m eval.speeches --all           # 36: every purpose too
    python -m eval.speeches --minutes 2 --out eval/results/speeches.json

The purposes were written before the speeches were built, one per kind of use (a council told of the
city's joining, a delegation welcomed, an agreement signed). For each draft:

- length: the speech's length over the length asked (minutes × the language's speaking rate), target
  within ±15 %;
- quoted: the share of what the speaker reads out (words, characters in Japanese) that is the sources'
  words: inside quotation marks, or a quote's machine translation, target ≤ 25 %;
- unfootnoted: the sentences of the parts that state facts (not the greeting, opening or thanks, whose
  only fact is the speaker's own purpose) that state a number or a name (a digit, or a capitalised word
  inside a Latin sentence, or Latin letters or katakana in a Japanese one) without a [n] mark, target 0;
  a quote is one sentence, whatever its periods;
- purpose: whether the opening and the close both say the purpose (its words, as the request gave them);
- seconds to draft, target ≤ 60.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import time
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.drafting.speeches import OCCASIONS, Speech, SpeechRequest, draft_speech, read_aloud
from assistant.pipeline import Assistant

PURPOSES = {
    "fr": (
        "Présenter au conseil municipal l'adhésion de notre ville aux Rencontres franco-japonaises",
        "Accueillir une délégation japonaise venue préparer un partenariat avec notre région",
        "Signer un accord de coopération sur la transition énergétique avec une ville japonaise",
    ),
    "en": (
        "Present our city's joining of the Franco-Japanese Rencontres to the city council",
        "Welcome a Japanese delegation that came to prepare a partnership with our region",
        "Sign a cooperation agreement on the energy transition with a Japanese city",
    ),
    "ja": (
        "市議会で日仏自治体交流会議への本市の参加を説明する",
        "地域との連携を準備するために来訪した日本の代表団を歓迎する",
        "日本の都市とエネルギー転換に関する協力協定に署名する",
    ),
}
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|「[^」]*」|『[^』]*』|\"[^\"]*\"")
_SENTENCE = re.compile(r"[^.!?。！？]+[.!?。！？]?")
_MARK = re.compile(r"\[\d+\]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def size(text: str, language: str) -> int:
    """Words, or characters without spaces in Japanese."""
    return len(re.sub(r"\s", "", text)) if language == "ja" else len(text.split())


def unfootnoted(text: str, language: str) -> list[str]:
    """The sentences that state a number or a name and carry no footnote mark (a quote, whatever it
    holds, is one word of its sentence). A line ends a sentence: a quote's line ends on its mark, not a
    full stop, and the line after it is a sentence of its own."""
    found = []
    lines = _MARK.sub(" [n]", _QUOTED.sub("«»", read_aloud(text, language))).splitlines()
    for sentence in (s.strip() for line in lines for s in _SENTENCE.findall(line)):
        if not sentence or "[n]" in sentence:
            continue
        bare = sentence.replace("[n]", "")
        if language == "ja":
            states = re.search(r"\d|[A-Za-z]{2,}|[\u30a1-\u30fa]{3,}", bare)
        else:
            words = bare.split()
            states = re.search(r"\d", bare) or any(w[:1].isupper() for w in words[1:])
        if states:
            found.append(sentence)
    return found


def says_purpose(text: str, purpose: str, language: str) -> bool:
    """Whether ``text`` says the purpose: its words, most of them (its characters' run in Japanese)."""
    if language == "ja":
        return purpose.rstrip("。") in text
    words = {w for w in re.findall(r"\w{4,}", purpose.lower())}
    return len(words & set(re.findall(r"\w{4,}", text.lower()))) >= 0.6 * len(words)


def spoken(text: str, language: str) -> tuple[str, str]:
    """What the speaker reads out of ``text``, and which of it is the sources' words (in quotation marks:
    in English or Japanese the quotes' translations; the line that says so is not read)."""
    read = read_aloud(text, language)
    return read, " ".join(_QUOTED.findall(read))


def measure(speech: Speech, seconds: float) -> dict[str, Any]:
    request = speech.request
    language = request.language
    read, sources = spoken(speech.text, language)
    total = size(_MARK.sub("", read), language)
    quoted = size(_MARK.sub("", sources), language)
    sections = [s for s in speech.sections if s.text.strip()]
    stating = "\n".join(s.text for s in sections if s.mode != "said")
    return {
        "language": language,
        "occasion": request.occasion,
        "purpose": request.purpose,
        "length_ratio": round(speech.length / (request.minutes * speech.per_minute), 2),
        "quoted_share": round(quoted / total, 2) if total else 0.0,
        "unfootnoted": unfootnoted(stating, language),
        "purpose_in_opening_and_close": bool(sections)
        and says_purpose(sections[0].text + sections[min(1, len(sections) - 1)].text, request.purpose, language)
        and says_purpose(sections[-1].text, request.purpose, language),
        "seconds": round(seconds, 1),
        "text": speech.text,
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| language | occasion | purpose | length / asked | quoted | unfootnoted | purpose opening+close | s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        purpose = "yes" if r["purpose_in_opening_and_close"] else "no"
        lines.append(
            f"| {r['language']} | {r['occasion']} | {r['purpose'][:28]}… | {r['length_ratio']:.2f} | "
            f"{r['quoted_share']:.2f} | {len(r['unfootnoted'])} | {purpose} | {r['seconds']:.0f} |"
        )
    n = len(rows)
    within = sum(0.85 <= r["length_ratio"] <= 1.15 for r in rows)
    lines.append(
        f"\n{n} drafts: length within ±15 % {within}/{n}; quoted ≤ 25 % "
        f"{sum(r['quoted_share'] <= 0.25 for r in rows)}/{n}; every factual sentence footnoted "
        f"{sum(not r['unfootnoted'] for r in rows)}/{n}; purpose in opening and close "
        f"{sum(r['purpose_in_opening_and_close'] for r in rows)}/{n}; "
        f"≤ 60 s {sum(r['seconds'] <= 60 for r in rows)}/{n}"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--all", action="store_true", help="every purpose in every occasion and language")
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    assistant = Assistant(Settings())
    assistant.warm_up()
    facts = assistant.known_facts()
    cases = [
        (language, occasion, k)
        for language, (o, occasion) in itertools.product(PURPOSES, enumerate(OCCASIONS))
        for k in (range(3) if args.all else [(o + "fr en ja".split().index(language)) % 3])
    ]
    rows = []
    for language, occasion, k in cases:
        request = SpeechRequest(PURPOSES[language][k], occasion=occasion, minutes=args.minutes, language=language)
        started = time.perf_counter()
        speech = draft_speech(assistant, request, facts=facts)
        rows.append(measure(speech, time.perf_counter() - started))
        print(table(rows[-1:]).splitlines()[2], flush=True)
    print(table(rows))
    if args.out:
        args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
