"""The evidence format: a grammar whose ids are the ones shown, and a parser that never raises."""

from __future__ import annotations

import json

from assistant.answer.grounding import output_format, parse_reply, render_evidence, write_grounded
from tests.fakes import FakeChatModel


def test_the_grammar_allows_exactly_the_ids_shown() -> None:
    fmt = output_format(12)
    id_rule = next(line for line in fmt.grammar.splitlines() if line.startswith("id ::="))
    assert '"S12"' in id_rule and '"S1"' in id_rule and '"S13"' not in id_rule and '"S0"' not in id_rule
    assert id_rule.index('"S12"') < id_rule.index('"S1"')  # the longer id first
    assert fmt.schema["properties"]["evidence"]["items"]["enum"] == [f"S{i}" for i in range(1, 13)]


def test_a_well_formed_reply_parses() -> None:
    reply = parse_reply("EVIDENCE: S2 S5\nANSWER: Takamatsu, en 2014.", 6)
    assert reply.ids == (2, 5) and reply.text == "Takamatsu, en 2014." and not reply.malformed


def test_ids_never_shown_are_dropped_and_reported() -> None:
    reply = parse_reply("EVIDENCE: S2 S9 S2\nANSWER: Nancy.", 6)
    assert reply.ids == (2,) and reply.invalid_ids == (9,)


def test_none_and_malformed_replies() -> None:
    assert parse_reply("EVIDENCE: NONE\nANSWER: NOT_IN_SOURCES", 4).none
    bad = parse_reply("Les Rencontres ont eu lieu à Nancy.", 4)
    assert bad.malformed and bad.ids == () and bad.text == "Les Rencontres ont eu lieu à Nancy."


def test_the_json_shape_of_openai_compatible_servers_parses_too() -> None:
    reply = parse_reply(json.dumps({"evidence": ["S3", "S7"], "answer": "Kanazawa en 2010."}), 5)
    assert reply.ids == (3,) and reply.invalid_ids == (7,) and reply.text == "Kanazawa en 2010."


def test_sentences_are_numbered_across_documents() -> None:
    text = render_evidence([("Doc A, 2022", ["Un.", "Deux."]), ("Doc B", ["Trois."])])
    assert text.splitlines() == ["[Doc A, 2022]", "S1: Un.", "S2: Deux.", "[Doc B]", "S3: Trois."]


def test_only_the_answer_streams_and_the_grammar_is_sent() -> None:
    chat = FakeChatModel(["EVIDENCE: S1\nANSWER: Nancy accueillit les premières Rencontres."])
    pieces: list[str] = []
    shown = "".join(
        write_grounded(chat, [{"role": "user", "content": "?"}], 3, max_tokens=50, temperature=0, pieces=pieces)
    )
    assert shown == "Nancy accueillit les premières Rencontres."
    assert "".join(pieces).startswith("EVIDENCE: S1")
    assert chat.outputs[0] is not None and '"S3"' in chat.outputs[0].grammar
