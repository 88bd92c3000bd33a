"""What the chat's event handlers share and do, without Gradio: the (live) engine, the allow-listed source
files, the feedback store, and the conversation as the page shows it."""

from __future__ import annotations

import datetime as dt
import queue
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant import cards
from assistant.answer import Answer, Citation, Written
from assistant.draft import Draft
from assistant.export import export
from assistant.filters import Filters, ministries
from assistant.inputs import BadInput, clean_dates, clean_history, clean_question
from assistant.live import Live, NotReady
from assistant.viewer import SourceFiles
from core import store

if TYPE_CHECKING:
    from assistant.engine import Engine

ALL = "전체"
# What a 👎 can say, beside the free comment (the chat's flag menu offers them; stored with the rating).
REASONS = ("틀린 내용", "잘못된 출처", "답이 없음", "기타")


@dataclass
class Conversation:
    """One conversation of the chat: its answers, and the feedback given to each (answer index -> note)."""

    answers: list[Answer] = field(default_factory=list)
    # answer index -> (feedback id, its rating, the note shown under the answer)
    rated: dict[int, tuple[int, int, str]] = field(default_factory=dict)

    def answer_at(self, key: str) -> Answer | None:
        """The answer a page key names ("m3": the fourth answer), None for any other key."""
        if key.startswith("m") and key[1:].isdigit() and int(key[1:]) < len(self.answers):
            return self.answers[int(key[1:])]
        return None

    def history(self) -> list[dict[str, str]]:
        """The conversation so far as role/content turns (the assistant's own answer text)."""
        out: list[dict[str, str]] = []
        for a in self.answers:
            out += [{"role": "user", "content": a.question}, {"role": "assistant", "content": a.answer}]
        return out

    def messages(self) -> list[dict[str, str]]:
        """The chatbot's messages: each question, and each answer with its own cards and feedback note."""
        out: list[dict[str, str]] = []
        for i, a in enumerate(self.answers):
            note = self.rated.get(i, (0, 0, ""))[2]
            out += [{"role": "user", "content": cards.inert(a.question)},
                    {"role": "assistant", "content": cards.message_html(a, f"m{i}", note)}]
        return out


class Shell:
    """What the event handlers share: the (live) engine, the allow-listed source files and the feedback store."""

    def __init__(self, live: Live, root: Path) -> None:
        self.live = live
        settings = live.settings
        self.db = store.connect(Path(settings.index_dir), create=True)  # the viewer's and the feedback's own connection
        self.root = root
        self._files = SourceFiles(self.db, root, Path(settings.corpus_dir))
        self._files_of: object = live.current
        self.publishers = ministries(store.publishers(self.db))
        self.lock = threading.Lock()
        self.reasons: dict[int, str] = {}  # feedback id -> the 👎 reason it was given (a comment keeps it)
        self.out_dir = Path(tempfile.mkdtemp(prefix="policy-drafts-"))

    @property
    def files(self) -> SourceFiles:
        """The viewer's allow-list, read again once the engine was rebuilt over more documents."""
        current = self.live.current
        if current is not self._files_of:
            with self.lock:
                self._files = SourceFiles(self.db, self.root, Path(self.live.settings.corpus_dir))
                self._files_of = current
        return self._files

    @property
    def engine(self) -> Engine:
        """The engine over what is indexed now (BadInput while nothing is: the page says why)."""
        try:
            return self.live.engine
        except NotReady as exc:
            raise BadInput(str(exc)) from None

    def filters(self, publisher: str, since: str, until: str) -> Filters:
        """The chosen filter (BadInput for a malformed date)."""
        since, until = clean_dates(since, until)
        return Filters("" if publisher in ("", ALL, None) else publisher, since, until)

    def ask(self, question: Any, history: Any, filters: Filters, on_stream: Any = None) -> Answer:
        """The engine's answer to a checked question and history (on_stream: a generated answer as it streams)."""
        return self.engine.ask(clean_question(question), history=clean_history(history), filters=filters,
                               on_stream=on_stream)

    def generates(self) -> bool:
        """The engine writes answers with an LLM (llm_mode generate): the chat streams them."""
        try:
            return self.engine.generator is not None
        except (NotReady, BadInput):  # no engine yet (the first documents are being indexed)
            return False

    def rate(self, kind: str, rating: int, question: str, answer: str, citations: tuple[Citation, ...],
             comment: str = "") -> int:
        """Store a 👍 (1) or 👎 (-1), with an optional reason or comment; return its id."""
        at = dt.datetime.now().isoformat(timespec="seconds")
        with self.lock:
            return store.add_feedback(self.db, at, kind, rating, comment, question, answer,
                                      [asdict(c) for c in citations])

    def rate_answer(self, talk: Conversation, index: int, liked: bool | str) -> str:
        """A 👍, 👎 or reason given to the index-th answer of talk; returns the note shown under that answer.
        A reason after a 👎 goes with that 👎, not into a second rating."""
        a = talk.answers[index]
        fid, before, _ = talk.rated.get(index, (0, 0, ""))
        if isinstance(liked, str) and liked in REASONS:
            rating = -1
            if fid and before < 0 and self.comment(fid, "", f"[{liked}]"):
                note = f"👎 평가와 사유({liked})를 저장했습니다."
            else:  # a reason alone, or after a 👍: a 👎 of its own
                fid = self.rate("chat", -1, a.resolved or a.question, a.answer, a.citations, f"[{liked}]")
                self.reasons[fid] = f"[{liked}]"
                note = f"👎 사유({liked})를 저장했습니다."
        else:
            rating = 1 if liked in (True, "Like") else -1
            fid = self.rate("chat", rating, a.resolved or a.question, a.answer, a.citations)
            note = "👍 평가를 저장했습니다." if rating > 0 else "👎 평가를 저장했습니다. ⚑ 메뉴에서 사유를 골라 주세요."
        talk.rated[index] = (fid, rating, note)
        return note

    def comment(self, feedback_id: int, text: str, reason: str = "") -> bool:
        """Attach a comment to a rating, after the reason it was given ("[틀린 내용] 숫자가 다릅니다")."""
        with self.lock:
            if reason:
                self.reasons[feedback_id] = reason
            said = f"{self.reasons.get(feedback_id, '')} {text.strip()[:2000]}".strip()
            return store.set_feedback_comment(self.db, feedback_id, said)

    def draft_files(self, draft: Draft, text: str) -> list[str]:
        """The (edited) draft as .txt, .docx and .hwpx files in a fresh directory."""
        folder = Path(tempfile.mkdtemp(dir=self.out_dir))
        return [str(export(draft, fmt, folder / f"민원답변초안.{fmt}", text)) for fmt in ("txt", "docx", "hwpx")]


def api_result(shell: Shell, question: Any, history: Any, publisher: Any, since: Any, until: Any) -> dict[str, Any]:
    """The `ask` endpoint's work: the JSON contract, or the same shape with "error" for bad input."""
    try:
        filters = shell.filters(str(publisher or ""), str(since or ""), str(until or ""))
        return shell.ask(question, history, filters).to_dict()
    except BadInput as exc:
        text = question if isinstance(question, str) else ""
        return {"question": text[:200], "answer": str(exc), "answerable": False, "citations": [], "parts": [],
                "error": str(exc)}


def streamed(shell: Shell, message: str, history: Any, filters: Filters,
             every: float = 0.15) -> Iterator[tuple[list[Written], Answer | None]]:
    """Each generated part so far (its sentences checked as they complete), at most every `every` seconds,
    while the engine answers in a thread; then the checked answer. An error of the engine is raised here."""
    events: queue.Queue[Written | None] = queue.Queue()
    done: dict[str, Any] = {}

    def work() -> None:
        try:
            done["answer"] = shell.ask(message, history, filters, on_stream=events.put)
        except BaseException as exc:  # re-raised in the handler's thread
            done["error"] = exc
        finally:
            events.put(None)

    threading.Thread(target=work, daemon=True, name="answer").start()
    parts: dict[int, Written] = {}
    shown = time.monotonic()
    while (event := events.get()) is not None:
        parts[event.part] = event
        if time.monotonic() - shown >= every:
            shown = time.monotonic()
            yield [parts[k] for k in sorted(parts)], None
    if "error" in done:
        raise done["error"]
    yield [parts[k] for k in sorted(parts)], done["answer"]
