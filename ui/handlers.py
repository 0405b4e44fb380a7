"""Everything the app does, as plain functions over the engine: callable in tests without a browser.

One class per feature (``ui.chat``, ``ui.documents``, ``ui.drafts``); :class:`Handlers` is all of them
over one engine and one feedback store. Every message is in the interface's language (`ui.texts`);
lists of documents are read from the index each time they are shown, so a reload or a second user
sees what was added or removed since start-up.
"""

from __future__ import annotations

from assistant.feedback import FeedbackStore
from assistant.pipeline import Assistant
from ui.chat import ChatHandlers
from ui.documents import DocumentHandlers
from ui.drafts import DraftHandlers


class Handlers(ChatHandlers, DocumentHandlers, DraftHandlers):
    def __init__(self, assistant: Assistant, feedback: FeedbackStore) -> None:
        self.assistant = assistant
        self.feedback = feedback
