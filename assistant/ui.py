"""The Gradio app: a thin shell over an Engine (chat with source cards, and 담당자 찾기)."""

from __future__ import annotations

import html
import os
from typing import TYPE_CHECKING, Any

from assistant.answer import Answer
from assistant.facts import fact_rows

if TYPE_CHECKING:
    import gradio as gr

    from assistant.engine import Engine

CSS = """
.card {border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 12px; margin: 8px 0; background: #fafbfc;}
.card .meta {font-size: 0.9em; color: #444; margin-bottom: 6px;}
.card .meta b {color: #0b5394;}
.card .passage {white-space: pre-wrap; line-height: 1.55;}
.card mark {background: #fff1a8; padding: 0 2px;}
.notice {color: #8a4b00;}
table.contacts {border-collapse: collapse; width: 100%;}
table.contacts td, table.contacts th {border: 1px solid #d0d7de; padding: 4px 6px; font-size: 0.92em;}
"""
EXAMPLES = [
    "AI 인재 TF 담당 사무관 연락처는?",
    "GPU는 언제까지 몇 장 확보하나요?",
    "AI 중점학교 관련 문의는 어디로 하나요?",
    "2025년 초중고 사교육비 총액은 얼마인가요?",
]


def source_cards(answer: Answer) -> str:
    """HTML cards for the citations: title, date, page, and the passage with the quote marked."""
    if not answer.citations:
        return "<p class='notice'>인용할 문서가 없습니다.</p>"
    cards = []
    for c in answer.citations:
        page = f" · {c.page}쪽" if c.page else ""
        passage = html.escape(c.text)
        quote = html.escape(c.quote)
        if quote and quote in passage:
            passage = passage.replace(quote, f"<mark>{quote}</mark>", 1)
        passage = passage.replace("\t", " │ ")
        cards.append(
            f"<div class='card' data-n='{c.n}'><div class='meta'><b>[{c.n}]</b> {html.escape(c.title)} · "
            f"{html.escape(c.date)}{page} · <code>{html.escape(c.source)}</code></div>"
            f"<div class='passage'>{passage}</div></div>"
        )
    return "\n".join(cards)


def answer_markdown(answer: Answer) -> str:
    """The chat message: the answer, and a note when the documents do not answer it."""
    text = answer.answer
    if not answer.answerable:
        text = f"⚠️ {text}"
    return text


def contacts_table(rows: list[dict[str, Any]]) -> str:
    """HTML table of contact rows, newest document first."""
    if not rows:
        return "<p class='notice'>일치하는 담당자가 없습니다.</p>"
    head = "<tr><th>날짜</th><th>부서</th><th>직위</th><th>이름</th><th>전화</th><th>문서</th></tr>"
    cells = []
    for r in rows[:200]:
        unit = " ".join(x for x in (f"[{r['section']}]" if r["section"] else "", r["office"], r["department"]) if x)
        page = f" · {r['page']}쪽" if r["page"] else ""
        cells.append(
            f"<tr><td>{html.escape(r['date'])}</td><td>{html.escape(unit)}</td><td>{html.escape(r['role'])}</td>"
            f"<td>{html.escape(r['name'])}</td><td>{html.escape(r['phone'])}</td>"
            f"<td>{html.escape(r['title'])}{page}</td></tr>"
        )
    body = "".join(cells)
    return f"<table class='contacts'>{head}{body}</table>"


def build_app(engine: Engine) -> gr.Blocks:
    """The chat and contact finder over engine; no retrieval logic lives here."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    def respond(message: str, history: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str, str]:
        message = (message or "").strip()
        if not message:
            return history, "", ""
        answer = engine.ask(message)
        history = [*history, {"role": "user", "content": message},
                   {"role": "assistant", "content": answer_markdown(answer)}]
        return history, source_cards(answer), ""

    def find_contacts(query: str) -> str:
        return contacts_table(fact_rows(engine.facts, "contacts", (query or "").strip() or None))

    with gr.Blocks(title="정책 비서", analytics_enabled=False) as app:
        gr.Markdown(
            "## 정책 비서 — 과학기술정보통신부·교육부 정책 문서 질의응답\n"
            "보도자료와 정책 계획에서 찾은 문장만 인용해 답합니다. 각 문장 뒤의 [n]은 아래 출처 카드의 번호입니다. "
            "문서에 없는 내용은 '찾지 못했다'고 답하고 관련 담당 부서를 안내합니다."
        )
        with gr.Tab("질문하기"):
            chat = gr.Chatbot(label="대화", height=420, elem_id="chat", feedback_options=None, buttons=["copy", "copy_all"])
            with gr.Row():
                box = gr.Textbox(label="질문", placeholder="예: AI 인재 TF 담당 사무관 연락처는?", elem_id="question",
                                 scale=5, lines=1)
                send = gr.Button("질문하기", variant="primary", elem_id="ask", scale=1)
            gr.Examples(EXAMPLES, inputs=box, label="예시 질문")
            gr.Markdown("### 출처")
            cards = gr.HTML(elem_id="sources")
            send.click(respond, [box, chat], [chat, cards, box])
            box.submit(respond, [box, chat], [chat, cards, box])
        with gr.Tab("담당자 찾기"):
            gr.Markdown("주제, 이름, 부서 또는 전화번호로 문서에 나온 담당자를 찾습니다 (최신 문서부터).")
            query = gr.Textbox(label="검색어", placeholder="예: 소프트웨어정책과, 이하근, 044-202-6321", elem_id="contact-query")
            find = gr.Button("찾기", elem_id="contact-find")
            table = gr.HTML(elem_id="contacts")
            find.click(find_contacts, query, table)
            query.submit(find_contacts, query, table)
    return app


def serve(engine: Engine, host: str, port: int) -> None:
    """Launch on host:port: no share link, no analytics, system fonts only (no remote assets)."""
    import gradio as gr

    app = build_app(engine)
    theme = gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    app.queue(default_concurrency_limit=4).launch(
        server_name=host, server_port=port, share=False, show_error=False, quiet=True, theme=theme, css=CSS,
        footer_links=[], ssr_mode=False,
    )
