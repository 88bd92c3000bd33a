"""The Gradio app: a thin shell over an Engine (chat, 민원 답변 초안, 담당자 찾기, the source viewer, the API)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant import cards
from assistant.answer import Answer, Citation
from assistant.draft import Draft, answer_letter, build_draft
from assistant.facts import fact_rows
from assistant.inputs import BadInput, clean_letter
from assistant.live import Live
from assistant.shell import ALL, REASONS, Conversation, Shell, api_result, streamed
from assistant.uitext import CSS, EXAMPLES, HEAD, INTRO, LETTER_EXAMPLE, SHOW_COMMENT, contacts_table

if TYPE_CHECKING:
    import gradio as gr

    from assistant.engine import Engine

COMMENT_LABEL = "의견 (선택) — 👍/👎를 누른 답변에 붙습니다"
QUEUE_SIZE = 256  # requests waiting beyond this are refused with a "busy" message instead of piling up
CONCURRENCY = 4  # answers computed at once; chosen from a 50-user sweep of 1, 2, 4, 8 (README: Load)


def build_app(engine: Engine | Live, root: Path | None = None) -> gr.Blocks:
    """The chat, the draft tab, the contact finder and the `ask` API over engine (a Live one while the
    corpus is indexed beside it); no retrieval logic here."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    live = engine if isinstance(engine, Live) else Live.fixed(engine)
    shell = Shell(live, root or Path.cwd())

    def respond(message: str, talk: Conversation, publisher: str, since: str, until: str,
                progress: gr.Progress = gr.Progress()) -> Iterator[tuple[Any, ...]]:  # noqa: B008 (Gradio's idiom)
        yield from _answer(message, talk, publisher, since, until, talk.history(), progress)

    def _answer(message: str, talk: Conversation, publisher: str, since: str, until: str,
                history: list[dict[str, str]], progress: Any) -> Iterator[tuple[Any, ...]]:
        try:
            filters = shell.filters(publisher, since, until)
        except BadInput as exc:
            yield gr.skip(), gr.skip(), gr.skip(), "", cards.notice_html(str(exc)), gr.update(open=True)
            return
        try:
            progress(0.2, desc="문서를 찾는 중…")
            answer: Answer | None = None
            if shell.generates():  # the LLM's text as it comes, each sentence checked, then the checked answer
                before = [*talk.messages(), {"role": "user", "content": cards.inert(message)}]
                for written, answer in streamed(shell, message, history, filters):
                    if answer is None:
                        yield ([*before, {"role": "assistant", "content": cards.streaming_html(written)}],
                               gr.skip(), gr.skip(), "", "", gr.skip())
            else:
                answer = shell.ask(message, history, filters)
        except BadInput as exc:
            yield talk.messages(), gr.skip(), gr.skip(), cards.notice_html(str(exc)), "", gr.skip()
            return
        if answer is None:
            return
        talk = Conversation([*talk.answers, answer], dict(talk.rated))
        yield talk.messages(), talk, "", "", "", gr.skip()

    def reask(request: str, talk: Conversation, publisher: str, since: str, until: str,
              progress: gr.Progress = gr.Progress()) -> Iterator[tuple[Any, ...]]:  # noqa: B008
        """The message of answer m<i> asked again as typed, without the conversation before it."""
        again = talk.answer_at((request or "").strip())
        if again is None:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        yield from _answer(again.question, talk, publisher, since, until, [], progress)

    def new_conversation() -> tuple[Any, ...]:
        return [], Conversation(), "", "", "", 0, gr.update(label=COMMENT_LABEL, value=""), gr.update(visible=False)

    def open_source(request: str, talk: Conversation, draft: Draft | None) -> tuple[Any, ...]:
        key, _, n = (request or "").partition(":")
        cites: tuple[Citation, ...] = ()
        if key == "d" and draft is not None:
            cites = draft.references
        elif (cited := talk.answer_at(key)) is not None:
            cites = cited.citations
        c = next((c for c in cites if str(c.n) == n), None)
        if c is None:
            return cards.notice_html("출처를 찾지 못했습니다."), gr.update(visible=False)
        path = shell.files.file(c.source)
        html = cards.viewer_html(c, shell.files.page_lines(c), path is not None)
        return html, gr.update(value=str(path) if path else None, visible=path is not None,
                               label=f"원본 파일 내려받기 ({c.source.rsplit('/', 1)[-1]})")

    def like(data: gr.LikeData, talk: Conversation) -> tuple[Any, ...]:
        index = (data.index if isinstance(data.index, int) else data.index[0]) // 2
        if not 0 <= index < len(talk.answers):
            return gr.skip(), gr.skip(), 0, gr.skip(), gr.skip()
        talk = Conversation(list(talk.answers), dict(talk.rated))
        shell.rate_answer(talk, index, data.liked)
        question = talk.answers[index].question
        label = f"의견 (선택) — {index + 1}번째 답변 「{question[:40]}{'…' if len(question) > 40 else ''}」에 붙습니다"
        return talk.messages(), talk, talk.rated[index][0], gr.update(label=label), gr.update(visible=True)

    like.__annotations__["data"] = gr.LikeData  # Gradio finds event data by its class; annotations here are strings

    def rate_draft(rating: int, draft: Draft | None, text: str) -> tuple[Any, ...]:
        if draft is None:
            return "먼저 초안을 만들어 주세요.", 0
        fid = shell.rate("draft", rating, draft.letter, text, draft.references)
        return f"{'👍' if rating > 0 else '👎'} 평가를 저장했습니다. 의견이 있으면 아래에 적어 주세요.", fid

    def save_comment(fid: int, text: str) -> tuple[Any, ...]:
        if not fid:
            return "먼저 답변의 👍 또는 👎를 눌러 주세요.", text
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

    def filter_chip(publisher: str, since: str, until: str) -> tuple[Any, ...]:
        """The chip above the chat while a filter is on, and the filter's own warning for a bad date."""
        try:
            f = shell.filters(publisher, since, until)
        except BadInput as exc:
            return "", cards.notice_html(str(exc))
        if not f.active:
            return "", ""
        dates = f"{f.since or '…'} ~ {f.until or '…'}" if (f.since or f.until) else ""
        text = " · ".join(x for x in (f.publisher, dates) if x)
        return f'<div class="filter-chip" role="status">🔎 필터 적용 중: {cards.inert(text)}</div>', ""

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
        talk = gr.State(Conversation())
        draft_state = gr.State(None)
        fb_id = gr.State(0)
        gr.Markdown(INTRO)
        banner = gr.HTML(elem_id="index-status")
        ticker = gr.Timer(2.0, active=live.status().indexing)
        ticker.tick(index_status, None, [banner, ticker], show_progress="hidden", **private)
        app.load(index_status, None, [banner, ticker], show_progress="hidden", **private)
        filter_note = gr.HTML(elem_id="filter-chip")
        with gr.Accordion("검색 범위 (부처·기간)", open=False, elem_id="filters") as panel:
            with gr.Row():
                publisher = gr.Dropdown([ALL, *shell.publishers], value=ALL, label="부처", elem_id="publisher")
                since = gr.Textbox(label="시작일", placeholder="YYYY-MM-DD (예: 2025-09-30)", elem_id="since",
                                   max_lines=1)
                until = gr.Textbox(label="종료일", placeholder="YYYY-MM-DD (예: 2026-06-30)", elem_id="until",
                                   max_lines=1)
            filter_status = gr.HTML(elem_id="filter-status")
        with gr.Tab("질문하기"):
            chat = gr.Chatbot(label="대화", height=520, elem_id="chat", buttons=["copy", "copy_all"],
                              feedback_options=("Like", "Dislike", *REASONS), allow_tags=False, latex_delimiters=[],
                              autoscroll=False)
            # the comment box of a rating, in place: it opens under the chat once an answer is rated, and says which
            with gr.Row(elem_id="feedback", visible=False) as fb_row:
                fb_note = gr.Markdown("", elem_id="feedback-note")
                fb_text = gr.Textbox(label=COMMENT_LABEL, elem_id="feedback-comment", max_lines=3, scale=3)
                fb_send = gr.Button("의견 보내기", elem_id="feedback-send", scale=1)
            status = gr.HTML(elem_id="status")
            with gr.Row(elem_id="ask-row"):
                box = gr.Textbox(label="질문 (Enter: 보내기, Shift+Enter: 줄바꿈)", lines=1, max_lines=12,
                                 placeholder="예: AI 인재 TF 담당 사무관 연락처는?", elem_id="question", scale=5,
                                 min_width=240)
                send = gr.Button("질문하기", variant="primary", elem_id="ask", scale=1, min_width=90)
                fresh = gr.Button("새 대화", elem_id="new-chat", scale=0, min_width=110)
            examples = gr.Examples(EXAMPLES, inputs=box, label="예시 질문 (누르면 바로 묻습니다)")
            asked = [chat, talk, box, status, filter_status, panel]
            inputs = [box, talk, publisher, since, until]
            send.click(respond, inputs, asked, **private)
            box.submit(respond, inputs, asked, **private)
            examples.load_input_event.then(respond, inputs, asked, **private)
            cleared = [chat, talk, box, status, filter_status, fb_id, fb_text, fb_row]
            fresh.click(new_conversation, None, cleared, **private)
            chat.clear(new_conversation, None, cleared, **private)
            chat.like(like, [talk], [chat, talk, fb_id, fb_text, fb_row], **private).then(
                None, None, None, js=SHOW_COMMENT)
            fb_send.click(save_comment, [fb_id, fb_text], [fb_note, fb_text], **private)
            for control in (publisher, since, until):
                control.change(filter_chip, [publisher, since, until], [filter_note, filter_status],
                               show_progress="hidden", **private)
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
        bridge_go.click(open_source, [bridge, talk, draft_state], [viewer, original], **private)
        again = gr.Textbox(visible="hidden", elem_id="reask-request")
        again_go = gr.Button("reask", visible="hidden", elem_id="reask-open")
        again_go.click(reask, [again, talk, publisher, since, until], asked, **private)
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
