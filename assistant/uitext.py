"""The app's fixed text, styles and the one script it runs (opening the source viewer from [n] and cards)."""

from __future__ import annotations

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
a.cite {font-weight: 600; color: #0b5394; text-decoration: none; cursor: pointer;}
details.sources summary {cursor: pointer; color: #0b5394; margin-top: 6px;}
.notice {color: #8a4b00;}
table.contacts {border-collapse: collapse; width: 100%;}
table.contacts td, table.contacts th {border: 1px solid #d0d7de; padding: 4px 6px; font-size: 0.92em;}
"""

# Clicking [n] or a card asks the server for that citation's page. The key sits in a class, the one attribute
# the chat's HTML sanitiser keeps ("src-m3-2" = message 3, citation 2; "src-d-2" = the draft's citation 2); it
# goes into a hidden textbox, and a hidden button sends it.
HEAD = """
<script>
document.addEventListener("click", (event) => {
  const el = event.target.closest("a.cite, .card");
  const key = el && [...el.classList].find((c) => /^src-[a-z0-9]+-[0-9]+$/.test(c));
  if (!key) return;
  event.preventDefault();
  const box = document.querySelector("#viewer-request textarea");
  const go = document.querySelector("#viewer-open");
  if (!box || !go) return;
  box.value = key.slice(4).replace(/-(?=[0-9]+$)/, ":");
  box.dispatchEvent(new Event("input", {bubbles: true}));
  setTimeout(() => { go.click(); document.querySelector("#source-viewer")?.scrollIntoView(); }, 80);
});
</script>
"""


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
