"""The app's fixed text, styles and the one script it runs (opening the source viewer from [n] and cards)."""

from __future__ import annotations

import json
from typing import Any

from assistant.cards import inert

INTRO = (
    "## 정책 비서 — 과학기술정보통신부·교육부 정책 문서 질의응답\n"
    "보도자료와 정책 계획에서 찾은 문장만 인용해 답합니다. 각 문장 뒤의 [n]을 누르면 원문이 열립니다. "
    "문서에 없는 내용은 '찾지 못했다'고 답하고 관련 담당 부서를 안내합니다. 이어지는 질문(\"그럼 담당자는?\")은 "
    "앞의 대화에 맞춰 해석합니다."
)
EXAMPLES = [
    "AI 인재 TF 담당 사무관 연락처는?",
    "GPU는 언제까지 몇 장 확보하나요?",
    "AI 중점학교 관련 문의는 어디로 하나요?",
    "2025년 초중고 사교육비 총액은 얼마인가요?",
]
LETTER_EXAMPLE = ("예: 안녕하세요. 중학생 학부모입니다. 인공지능(AI) 중점학교는 올해 몇 개교가 선정되었나요? "
                  "그리고 정부는 GPU를 언제까지 몇 장 확보하나요?")

CSS = """
.card {border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 10px; margin: 6px 0; background: #fafbfc;
       cursor: pointer;}
.card:hover {border-color: #0b5394;}
.card .meta {font-size: 0.88em; color: #444; margin-bottom: 4px;}
.card .meta b {color: #0b5394;}
.card .passage, .viewer .page p, .answer {white-space: pre-wrap; line-height: 1.55; overflow-wrap: anywhere;}
.card mark, .viewer mark {background: #fff1a8; padding: 0 2px;}
.viewer .page {max-height: 560px; overflow: auto; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 12px;}
.viewer .page p {margin: 2px 0;}
.viewer .page p.hit {background: #fffbe0;}
.resolved {font-size: 0.9em; color: #555; margin-top: 6px;}
.answer .checked {border-bottom: 1px dotted #2e7d32; cursor: help;}
.answer .checked-live {color: #1b5e20;}
.answer .dropped-live {color: #8a4b00; font-size: 0.9em; cursor: help;}
.answer .unchecked {color: #666;}
.checks {font-size: 0.85em; color: #2e7d32; margin-top: 4px;}
a.cite {font-weight: 600; color: #0b5394; text-decoration: none; cursor: pointer;}
details.sources summary {cursor: pointer; color: #0b5394; margin-top: 6px;}
.notice {color: #8a4b00;}
#status .notice, #filter-status .notice {background: #fff4e5; border: 1px solid #f0b35b; border-radius: 6px;
       padding: 6px 10px; margin: 4px 0;}
.filter-chip {display: inline-block; background: #e8f0fe; color: #0b5394; border-radius: 14px; padding: 2px 12px;
       font-size: 0.9em;}
.feedback-note {font-size: 0.88em; color: #2d6a2d; margin-top: 6px;}
a.reask {color: #0b5394; text-decoration: underline; cursor: pointer;}
@media (max-width: 600px) { #ask-row {flex-wrap: wrap;} #ask-row > * {min-width: 100% !important;} }
table.contacts {border-collapse: collapse; width: 100%;}
table.contacts td, table.contacts th {border: 1px solid #d0d7de; padding: 4px 6px; font-size: 0.92em;}
"""

# English labels of Gradio's own controls, as the page shows them in Korean (titles, aria-labels and text).
# After a rating, the comment box that opened under the chat comes into view (never the keyboard: no focus).
SHOW_COMMENT = "() => { document.querySelector('#feedback')?.scrollIntoView({block: 'nearest'}); }"
KOREAN_LABELS = {
    "Like": "좋아요", "Dislike": "싫어요", "Copy message": "메시지 복사", "Copied message": "복사했습니다",
    "Copy conversation": "대화 전체 복사", "Copied conversation": "복사했습니다", "Clear": "대화 지우기(새 대화)",
    "Use via API": "API로 사용", "Built with Gradio": "Gradio로 만듦", "Settings": "설정", "Retry": "다시 시도",
    "Undo": "되돌리기", "Edit": "고치기", "Feedback": "사유 고르기", "Copy": "복사", "Copied": "복사했습니다",
    "Scroll down": "아래로", "chatbot conversation": "대화", "Download": "내려받기", "Loading...": "불러오는 중…",
}

# The page's one script.
# - Clicking [n] or a card asks the server for that citation's page. The key sits in a class, the one attribute
#   the chat's HTML sanitiser keeps ("src-m3-2" = message 3, citation 2; "src-d-2" = the draft's citation 2); it
#   goes into a hidden textbox, and a hidden button sends it. When the viewer has the page, it is scrolled into
#   view and its own box to the highlighted quote.
# - "원래 질문으로 다시 묻기" (class reask-m3) sends message 3 again without the conversation, the same way.
# - Resting on [n] shows its quote (read from the answer's own card).
# - Copying a message or the conversation puts plain text on the clipboard: the answer, then its sources as a
#   numbered list (title · date · page · file), never the HTML.
# - Gradio's English labels are shown in Korean (KOREAN_LABELS).
# - A new answer is scrolled to its first line (its question stays just above it).
HEAD = r"""
<script>
(() => {
  const LABELS = __LABELS__;
  const send = (boxId, buttonId, value) => {
    const box = document.querySelector(`#${boxId} textarea`);
    const go = document.querySelector(`#${buttonId}`);
    if (!box || !go) return false;
    box.value = value;
    box.dispatchEvent(new Event("input", {bubbles: true}));
    setTimeout(() => go.click(), 80);
    return true;
  };
  let wantQuote = false;
  document.addEventListener("click", (event) => {
    const again = event.target.closest("a.reask");
    const reaskKey = again && [...again.classList].find((c) => /^reask-m[0-9]+$/.test(c));
    if (reaskKey) {
      event.preventDefault();
      send("reask-request", "reask-open", reaskKey.slice(6));
      return;
    }
    const el = event.target.closest("a.cite, .card");
    const key = el && [...el.classList].find((c) => /^src-[a-z0-9]+-[0-9]+$/.test(c));
    if (!key) return;
    event.preventDefault();
    wantQuote = send("viewer-request", "viewer-open", key.slice(4).replace(/-(?=[0-9]+$)/, ":"));
  });
  const showQuote = () => {
    if (!wantQuote) return;
    const page = document.querySelector("#viewer .page");
    const mark = page && page.querySelector("mark");
    if (!page) return;
    wantQuote = false;
    document.querySelector("#source-viewer")?.scrollIntoView({block: "start"});
    if (mark) {
      const hit = mark.closest("p") || mark;
      page.scrollTop = Math.max(0, hit.offsetTop - page.offsetTop - 40);
    }
  };
  document.addEventListener("mouseover", (event) => {
    const link = event.target.closest && event.target.closest("a.cite");
    const key = link && [...link.classList].find((c) => /^src-[a-z0-9]+-[0-9]+$/.test(c));
    if (!key || link.dataset.previewed) return;
    const card = document.querySelector(`.card.${key}`);
    const quote = card && (card.querySelector("mark") || card.querySelector(".passage"));
    if (quote) {
      const text = quote.textContent.trim();
      link.title = `${link.textContent} ${text.length > 300 ? text.slice(0, 300) + " …" : text} — 눌러서 원문 보기`;
      link.dataset.previewed = "1";
    }
  });
  const plain = (text) => {
    if (!/class="(answer|card|sources)/.test(text)) return text;
    const doc = new DOMParser().parseFromString(`<div>${text.replace(/\n/g, "<br>")}</div>`, "text/html");
    doc.querySelectorAll(".resolved a, .feedback-note").forEach((n) => n.remove());
    doc.querySelectorAll("br").forEach((n) => n.replaceWith("\n"));
    doc.querySelectorAll("details.sources").forEach((d) => {
      const lines = [...d.querySelectorAll(".card .meta")].map((m) => m.textContent.replace(/\s+/g, " ").trim());
      d.replaceWith(lines.length ? `\n\n출처\n${lines.join("\n")}` : "");
    });
    doc.querySelectorAll(".answer, .resolved").forEach((n) => n.append("\n"));
    return doc.body.textContent.replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
  };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    const write = navigator.clipboard.writeText.bind(navigator.clipboard);
    navigator.clipboard.writeText = (text) => write(plain(String(text)));
  }
  const translate = (root) => {
    root.querySelectorAll("[title], [aria-label]").forEach((n) => {
      for (const attr of ["title", "aria-label"]) {
        const v = n.getAttribute(attr);
        if (v && LABELS[v]) n.setAttribute(attr, LABELS[v]);
      }
    });
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const v = t.nodeValue.trim();
      if (v && LABELS[v] && !t.parentElement.closest("#chat .message, .answer")) t.nodeValue = LABELS[v];
    }
  };
  // A new answer opens at its text, not at the bottom of its cards (the chat's own autoscroll is off).
  let answers = 0;
  const showNewAnswer = () => {
    const all = document.querySelectorAll("#chat .answer");
    if (all.length > answers) {
      const last = all[all.length - 1];
      let box = last.parentElement;
      while (box && !/(auto|scroll)/.test(getComputedStyle(box).overflowY)) box = box.parentElement;
      if (box) box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 60;
    }
    answers = all.length;
  };
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; translate(document.body); showQuote(); showNewAnswer(); });
  })
    .observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                        attributeFilter: ["title", "aria-label"]});
})();
</script>
""".replace("__LABELS__", json.dumps(KOREAN_LABELS, ensure_ascii=False))


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
            f"<tr><td>{inert(r['date'])}</td><td>{inert(unit)}</td><td>{inert(r['role'])}</td>"
            f"<td>{inert(r['name'])}</td><td>{inert(r['phone'])}</td><td>{inert(r['title'])}{page}</td></tr>"
        )
    return f"<table class='contacts'>{head}{''.join(cells)}</table>"
