"""Two ways to ask the chat model whether a reply is of the kind its question asks for, on hand-written
cases: YES/NO ("does the answer give who?") and typing ("what does this answer mainly name?", the form
``assistant.answer.kinds`` uses). Runs the real model (about a minute).

python -m eval.kind_forms
"""

from __future__ import annotations

from assistant.answer import kinds, verifying
from assistant.config import Settings
from assistant.models.generation import complete
from assistant.pipeline import Assistant

# (kind asked, question, reply, whether the reply is of that kind)
CASES = [
    (
        "person",
        "Qui a pris la parole au nom de Kanazawa lors de la table ronde ?",
        "Nancy, Kanazawa, Chartres, Tours, Kumamoto",
        False,
    ),
    (
        "person",
        "Qui a pris la parole au nom de Kanazawa lors de la table ronde ?",
        "M. Jean Dupont, adjoint au maire de Kanazawa.",
        True,
    ),
    ("person", "Who hosted the 2014 Rencontres?", "Takamatsu hosted them.", True),
    ("person", "Who moderated the roundtable?", "The roundtable was held in Aix-en-Provence in 2022.", False),
    ("person", "Who organises the Rencontres?", "CLAIR and Cités Unies France.", True),
    ("person", "静岡市長の名前は？", "静岡市です。", False),
    ("person", "誰が開会の挨拶をしましたか？", "田辺信宏市長が挨拶しました。", True),
    ("title", "2010年の金沢大会の全体テーマは何でしたか？", "2020年の会議は2022年に延期されました。", False),
    (
        "title",
        "What was the overall theme chosen for the Shizuoka edition?",
        "The theme was « Une société durable et inclusive ».",
        True,
    ),
    ("title", "Quel était le thème des Rencontres de 2014 ?", "Les Rencontres de 2014 ont eu lieu à Takamatsu.", False),
    (
        "title",
        "Quel était le thème des Rencontres de 2014 ?",
        "Le thème était le tourisme et la revitalisation régionale.",
        True,
    ),
]
WANTED = {
    "person": "who: a person, or a body such as an organisation, a council or a city acting",
    "title": "a theme or a title",
}
YES_NO = (
    "Question: {q}\nAnswer: {a}\n\nThe question asks {w}. Does the answer give that, not something else? "
    "Reply YES or NO."
)


def main() -> None:
    model = Assistant(Settings()).chat_model
    assert model is not None, "no chat model: run `make setup`"
    right = {"yes/no": 0, "typing": 0}
    for kind, question, reply, expected in CASES:
        messages = [
            {"role": "system", "content": "You are a careful reader."},
            {"role": "user", "content": YES_NO.format(q=question, a=reply, w=WANTED[kind])},
        ]
        said = verifying.read_verdict(complete(model, messages, max_tokens=4, temperature=0.0, output=verifying.OUTPUT))
        named = kinds.named_kind(model, reply)
        right["yes/no"] += said is expected
        right["typing"] += kinds.fits(kind, named) is expected
        print(f"{kind:6} expected {expected!s:5} yes/no {said!s:5} typed {named:12} | {reply[:50]}")
    print(", ".join(f"{form}: {n} of {len(CASES)} right" for form, n in right.items()))


if __name__ == "__main__":
    main()
