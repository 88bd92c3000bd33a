"""The Gradio app: a thin shell over an Engine (chat, 민원 답변 초안, 담당자 찾기, the source viewer, the API)."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant import cards
from assistant.answer import Answer, Citation
from assistant.draft import Draft, answer_letter, build_draft
from assistant.export import export
from assistant.facts import fact_rows
from assistant.filters import Filters
from assistant.inputs import BadInput, clean_dates, clean_history, clean_letter, clean_question
from assistant.live import Live, NotReady
from assistant.uitext import CSS, EXAMPLES, HEAD, INTRO, LETTER_EXAMPLE, contacts_table
from assistant.viewer import SourceFiles
from core import store

if TYPE_CHECKING:
    import gradio as gr

    from assistant.engine import Engine

ALL = "전체"
QUEUE_SIZE = 256  # requests waiting beyond this are refused with a "busy" message instead of piling up
CONCURRENCY = 4  # answers computed at once; chosen from a 50-user sweep of 1, 2, 4, 8 (README: Load)


class Shell:
    """What the event handlers share: the (live) engine, the allow-listed source files and the feedback store."""

    def __init__(self, live: Live, root: Path) -> None:
        self.live = live
        settings = live.settings
        self.db = store.connect(Path(settings.index_dir), create=True)  # the viewer's and the feedback's own connection
        self.root = root
        self._files = SourceFiles(self.db, root, Path(settings.corpus_dir))
        self._files_of: object = live.current
        self.publishers = store.publishers(self.db)
        self.lock = threading.Lock()
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

    def ask(self, question: Any, history: Any, filters: Filters) -> Answer:
        """The engine's answer to a checked question and history."""
        return self.engine.ask(clean_question(question), history=clean_history(history), filters=filters)

    def rate(self, kind: str, rating: int, question: str, answer: str, citations: tuple[Citation, ...]) -> int:
        """Store a 👍 (1) or 👎 (-1); return its id."""
        import datetime as dt
        from dataclasses import asdict

        at = dt.datetime.now().isoformat(timespec="seconds")
        with self.lock:
            return store.add_feedback(self.db, at, kind, rating, "", question, answer, [asdict(c) for c in citations])

    def comment(self, feedback_id: int, text: str) -> bool:
        """Attach a comment to a rating."""
        with self.lock:
            return store.set_feedback_comment(self.db, feedback_id, text.strip()[:2000])

    def draft_files(self, draft: Draft, text: str) -> list[str]:
        """The (edited) draft as .txt, .docx and .hwpx files in a fresh directory."""
        folder = Path(tempfile.mkdtemp(dir=self.out_dir))
        return [str(export(draft, fmt, folder / f"민원답변초안.{fmt}", text)) for fmt in ("txt", "docx", "hwpx")]


def history_of(answers: list[Answer]) -> list[dict[str, str]]:
    """The conversation so far as role/content turns (the assistant's own answer text)."""
    out: list[dict[str, str]] = []
    for a in answers:
        out += [{"role": "user", "content": a.question}, {"role": "assistant", "content": a.answer}]
    return out


def chat_messages(answers: list[Answer]) -> list[dict[str, str]]:
    """The chatbot's messages: each question, and each answer with its own cards."""
    out: list[dict[str, str]] = []
    for i, a in enumerate(answers):
        out += [{"role": "user", "content": cards.inert(a.question)},
                {"role": "assistant", "content": cards.message_html(a, f"m{i}")}]
    return out


def api_result(shell: Shell, question: Any, history: Any, publisher: Any, since: Any, until: Any) -> dict[str, Any]:
    """The `ask` endpoint's work: the JSON contract, or the same shape with "error" for bad input."""
    try:
        filters = shell.filters(str(publisher or ""), str(since or ""), str(until or ""))
        return shell.ask(question, history, filters).to_dict()
    except BadInput as exc:
        text = question if isinstance(question, str) else ""
        return {"question": text[:200], "answer": str(exc), "answerable": False, "citations": [], "parts": [],
                "error": str(exc)}


def build_app(engine: Engine | Live, root: Path | None = None) -> gr.Blocks:
    """The chat, the draft tab, the contact finder and the `ask` API over engine (a Live one while the
    corpus is indexed beside it); no retrieval logic here."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    live = engine if isinstance(engine, Live) else Live.fixed(engine)
    shell = Shell(live, root or Path.cwd())

    def respond(message: str, answers: list[Answer], publisher: str, since: str, until: str,
                progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 (Gradio's idiom)
        try:
            progress(0.2, desc="문서를 찾는 중…")
            answer = shell.ask(message, history_of(answers), shell.filters(publisher, since, until))
        except BadInput as exc:
            return gr.skip(), gr.skip(), gr.skip(), cards.notice_html(str(exc))
        answers = [*answers, answer]
        return chat_messages(answers), answers, "", ""

    def open_source(request: str, answers: list[Answer], draft: Draft | None) -> tuple[Any, ...]:
        key, _, n = (request or "").partition(":")
        cites: tuple[Citation, ...] = ()
        if key == "d" and draft is not None:
            cites = draft.references
        elif key.startswith("m") and key[1:].isdigit() and int(key[1:]) < len(answers):
            cites = answers[int(key[1:])].citations
        c = next((c for c in cites if str(c.n) == n), None)
        if c is None:
            return cards.notice_html("출처를 찾지 못했습니다."), gr.update(visible=False)
        path = shell.files.file(c.source)
        html = cards.viewer_html(c, shell.files.page_lines(c), path is not None)
        return html, gr.update(value=str(path) if path else None, visible=path is not None,
                               label=f"원본 파일 내려받기 ({c.source.rsplit('/', 1)[-1]})")

    def like(data: gr.LikeData, answers: list[Answer]) -> tuple[Any, ...]:
        index = data.index if isinstance(data.index, int) else data.index[0]
        if not 0 <= index // 2 < len(answers):
            return gr.skip(), 0
        a = answers[index // 2]
        rating = 1 if data.liked in (True, "Like") else -1
        fid = shell.rate("chat", rating, a.resolved or a.question, a.answer, a.citations)
        return f"{'👍' if rating > 0 else '👎'} 평가를 저장했습니다. 의견이 있으면 아래에 적어 주세요.", fid

    like.__annotations__["data"] = gr.LikeData  # Gradio finds event data by its class; annotations here are strings

    def rate_draft(rating: int, draft: Draft | None, text: str) -> tuple[Any, ...]:
        if draft is None:
            return "먼저 초안을 만들어 주세요.", 0
        fid = shell.rate("draft", rating, draft.letter, text, draft.references)
        return f"{'👍' if rating > 0 else '👎'} 평가를 저장했습니다. 의견이 있으면 아래에 적어 주세요.", fid

    def save_comment(fid: int, text: str) -> tuple[Any, ...]:
        if not fid:
            return "먼저 👍 또는 👎를 눌러 주세요.", text
        return ("의견을 저장했습니다. 감사합니다." if shell.comment(fid, text) else "저장하지 못했습니다."), ""

    def make_draft(letter: str, publisher: str, since: str, until: str,
                   progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        try:
            progress(0.2, desc="민원 내용을 나누어 답을 찾는 중…")
            engine = shell.engine
            draft = build_draft(answer_letter(engine, clean_letter(letter), shell.filters(publisher, since, until)),
                                engine.facts)
        except BadInput as exc:
            return gr.skip(), gr.skip(), gr.skip(), cards.notice_html(str(exc))
        return draft, draft.text(), cards.cards(draft.references, "d"), ""

    def draft_files(draft: Draft | None, text: str) -> tuple[Any, ...]:
        if draft is None or not (text or "").strip():
            return gr.update(value=None), gr.update(value=None), gr.update(value=None)
        return tuple(gr.update(value=p) for p in shell.draft_files(draft, text))

    def find_contacts(query: str) -> str:
        try:
            facts = shell.engine.facts
        except BadInput as exc:
            return cards.notice_html(str(exc))
        return contacts_table(fact_rows(facts, "contacts", (query or "").strip()[:200] or None))

    def index_status() -> tuple[Any, ...]:
        st = live.status()
        text = st.banner()
        html = f'<div class="index-banner" role="status">{cards.inert(text)}</div>' if text else ""
        return html, gr.Timer(active=st.indexing)

    def ask_api(question: str, history: list[dict[str, str]] | None = None, publisher: str = "", since: str = "",
                until: str = "") -> dict[str, Any]:
        """Answer a question (history: earlier {"role", "content"} turns) with the JSON contract of `ask --json`."""
        return api_result(shell, question, history, publisher, since, until)

    private: dict[str, Any] = {"api_visibility": "private"}
    with gr.Blocks(title="정책 비서", analytics_enabled=False) as app:
        answers = gr.State([])
        draft_state = gr.State(None)
        fb_id = gr.State(0)
        gr.Markdown(INTRO)
        banner = gr.HTML(elem_id="index-status")
        ticker = gr.Timer(2.0, active=live.status().indexing)
        ticker.tick(index_status, None, [banner, ticker], show_progress="hidden", **private)
        app.load(index_status, None, [banner, ticker], show_progress="hidden", **private)
        with gr.Accordion("검색 범위 (부처·기간)", open=False, elem_id="filters"):
            with gr.Row():
                publisher = gr.Dropdown([ALL, *shell.publishers], value=ALL, label="부처", elem_id="publisher")
                since = gr.Textbox(label="시작일 (YYYY-MM-DD)", elem_id="since", max_lines=1)
                until = gr.Textbox(label="종료일 (YYYY-MM-DD)", elem_id="until", max_lines=1)
        with gr.Tab("질문하기"):
            chat = gr.Chatbot(label="대화", height=520, elem_id="chat", buttons=["copy", "copy_all"],
                              feedback_options=("Like", "Dislike"), allow_tags=False, latex_delimiters=[])
            with gr.Row():
                box = gr.Textbox(label="질문 (Enter: 보내기, Shift+Enter: 줄바꿈)", lines=1, max_lines=12,
                                 placeholder="예: AI 인재 TF 담당 사무관 연락처는?", elem_id="question", scale=5)
                send = gr.Button("질문하기", variant="primary", elem_id="ask", scale=1)
            status = gr.HTML(elem_id="status")
            gr.Examples(EXAMPLES, inputs=box, label="예시 질문")
            with gr.Row(elem_id="feedback"):
                fb_note = gr.Markdown("답변 옆의 👍/👎로 평가해 주세요.", elem_id="feedback-note")
                fb_text = gr.Textbox(label="의견 (선택)", elem_id="feedback-comment", max_lines=3, scale=3)
                fb_send = gr.Button("의견 보내기", elem_id="feedback-send", scale=1)
            inputs = [box, answers, publisher, since, until]
            send.click(respond, inputs, [chat, answers, box, status], **private)
            box.submit(respond, inputs, [chat, answers, box, status], **private)
            chat.like(like, [answers], [fb_note, fb_id], **private)
            fb_send.click(save_comment, [fb_id, fb_text], [fb_note, fb_text], **private)
        with gr.Tab("민원 답변 초안"):
            gr.Markdown("민원인의 글을 붙여 넣으면 질문마다 문서의 문장을 [n] 출처와 함께 인용한 답변 초안을 만듭니다. "
                        "보내기 전에 반드시 읽고 고쳐 주세요.")
            letter = gr.Textbox(label="민원 내용", lines=8, max_lines=30, elem_id="letter", placeholder=LETTER_EXAMPLE)
            make = gr.Button("초안 만들기", variant="primary", elem_id="make-draft")
            draft_status = gr.HTML(elem_id="draft-status")
            draft_text = gr.Textbox(label="답변 초안 (고쳐 쓸 수 있습니다)", lines=18, max_lines=60, interactive=True,
                                    elem_id="draft-text", buttons=["copy"])
            with gr.Row():
                dl = [gr.DownloadButton(f"{fmt} 내려받기", elem_id=f"dl-{fmt}") for fmt in ("txt", "docx", "hwpx")]
            with gr.Row(elem_id="draft-feedback"):
                up = gr.Button("👍", elem_id="draft-up", scale=0)
                down = gr.Button("👎", elem_id="draft-down", scale=0)
                draft_note = gr.Markdown("", elem_id="draft-feedback-note")
                draft_comment = gr.Textbox(label="의견 (선택)", elem_id="draft-comment", max_lines=3, scale=3)
                draft_send = gr.Button("의견 보내기", elem_id="draft-comment-send", scale=1)
            gr.Markdown("### 참고 자료")
            draft_cards = gr.HTML(elem_id="draft-sources")
            make.click(make_draft, [letter, publisher, since, until], [draft_state, draft_text, draft_cards, draft_status],
                       **private)
            draft_text.change(draft_files, [draft_state, draft_text], dl, trigger_mode="always_last",
                              show_progress="hidden", **private)
            up.click(lambda d, t: rate_draft(1, d, t), [draft_state, draft_text], [draft_note, fb_id], **private)
            down.click(lambda d, t: rate_draft(-1, d, t), [draft_state, draft_text], [draft_note, fb_id], **private)
            draft_send.click(save_comment, [fb_id, draft_comment], [draft_note, draft_comment], **private)
        with gr.Tab("담당자 찾기"):
            gr.Markdown("주제, 이름, 부서 또는 전화번호로 문서에 나온 담당자를 찾습니다 (최신 문서부터).")
            query = gr.Textbox(label="검색어", placeholder="예: 소프트웨어정책과, 이하근, 044-202-6321", elem_id="contact-query")
            find = gr.Button("찾기", elem_id="contact-find")
            table = gr.HTML(elem_id="contacts")
            find.click(find_contacts, query, table, **private)
            query.submit(find_contacts, query, table, **private)
        with gr.Group(elem_id="source-viewer"):
            gr.Markdown("### 원문 보기 — 답변의 [n]이나 출처 카드를 누르면 해당 쪽의 전체 본문이 열립니다.")
            viewer = gr.HTML(elem_id="viewer")
            original = gr.DownloadButton("원본 파일 내려받기", visible=False, elem_id="viewer-file")
        bridge = gr.Textbox(visible="hidden", elem_id="viewer-request")
        bridge_go = gr.Button("open", visible="hidden", elem_id="viewer-open")
        bridge_go.click(open_source, [bridge, answers, draft_state], [viewer, original], **private)
        gr.api(ask_api, api_name="ask")
    return app


def serve(engine: Engine | Live, host: str, port: int, auth: Any = None, concurrency: int = CONCURRENCY) -> None:
    """Launch on host:port: no share link, no analytics, system fonts only (no remote assets)."""
    import gradio as gr

    app = build_app(engine)
    theme = gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    app.queue(default_concurrency_limit=concurrency, max_size=QUEUE_SIZE).launch(
        server_name=host, server_port=port, share=False, show_error=False, quiet=True, theme=theme, css=CSS,
        head=HEAD, footer_links=["api"], ssr_mode=False, auth=auth, auth_message="정책 비서 — 로그인해 주세요.",
    )
