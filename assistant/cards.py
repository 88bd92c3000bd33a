"""HTML for the chat, the citation cards, the source viewer and the draft's references.

Every piece of document or user text goes through inert(): HTML-escaped, and with the characters
Markdown, URL autolinking and bidirectional overrides act on replaced, so that a passage carrying
<script>, javascript: links or an RTL override shows as the text it is and does nothing.
"""

from __future__ import annotations

import re

from assistant.answer import Answer, Citation, Written
from core.patterns import masked_phones
from core.text import plain

# Markdown syntax and autolink triggers, as numeric entities: shown as themselves, never parsed.
_ENTITIES = {c: f"&#{ord(c)};" for c in "&<>\"'[]()*_`#|~!:{}$\\^@"}
_BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_MARKER = re.compile(r"\[(\d+)\]")
_EMPHASIS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")  # Markdown bold in a document's text (a .md or .txt source)


def unmarked(text: str) -> str:
    """A document's text as read: Markdown bold (**…**) shown as the words it wraps."""
    return _EMPHASIS.sub(r"\1", text) if "**" in text else text


def inert(text: str) -> str:
    """text safe to put in HTML or Markdown: escaped, Markdown and autolinks defused, bidi controls made visible."""
    text = _BIDI.sub(lambda m: f"⟨U+{ord(m.group(0)):04X}⟩", text)
    text = "".join(_ENTITIES.get(c, c) for c in text)
    return text.replace("www.", "www&#46;")


PREVIEW = 300  # characters of a quote shown when the pointer rests on its [n]


def _cite_link(key: str, n: int, quote: str = "") -> str:
    preview = " ".join(quote.split())
    preview = preview if len(preview) <= PREVIEW else preview[:PREVIEW] + " …"
    title = f"[{n}] {preview} — 눌러서 원문 보기" if preview else "원문 보기"
    return f'<a class="cite src-{key}-{n}" href="#source-viewer" title="{inert(title)}">[{n}]</a>'


def with_links(text: str, key: str, citations: tuple[Citation, ...] | list[Citation] = ()) -> str:
    """inert(text) with each [n] turned into a link that opens the source viewer on citation n (its quote
    previewed on hover)."""
    quotes = {c.n: unmarked(c.quote or c.text) for c in citations}
    parts = _MARKER.split(text)
    out = []
    for i, part in enumerate(parts):
        out.append(inert(part) if i % 2 == 0 else _cite_link(key, int(part), quotes.get(int(part), "")))
    return "".join(out).replace("\n", "<br>")


def passage_html(c: Citation, limit: int = 0) -> str:
    """The cited passage with the quote marked (table cells separated by │); over limit characters, only the
    quote and some context either side are shown."""
    text, quote = unmarked(c.text), unmarked(c.quote)
    at = text.find(quote) if quote else -1
    if limit and len(text) > limit:
        start = max(0, at - limit // 4) if at >= 0 else 0
        end = max(start + limit, at + len(quote) + limit // 4 if at >= 0 else 0)
        head, tail = ("… " if start else ""), (" …" if end < len(text) else "")
        text = head + text[start:end] + tail
        at = text.find(quote) if quote else -1
    if at < 0:
        body = inert(text)
    else:
        body = inert(text[:at]) + f"<mark>{inert(quote)}</mark>" + inert(text[at + len(quote) :])
    return body.replace("\t", " │ ")


def card(c: Citation, key: str, limit: int = 400) -> str:
    """One citation card: [n], title, date, page and file, then the passage; clicking it opens the viewer."""
    page = f" · {c.page}쪽" if c.page else ""
    return (
        f'<div class="card src-{key}-{c.n}" role="button" tabindex="0" title="원문 보기">'
        f'<div class="meta"><b>[{c.n}]</b> {inert(c.title)} · {inert(c.date)}{page} · '
        f'<code>{inert(c.source.rsplit("/", 1)[-1])}</code></div>'
        f'<div class="passage">{passage_html(c, limit)}</div></div>'
    )


def cards(citations: tuple[Citation, ...] | list[Citation], key: str) -> str:
    """All cards of one answer or draft, or a notice when there are none."""
    if not citations:
        return "<p class='notice'>인용할 문서가 없습니다.</p>"
    return "".join(card(c, key) for c in citations)


def message_html(answer: Answer, key: str, note: str = "") -> str:
    """A chat message: the answer with [n] links, how a follow-up was read (with a link asking the message
    again as typed), this answer's own cards, and the note of the feedback it was given."""
    warn = "" if answer.answerable else "⚠️ "
    body = _checked(with_links(unmarked(answer.answer), key, answer.citations), answer, key)
    out = [f'<div class="answer">{warn}{body}</div>']
    if answer.notice:
        out.append(f'<div class="notice" role="status">⚠️ {inert(answer.notice)}</div>')
    kept = [s for s in answer.sentences if s.checked]
    if answer.sentences:
        dropped = len(answer.sentences) - len(kept)
        out.append(f'<div class="checks">✓ 생성된 문장 {len(kept)}개를 인용 문단과 대조해 보여 드립니다'
                   + (f" · 근거가 확인되지 않은 {dropped}개는 뺐습니다" if dropped else "") + "</div>")
    if answer.resolved:
        out.append(f'<div class="resolved">→ 앞의 대화에 이어 이렇게 이해했습니다: {inert(answer.resolved)} · '
                   f'<a class="reask reask-{key}" href="#question" title="앞의 대화 없이 입력한 그대로 묻습니다">'
                   f"원래 질문으로 다시 묻기</a></div>")
    if answer.citations:
        out.append(f'<details class="sources" open><summary>출처 {len(answer.citations)}건</summary>'
                   f"{cards(answer.citations, key)}</details>")
    if note:
        out.append(f'<div class="feedback-note" role="status">{inert(note)}</div>')
    return "".join(out)


def streaming_html(parts: list[Written]) -> str:
    """An answer the LLM is still writing: each sentence complete so far with its check (a checked one
    marked ✓, a dropped one only said to be left out), then the text after them, not yet checked."""
    shown, kept, dropped = [], 0, 0
    for part in parts:
        out = []
        for s in part.sentences:
            if s.checked:
                kept += 1
                out.append(f'<span class="checked-live" title="인용 문단과 대조해 확인했습니다">'
                           f"{inert(masked_phones(s.text, _MASK))} ✓</span>")
            else:
                dropped += 1
                out.append(f'<span class="dropped-live" title="{inert(s.why)}">✗ 근거가 확인되지 않은 문장을 뺍니다</span>')
        if part.tail:  # a phone is never shown before the check (contacts come from the facts layer)
            out.append(f'<span class="unchecked">{inert(masked_phones(part.tail, _MASK))}</span>')
        shown.append(f"<p>{' '.join(out)}</p>")
    tally = f" · 확인 ✓ {kept}개" + (f" · 뺌 ✗ {dropped}개" if dropped else "") if kept or dropped else ""
    return (f'<div class="answer streaming">{"".join(shown)}</div>'
            f'<div class="checks">작성 중… 문장마다 인용 문단과 대조해 확인된 문장만 보여 드립니다{tally}</div>')


_MASK = "☎ (확인 중)"


def notice_html(message: str) -> str:
    """A one-line message for input the assistant cannot take (empty, too long, wordless)."""
    return f'<div class="notice">⚠️ {inert(message)}</div>'


def viewer_html(c: Citation, lines: list[str], has_file: bool) -> str:
    """The source viewer: the page's full text (or the passage's lines), the quoted lines highlighted."""
    page = f"{c.page}쪽" if c.page else "쪽 번호 없음(전체 본문)"
    head = (f'<div class="viewer-head"><b>[{c.n}]</b> {inert(c.title)} · {inert(c.date)} · {page} · '
            f"<code>{inert(c.source.rsplit('/', 1)[-1])}</code></div>")
    quote_lines = [q for q in unmarked(c.quote).split("\n") if q.strip()]
    body = []
    for line in map(unmarked, lines):
        hit = next((q for q in quote_lines if q in line), None)
        if hit:
            at = line.find(hit)
            text = inert(line[:at]) + f"<mark>{inert(hit)}</mark>" + inert(line[at + len(hit) :])
            body.append(f'<p class="hit">{text.replace(chr(9), " │ ")}</p>')
        else:
            body.append(f"<p>{inert(line).replace(chr(9), ' │ ')}</p>")
    note = "" if has_file else "<p class='notice'>원본 파일을 내려받을 수 없습니다(색인된 파일 목록에 없음).</p>"
    return f'<div class="viewer">{head}<div class="page">{"".join(body)}</div>{note}</div>'


def _checked(html: str, answer: Answer, key: str) -> str:
    """The answer's HTML with each checked generated sentence marked; its title lists the words of the
    passages it cites that back it (issue #18: the check, shown on hover)."""
    from assistant.grounding import content_words

    by_n = {c.n: plain(c.text) for c in answer.citations}
    for s in answer.sentences:
        if not s.checked:
            continue
        piece = with_links(unmarked(s.text), key, answer.citations)
        backing = " ".join(by_n.get(n, "") for n in s.citations)
        words = [w for w in dict.fromkeys(content_words(s.text)) if plain(w) in backing]
        title = inert("근거 문단의 단어: " + " · ".join(words))
        html = html.replace(piece, f'<span class="checked" title="{title}">{piece}</span>', 1)
    return html
