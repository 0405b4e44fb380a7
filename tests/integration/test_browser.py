"""The real app, real models, in headless Chromium: ask, see a cited answer, follow a citation, upload, find, delete."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.feedback import FeedbackStore
from assistant.pipeline import Assistant
from ui.app import build_app, launch_options

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Keep Chromium off the network: tests run offline, and it must not try to reach one.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def app_url(real_assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    feedback = FeedbackStore(tmp_path_factory.mktemp("feedback") / "feedback.sqlite3")
    app = build_app(real_assistant, feedback=feedback)
    app.queue(default_concurrency_limit=4, max_size=32)
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, share=False, **launch_options())
    yield f"http://127.0.0.1:{port}"
    app.close()


@pytest.fixture(scope="module")
def page(app_url: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `apt-get install chromium` (make test does it).")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app_url, wait_until="domcontentloaded")
        page.wait_for_selector("#question textarea", timeout=60_000)
        yield page
        browser.close()


def ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    """Ask in the UI and wait until the checked answer to this very question is in the sources panel."""
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    page.wait_for_function(
        "q => [...document.querySelectorAll('#sources .answer-panel')].some(p => p.dataset.question === q)",
        arg=question,
        timeout=180_000,
    )


def test_ask_see_a_cited_answer_and_follow_a_citation(page) -> None:  # type: ignore[no-untyped-def]
    ask(page, "When was CLAIR Paris created?")
    page.screenshot(path=str(ARTIFACTS / "1-answer.png"), full_page=True)
    panel = page.locator("#sources .answer-panel")
    assert "found in the quoted sources" in panel.inner_text() or "retrouvés dans les sources" in panel.inner_text()
    assert "1990" in page.locator("#chat").inner_text()
    marker = page.locator("#sources a.cite").first
    marker.click()
    assert page.evaluate("location.hash") == "#t0-src-1"
    source = page.locator("#t0-src-1")
    assert "1990" in source.locator("mark").first.inner_text()
    source.locator("a[href='#t0-doc-1']").click()
    assert page.locator("#t0-doc-1").is_visible()  # the document opened, scrolled to the quote
    page.screenshot(path=str(ARTIFACTS / "2-citation.png"), full_page=True)
    page.locator("#chat a.copy-clean").last.click()  # copies plain text with its references, no HTML
    copied = page.wait_for_function("window.__copied", timeout=10_000).json_value()  # the handler is async
    assert "1990" in copied and "[1] " in copied and "<a" not in copied and "href" not in copied


def test_a_question_the_documents_cannot_answer_is_refused(page) -> None:  # type: ignore[no-untyped-def]
    ask(page, "Où auront lieu les 9es Rencontres en 2026 ?")
    assert "refused" in (page.locator("#sources .answer-panel").first.get_attribute("class") or "")  # latest first
    assert "2026" not in page.locator("#chat .message").last.inner_text().replace("2026 ?", "")
    page.locator("#chat a.cite").first.click()  # [1] of the first answer, not of the latest
    assert page.evaluate("location.hash") == "#t0-src-1"
    assert "1990" in page.locator("#t0-src-1").inner_text()


def test_on_a_phone_the_sources_follow_the_answer(page) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "4-phone.png"), full_page=True)
        chat, sources, tools = (page.locator(s).bounding_box() for s in ("#chat", "#sources", "#chat-tools"))
        assert chat and sources and tools
        assert chat["y"] + chat["height"] <= sources["y"] <= tools["y"]  # answer, its sources, then the rest
        title = page.locator("#title h2")
        assert title.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # no word runs off the screen
    finally:
        page.set_viewport_size({"width": 1400, "height": 1000})


@contextmanager
def interface(page, name: str, sign: str) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The page in the interface language ``name``, once ``sign`` shows; French and its questions tab after
    (the tab's name is looked up in French)."""
    page.get_by_label(name).check()
    try:
        page.wait_for_function("t => document.body.innerText.includes(t)", arg=sign, timeout=30_000)
        yield
    finally:
        page.get_by_label("Français").check()
        page.get_by_role("tab", name="Questions").click()
        page.wait_for_function("document.body.innerText.includes('Exemples')", timeout=30_000)


def test_the_japanese_interface_shows_no_french_or_english_chrome(page) -> None:  # type: ignore[no-untyped-def]
    with interface(page, "日本語", "質問の例"):
        page.screenshot(path=str(ARTIFACTS / "5-japanese.png"), full_page=True)
        chrome = page.locator("#header").inner_text() + page.locator("#chat-tools").inner_text()
        for word in ("Exemples", "Examples", "Filtres", "Filters", "Nouvelle conversation", "New conversation"):
            assert word not in chrome


def test_the_english_interface_shows_no_french_chrome(page) -> None:  # type: ignore[no-untyped-def]
    with interface(page, "English", "Examples"):
        page.screenshot(path=str(ARTIFACTS / "6-english.png"), full_page=True)
        chrome = page.locator("#header").inner_text() + page.locator("#chat-tools").inner_text()
        shown = page.locator("#chat").inner_text() + page.locator("#sources").inner_text()
        french = ("Exemples", "Filtres", "Nouvelle conversation", "Envoyer", "Exporter", "Copier")
        french += ("retrouvés dans les sources",)
        for word in (*french, "Pas de réponse dans les documents", "Voir dans le document"):
            assert word not in chrome + shown
        assert "Copy" in shown and "found in the quoted sources" in shown
        page.get_by_role("tab", name="Documents").click()
        page.wait_for_function("document.querySelector('#documents').innerText.includes('Title')", timeout=30_000)
        documents = page.locator("#documents").inner_text() + page.locator("#delete-choice").inner_text()
        page.screenshot(path=str(ARTIFACTS / "7-english-documents.png"), full_page=True)
        assert "Titre" not in documents and "Supprimer" not in documents


def test_gradios_own_words_follow_the_interface_language(page) -> None:  # type: ignore[no-untyped-def]
    """The upload box is Gradio's, worded in the browser's language (English here) until the interface
    language is applied to it; Gradio's busy message is English whatever the language, and is reworded."""

    def busy_message() -> str:  # as Gradio shows it when the queue is full
        return str(
            page.evaluate(
                """async () => {
                    const toast = document.createElement("div");
                    toast.textContent = "This application is currently busy. Please try again. ";
                    document.body.appendChild(toast);
                    await new Promise((done) => setTimeout(done, 100));
                    const said = toast.textContent; toast.remove(); return said;
                }"""
            )
        )

    page.wait_for_function("document.documentElement.dataset.gradioLocale === 'fr'", timeout=30_000)
    page.get_by_role("tab", name="Documents").click()
    page.wait_for_function("document.querySelector('#upload')?.innerText.includes('Déposez')", timeout=30_000)
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert "Drop" not in page.locator("#upload").inner_text()
    assert "réessayez" in busy_message()
    page.get_by_role("tab", name="Questions").click()  # where `interface` looks for its sign
    with interface(page, "English", "Examples"):
        page.get_by_role("tab", name="Documents").click()
        page.wait_for_function("document.querySelector('#upload')?.innerText.includes('Drop File')", timeout=30_000)
        assert "try again" in busy_message() and page.evaluate("document.documentElement.lang") == "en"
        page.get_by_role("tab", name="Questions").click()
    with interface(page, "日本語", "質問の例"):
        page.get_by_role("tab", name="資料一覧").click()
        page.wait_for_function("document.querySelector('#upload')?.innerText.includes('ドロップ')", timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "8-japanese-documents.png"), full_page=True)
        assert "お試しください" in busy_message()


def test_the_conversation_survives_a_reload_and_exports(page) -> None:  # type: ignore[no-untyped-def]
    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector("#chat", timeout=60_000)
    page.wait_for_function("document.querySelector('#chat').innerText.includes('CLAIR Paris')", timeout=60_000)
    assert page.locator("#t0-src-1").count() == 1  # the sources came back with the answers
    with page.expect_download() as download:
        page.locator("#export").click()
    path = download.value.path()
    text = Path(path).read_text(encoding="utf-8")
    assert download.value.suggested_filename.endswith(".md") and "CLAIR Paris" in text and "[1] *" in text


def test_the_onboarding_brief_shows_the_cited_timeline_and_downloads(page) -> None:  # type: ignore[no-untyped-def]
    from docx import Document as Word

    page.get_by_role("tab", name="Accueil des nouveaux").click()
    page.locator("#brief-build").click()
    # Built by the brief test of the same run (tests run in file order, browser last): read from the cache,
    # as the app reads a brief built earlier; a first brief takes minutes on a 2-core CPU.
    page.wait_for_selector("#timeline", timeout=900_000)
    page.wait_for_selector("#brief-chart img", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "9-onboarding.png"), full_page=True)
    years = page.locator("#timeline tr td:nth-child(2)").all_inner_texts()
    assert years == ["2008", "2010", "2012", "2014", "2016", "2018", "2022", "2024"]
    first = page.locator("#timeline a.cite").first
    target = first.get_attribute("href")
    assert target and page.locator(target).count() == 1  # [n] opens a source that is on the page
    with page.expect_download() as download:
        page.locator("#brief-docx").click()
    doc = Word(download.value.path())
    assert "Takamatsu" in [c.text for row in doc.tables[0].rows for c in row.cells]


def test_upload_a_document_then_find_it_then_delete_it(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    note = tmp_path / "jumelage-tsukuba.md"
    note.write_text(
        '# Jumelage <img src=x onerror="window.pwned = 1"> Grenoble–Tsukuba\n\n'
        "Le jumelage entre Grenoble et Tsukuba a été signé en 1999 pour la recherche scientifique.\n",
        encoding="utf-8",
    )
    page.get_by_role("tab", name="Documents").click()
    page.locator("#upload input[type=file]").set_input_files(str(note))
    page.locator("#add").click()
    page.wait_for_function("document.querySelector('#doc-status').innerText.includes('✅')", timeout=180_000)
    page.wait_for_function(  # the table refreshes right after the status
        "document.querySelector('#documents').innerText.includes('jumelage-tsukuba.md')", timeout=60_000
    )
    page.screenshot(path=str(ARTIFACTS / "3-documents.png"), full_page=True)
    # the title's markup shows as text in the status and the table, and never runs
    assert '<img src=x onerror="window.pwned = 1">' in page.locator("#documents").inner_text()
    assert "onerror" in page.locator("#doc-status").inner_text()
    assert page.evaluate("window.pwned") is None
    page.reload(wait_until="domcontentloaded")  # a fresh page (or another user) sees the upload too
    page.get_by_role("tab", name="Documents").click()
    page.wait_for_function(
        "document.querySelector('#documents').innerText.includes('jumelage-tsukuba.md')", timeout=60_000
    )

    page.get_by_role("tab", name="Questions").click()
    ask(page, "Quand le jumelage entre Grenoble et Tsukuba a-t-il été signé ?")
    assert "Tsukuba" in page.locator("#sources").inner_text()

    page.get_by_role("tab", name="Documents").click()
    page.locator("#delete-choice input").click()
    page.get_by_role("option", name="jumelage-tsukuba.md", exact=False).first.click()
    page.locator("#delete").click()
    page.wait_for_function("document.querySelector('#doc-status').innerText.includes('Supprimer')", timeout=30_000)
    page.locator("#confirm").click()
    page.wait_for_function(
        "!document.querySelector('#documents').innerText.includes('jumelage-tsukuba.md')", timeout=180_000
    )


@pytest.mark.exhaustive
def test_a_speech_is_drafted_with_footnotes_and_downloaded_as_word(page) -> None:  # type: ignore[no-untyped-def]
    from docx import Document as Word

    page.get_by_role("tab", name="Discours").click()
    page.locator("#speech-purpose textarea").fill("notre coopération avec les collectivités japonaises")
    page.locator("#speech-write").click()
    page.wait_for_selector("#speech a.cite", timeout=600_000)
    page.screenshot(path=str(ARTIFACTS / "8-speech.png"), full_page=True)
    assert page.locator("#speech").inner_text().startswith(("Durée", "Duration"))
    with page.expect_download() as download:
        page.locator("#speech-docx").click()
    text = "\n".join(p.text for p in Word(download.value.path()).paragraphs)
    assert "Projet de discours" in text and "[1] «" in text


def test_the_ask_endpoint_answers_like_the_cli(app_url: str) -> None:
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    data = client.predict("Où auront lieu les 9es Rencontres en 2026 ?", api_name="/ask")
    assert data["refused"] is True and data["citations"] == []
    assert set(data["timings_ms"]) == {"retrieval", "first_token", "total"}


def test_a_document_the_cli_adds_beside_the_app_is_listed_on_the_apps_next_page_load(  # type: ignore[no-untyped-def]
    page, real_assistant: Assistant, tmp_path: Path
) -> None:
    s = real_assistant.settings
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(s.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(s.index_dir),
        "ASSISTANT_DATA_DIR": str(s.data_dir),
        "ASSISTANT_MODELS_DIR": str(s.models_dir),
        "ASSISTANT_APP_URL": "",
    }
    cli = [sys.executable, "-m", "assistant.cli"]
    note = tmp_path / "note-cli-kochi.md"
    note.write_text("# Note Kochi\n\nLa ville de Kochi a présenté un atelier sur le bois en 2025.\n", encoding="utf-8")
    added = subprocess.run([*cli, "add", str(note)], env=env, capture_output=True, text=True, timeout=600)
    assert added.returncode == 0, added.stderr
    try:
        page.reload(wait_until="domcontentloaded")
        page.get_by_role("tab", name="Documents").click()
        page.wait_for_function(
            "document.querySelector('#documents').innerText.includes('note-cli-kochi.md')", timeout=60_000
        )
        page.screenshot(path=str(ARTIFACTS / "9-added-by-the-cli.png"), full_page=True)
    finally:
        removed = subprocess.run([*cli, "remove", "note-cli-kochi.md"], env=env, capture_output=True, timeout=600)
        assert removed.returncode == 0, removed.stderr
