"""Checks against the evidence the model named: answer, quoted or refused, the same in every language."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answer.checking import attribute, check_reply, claims, fixed_by, foreign_words, supported
from assistant.text.numbers import numbers
from assistant.types import Candidate, Chunk, Passage

SENTENCES = [
    "Les Rencontres ont été organisées à Nancy en 2008, puis à Takamatsu en 2014.",
    "Cette édition a rassemblé quatorze collectivités japonaises et 22 collectivités françaises.",
    "La jeunesse des deux pays participe aux échanges.",
]
Q = [1.0, 0.0]  # the question's vector; the first two sentences are about it, the third is not


def shown(about: str = "Historique des Rencontres", sentences: Sequence[str] = SENTENCES) -> list[Candidate]:
    out = []
    for i, text in enumerate(sentences):
        chunk = Chunk(chunk_id=f"s{i}", doc_id="d", start=0, end=len(text), text=text)
        passage = Passage(chunk=chunk, title="Historique", source="h.txt", score=1.0, rank=1)
        out.append(Candidate(passage=passage, sentence=chunk, vector=[1.0, 0.0] if i < 2 else [0.0, 1.0], about=about))
    return out


def judge(text: str, ids: list[int], question: str = "Où ont eu lieu les Rencontres en 2014 ?") -> str:
    return check_reply(text, ids, shown(), question=question, query_vector=Q, evidence_floor=0.5).mode


def test_an_answer_whose_claims_stand_in_its_evidence_is_shown() -> None:
    assert judge("Elles ont eu lieu à Takamatsu en 2014.", [1]) == "answer"
    assert judge("2014年の会議は Takamatsu で開催されました。", [1]) == "answer"


def test_no_evidence_or_a_silent_reply_is_refused() -> None:
    assert judge("Takamatsu.", []) == "refused"
    assert judge("Les sources ne précisent pas ce point.", [1]) == "refused"
    assert judge("NOT_IN_SOURCES", [1]) == "refused"


def test_what_the_question_fixes_must_stand_in_the_evidence_or_its_document() -> None:
    assert judge("Elles auront lieu à Nancy.", [1], question="Où auront lieu les 9es Rencontres en 2026 ?") == "refused"
    assert fixed_by("Où auront lieu les 9es Rencontres en 2026 ?") == {"2026", "#9"}
    assert fixed_by("第7回会議はいつですか？") == {"#7"}


def test_evidence_far_from_the_question_is_refused() -> None:
    assert judge("La jeunesse participe.", [3]) == "refused"


def test_a_claim_another_shown_sentence_holds_brings_that_sentence() -> None:
    verdict = check_reply(
        "Takamatsu en 2014 ; 22 collectivités françaises.",
        [1],
        shown(),
        question="?",
        query_vector=Q,
        evidence_floor=0.5,
    )
    assert verdict.mode == "answer" and verdict.evidence == (1, 2)


def test_a_made_up_claim_is_refused() -> None:
    assert judge("Elles ont eu lieu à Lyon en 2014.", [1]) == "refused"
    assert judge("Elles ont eu lieu à Takamatsu en 2019.", [1]) == "refused"


def test_a_reply_that_restates_the_question_or_omits_the_asked_number_is_refused() -> None:
    assert judge("Les Rencontres ont eu lieu en 2014.", [1]) == "refused"
    assert (
        judge("Elles ont eu lieu à Takamatsu.", [1], question="Quand ont eu lieu les Rencontres de Takamatsu ?")
        == "refused"
    )
    assert judge("En 2014.", [1], question="Quand ont eu lieu les Rencontres de Takamatsu ?") == "answer"


def test_numbers_are_values_whatever_the_language() -> None:
    assert "14" in numbers("quatorze collectivités") and "14" in numbers("fourteen authorities")
    assert numbers("１４の自治体") == {"14"} and numbers("第四の施設、二十二の自治体") == {"4", "22"}
    assert numbers("It was postponed twice.") == {"2"} == numbers("deux fois")
    assert supported("14", SENTENCES[1]) and not supported("4", SENTENCES[0])


def test_claims_are_names_numbers_and_addresses_not_sentence_openers() -> None:
    found = claims("During the meeting, Zero Emission Valley was shown at https://a.example/x1. Selon Nancy, 7 sites.")
    assert "During" not in found and "Selon" not in found
    assert {"Zero Emission Valley", "https://a.example/x1", "Nancy", "7"} <= set(found)
    assert "1" not in found  # an address's digits are not numbers


def test_each_sentence_cites_the_evidence_holding_its_claims() -> None:
    pairs = attribute("Nancy en 2008. Les collectivités étaient nombreuses.", [1, 2], shown())
    # the sentence with no claim rests on the named sentence holding its words
    assert pairs == [("Nancy en 2008.", (1,)), ("Les collectivités étaient nombreuses.", (2,))]
    # one holding none of them, on what the answer's other sentences cite, else on all named
    pairs = attribute("Nancy en 2008. Elles ont eu beaucoup de succès.", [1, 2], shown())
    assert pairs == [("Nancy en 2008.", (1,)), ("Elles ont eu beaucoup de succès.", (1,))]
    assert attribute("大勢が参加した。", [1, 2], shown()) == [("大勢が参加した。", (1, 2))]


def test_a_sentence_cites_the_fewest_named_sentences_that_hold_its_claims() -> None:
    texts = [
        "Rendez-vous à Shizuoka en 2024",
        "L'édition 2024 s'est déroulée du 18 au 21 novembre à Shizuoka.",
        "Cette édition a rassemblé 300 participants.",
    ]
    candidates = []
    for i, t in enumerate(texts):
        chunk = Chunk(chunk_id=f"s{i}", doc_id="d", start=0, end=len(t), text=t)
        candidates.append(Candidate(Passage(chunk, "Shizuoka", "s.txt", 1.0, 1), chunk, [1.0, 0.0], "Shizuoka"))
    text = "Elle s'est tenue du 18 au 21 novembre 2024 à Shizuoka."
    assert attribute(text, [1, 2, 3], candidates) == [(text, (2,))]  # the heading holds nothing more
    both = "Du 18 au 21 novembre 2024, avec 300 participants."
    assert attribute(both, [1, 2, 3], candidates) == [(both, (2, 3))]  # each holds what the other does not


def test_a_name_the_evidence_gives_to_another_year_is_not_the_answer() -> None:
    assert judge("Nancy.", [1]) == "quoted"  # 2014's clause names Takamatsu
    assert judge("Takamatsu.", [1]) == "answer"
    assert judge("Nancy.", [1], question="Où ont eu lieu les Rencontres en 2008 ?") == "answer"


def test_months_are_numbers_and_names_may_be_spelled_the_sources_way() -> None:
    assert numbers("2022年10月3日") == {"2022", "10", "3"} and "10" in numbers("créé en octobre 1990")
    assert "October" not in claims("It was created in October 1990.")
    assert supported("Japan", "au Japon") and supported("Japanese", "des collectivités japonaises")
    assert not supported("Kanagawa", "à Kanazawa en 2010")


def test_years_and_editions_are_read_as_retrieval_reads_them_full_width_digits_too() -> None:
    assert fixed_by("第９回会議は２０２６年に開かれますか？") == {"2026", "#9"}
    assert fixed_by("Les 1res Rencontres, en 2008") == {"2008", "#1"}


def test_a_name_after_an_honorific_or_an_initial_is_a_claim() -> None:
    assert claims("Le maire M. Dupont a salué les jeunes.") == ["Dupont"]
    assert claims("Il est arrivé à Nancy. Puis les délégués sont partis.") == ["Nancy"]


def test_with_quote_unchecked_a_reply_claiming_nothing_beyond_the_question_is_quoted() -> None:
    def mode(text: str, *, quote_unchecked: bool = True) -> str:
        return check_reply(
            text,
            [1],
            shown(),
            question="Que retenir des Rencontres de Nancy et de 2014 ?",
            query_vector=Q,
            evidence_floor=0.5,
            quote_unchecked=quote_unchecked,
        ).mode

    vague = "Nancy et 2014 furent de beaux moments d'échanges."  # its claims are the question's own
    assert mode(vague) == "quoted"
    assert mode(vague, quote_unchecked=False) == "answer"
    assert mode("À Takamatsu en 2014.") == "answer"  # Takamatsu is checked, and stands in the sentence


def test_a_name_a_japanese_question_writes_before_its_particle_is_the_questions_own() -> None:
    question = "Takamatsuはどの分野で知られていますか？"
    assert supported("Takamatsu", question)
    # the name is the question's, the rest a Japanese word no check reaches: quoted, not shown as fact
    verdict = check_reply(
        "Takamatsuは水力発電で知られています。",
        [1],
        shown(),
        question=question,
        query_vector=Q,
        evidence_floor=0.5,
        quote_unchecked=True,
    )
    assert verdict.mode == "quoted"


def test_a_japanese_reply_with_a_latin_word_the_sources_do_not_hold_is_quoted() -> None:
    question = "2014年の会議はどこで開催されましたか？"
    assert judge("2014年の会議は Takamatsu で開催されました。", [1], question) == "answer"
    assert judge("2014年の会議は高松で開催されました。フェュille ルートです。", [1], question) == "quoted"
    assert judge("2014年の会議は Takamatsuille で開催されました。", [1], question) == "refused"  # a made-up name
    assert foreign_words("Zero Emission Valleyは水素の分野です。", "Zero Emission Valleyはどの分野ですか？") == []


def test_a_reply_that_stops_at_an_introduction_is_quoted() -> None:
    question = "Quelles collectivités ont participé ?"
    assert judge("Cette édition a rassemblé les collectivités suivantes :", [2], question) == "quoted"


def test_a_list_reply_that_leaves_out_names_its_evidence_lists_is_quoted() -> None:
    hosts = "Elles ont eu lieu à Nancy en 2008, à Kanazawa en 2010, à Chartres en 2012 et à Takamatsu en 2014."
    chunk = Chunk(chunk_id="h", doc_id="d", start=0, end=len(hosts), text=hosts)
    passage = Passage(chunk=chunk, title="Historique", source="h.txt", score=1.0, rank=1)
    listed = [Candidate(passage=passage, sentence=chunk, vector=[1.0, 0.0], about="Historique")]

    def mode(text: str, question: str) -> str:
        return check_reply(text, [1], listed, question=question, query_vector=Q, evidence_floor=0.5).mode

    asked = "Quelles villes ont accueilli les Rencontres ?"
    assert mode("Nancy, Kanazawa et Takamatsu.", asked) == "quoted"  # Chartres left out
    assert mode("Nancy, Kanazawa, Chartres et Takamatsu.", asked) == "answer"
    assert mode("Nancy.", "Quelle ville a accueilli les premières Rencontres ?") == "answer"


def test_a_name_listed_beside_the_questions_is_no_answer_about_how_they_are_related() -> None:
    hosts = "Les villes hôtes précédentes, Nancy, Kanazawa, Chartres, Tours et Kumamoto, ont pris la parole."
    twinned = "Chartres est jumelée avec Sakurai depuis 1989."

    def checked(reply: str, sentences: list[str], question: str) -> str:
        ids = list(range(1, len(sentences) + 1))
        return check_reply(
            reply, ids, shown(sentences=sentences), question=question, query_vector=Q, evidence_floor=0.5
        ).mode

    asked = "Avec quelle ville japonaise Chartres est-elle jumelée ?"
    assert checked("Chartres est jumelée avec Kanazawa.", [hosts], asked) == "refused"
    deputy = "Hiroyuki Yamada, vice-maire de Kanazawa, a pris la parole."  # Kanazawa without Chartres
    assert checked("Chartres est jumelée avec Kanazawa.", [hosts, deputy], asked) == "refused"
    assert checked("Chartres est jumelée avec Sakurai.", [hosts, twinned], asked) == "answer"
    assert checked("Kanazawa et Tours.", [hosts], "Quelles villes hôtes ont pris la parole ?") != "refused"
