from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest.loading import load_corpus, load_document
from assistant.text.chunking import normalize_text, segment_document, split_document, split_sentences
from tests.conftest import REPO_CORPUS, load_html


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def test_french_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = "M. Dupont est venu à 9 h. le matin. Voir art. 3 du texte. J. Martin a parlé ensuite."
    assert sentences(text) == [
        "M. Dupont est venu à 9 h. le matin.",
        "Voir art. 3 du texte.",
        "J. Martin a parlé ensuite.",
    ]


def test_japanese_sentences_split_on_full_stops() -> None:
    assert sentences("会議は静岡で開催された。テーマは何ですか？次へ") == [
        "会議は静岡で開催された。",
        "テーマは何ですか？",
        "次へ",
    ]


def test_list_items_on_new_lines_are_sentences_of_their_own() -> None:
    text = "Nous proposons :\n- un accès à tous ;\n- une agriculture urbaine ;\n1. Chaque collectivité travaillera."
    assert sentences(text) == [
        "Nous proposons :",
        "- un accès à tous ;",
        "- une agriculture urbaine ;",
        "1. Chaque collectivité travaillera.",
    ]


def test_hard_wrapped_lines_stay_in_one_sentence() -> None:
    text = "Les Rencontres, organisées pour la première fois\nà Nancy en 2008, ont connu une pleine réussite."
    assert len(sentences(text)) == 1


@pytest.mark.parametrize("name", sorted(p.name for p in REPO_CORPUS.glob("*.txt")))
@pytest.mark.parametrize("size", [300, 600, 1000])
def test_every_chunk_is_an_exact_slice_within_its_size(name: str, size: int) -> None:
    doc = load_document(REPO_CORPUS / name, source=name)
    chunks = split_document(doc, chunk_size=size, overlap_sentences=1)
    assert chunks
    longest_sentence = max(u.end - u.start for u in segment_document(doc))
    for chunk in chunks:
        assert chunk.text == doc.text[chunk.start : chunk.end]
        assert chunk.end - chunk.start <= max(size, longest_sentence) * 2
        assert "Sélectionnez votre langue" not in chunk.text and "A+ A A-" not in chunk.text


def test_chunks_cover_every_sentence_in_order(corpus_dir: Path) -> None:
    documents, _ = load_corpus(corpus_dir)
    for doc in documents:
        chunks = split_document(doc, chunk_size=120, overlap_sentences=0)
        covered = [s for s in segment_document(doc) if s.kind == "sentence"]
        for unit in covered:
            assert any(c.start <= unit.start and unit.end <= c.end for c in chunks)
        assert [c.start for c in chunks] == sorted(c.start for c in chunks)


def test_headings_start_chunks_and_name_their_section(corpus_dir: Path) -> None:
    doc = load_document(corpus_dir / "ateliers.md")
    chunks = split_document(doc, chunk_size=500)
    hydrogen = next(c for c in chunks if "hydrogène" in c.text)
    # Consecutive headings stay together, in front of the text they introduce.
    assert hydrogen.text.startswith("# Ateliers de Shizuoka\n\n## Environnement\n")
    assert hydrogen.heading_path == ("Ateliers de Shizuoka", "Environnement")
    society = next(c for c in chunks if "personnes âgées" in c.text)
    assert society.text.startswith("## Société") and "hydrogène" not in society.text
    assert society.heading_path == ("Ateliers de Shizuoka", "Société")


def test_chunk_ids_are_stable_content_hashes(corpus_dir: Path) -> None:
    doc = load_document(corpus_dir / "rencontres.txt")
    first = [c.chunk_id for c in split_document(doc, chunk_size=200)]
    again = [c.chunk_id for c in split_document(load_document(corpus_dir / "rencontres.txt"), chunk_size=200)]
    assert first == again and len(set(first)) == len(first)


def test_normalize_keeps_compound_hyphens_across_lines() -> None:
    assert (
        normalize_text("les 8e Rencontres franco-\njaponaises  de   la") == "les 8e Rencontres franco-japonaises de la"
    )


def test_a_table_row_is_content_not_a_heading(tmp_path: Path) -> None:
    document = load_html(
        tmp_path,
        "<html><body><h2>Programme</h2><table><tr><th>Session</th><th>Intervenant</th></tr>"
        "<tr><td>1</td><td>Cerema</td></tr></table><p>Suite du texte.</p></body></html>",
    )
    units = [(u.kind, document.text[u.start : u.end], u.heading_path) for u in segment_document(document)]
    assert ("sentence", "1 | Cerema", ("Programme",)) in units
    assert ("sentence", "Suite du texte.", ("Programme",)) in units


def test_a_numbered_item_is_one_sentence_with_its_marker() -> None:
    text = (
        "Elles ont convenu des démarches suivantes :\n\n1. Chaque ville agira. Elle partagera.\n\n"
        "Fin. 2. Chaque ville aidera."
    )
    block = text.index("1.")
    said = [text[s.start : s.end] for s in split_sentences(text, block)]
    assert said == ["1. Chaque ville agira.", "Elle partagera.", "Fin.", "2. Chaque ville aidera."]


def test_a_heading_right_after_another_is_a_heading_and_names_the_text_below_it(tmp_path: Path) -> None:
    prose = "Les collectivités des deux pays ont échangé sur leurs politiques locales pendant trois jours."
    path = tmp_path / "ateliers.txt"
    path.write_text(
        f"{prose}\n{prose}\n{prose}\nDes ateliers alignés sur les objectifs de développement durable (ODD)\nÉconomie\n"
        f"- Attractivité territoriale :\n{prose}\nSociété\n- Inclusive et solidaire :\n{prose}\n",
        encoding="utf-8",
    )
    document = load_document(path)
    units = [(u.kind, document.text[u.start : u.end], u.heading_path) for u in segment_document(document)]
    headings = [text for kind, text, _ in units if kind == "heading"]
    assert headings == ["Des ateliers alignés sur les objectifs de développement durable (ODD)", "Économie", "Société"]
    (item,) = [path for _, text, path in units if text.startswith("- Attractivité")]
    assert item[-1] == "Économie"
