"""The fit's pieces: labels, parts matched to their gold, and folds that never share a document."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np

from evals.fit import folds_of
from evals.labels import Item, gold_part, label
from evals.scorers import Case


def _case(cid: str, source: str, **kw: Any) -> Case:
    base: dict[str, Any] = {"kind": "target", "question": "q", "answerable": True, "facts": (("20만장",),),
                            "support": "GPU를 '30년까지 20만장 이상 확보한다", "source_hint": source}
    base.update(kw)
    return Case(cid, **base)


def test_a_unit_answers_when_it_holds_the_facts_in_the_gold_document() -> None:
    case = _case("a", "msit_2025-09-30_ai_core_project_tf")
    src = "corpus/msit_2025-09-30_ai_core_project_tf.txt"
    assert label(case, "첨단 GPU를 '30년까지 20만장 이상 확보한다.", src) == 1
    assert label(case, "GPU 20만장", "corpus/moe_2026-03-19_105660.hwpx") == 0  # another document
    assert label(case, "GPU를 확보하기 위해 노력한다", src) == 0  # no fact, no support
    assert label(_case("b", "x", answerable=False, facts=(), support=""), "20만장", "corpus/x.txt") == 0


def test_an_engine_part_is_matched_to_the_gold_part_it_asks() -> None:
    first = _case("l.1", "d", question="AI 인재 TF는 코어인재를 몇 명 확보하나요?")
    second = _case("l.2", "d", question="이 일을 담당하는 사무관 연락처도 알려주세요", kind="contact")
    letter = _case("l", "d", kind="letter", parts=(first, second))
    assert gold_part(letter, "이 일을 담당하는 사무관 연락처도 알려주세요.").id == "l.2"
    assert gold_part(letter, "AI 인재 TF는 2030년까지 AI 코어인재를 몇 명 확보하려고 하나요?").id == "l.1"
    assert gold_part(first, "anything") is first


def test_document_grouped_folds_never_share_a_document() -> None:
    items = [Item(_case(f"q{i}", f"doc{i % 13}"), None, [], []) for i in range(200)]  # type: ignore[arg-type]
    fold = folds_of(items, 5, "document")
    docs_in = [{it.document for it, f in zip(items, fold) if f == k} for k in range(5)]
    assert all(docs_in)
    assert all(not (docs_in[a] & docs_in[b]) for a in range(5) for b in range(a + 1, 5))
    by_question = folds_of(items, 5, "question")
    assert len(set(by_question.tolist())) == 5 and np.bincount(by_question).min() >= 35


def test_the_read_cache_reads_only_new_questions_and_only_on_the_same_index(engine: Any, tmp_path: Any) -> None:
    from evals.fit import read_all

    cache = tmp_path / "items.pkl"
    gpu = _case("g", "msit_2025-09-30_ai_core_project_tf", question="과기부 gpu 목표")
    said: list[str] = []
    first = read_all(engine, [gpu], cache, said.append)
    assert said[-1].startswith("0 questions from") and said[-1].endswith(", 1 read")
    talent = _case("t", "msit_2025-09-30_ai_core_project_tf", question="AI 인재 TF 목표")
    both = read_all(engine, [gpu, talent], cache, said.append)
    assert "1 questions from" in said[-1] and said[-1].endswith(", 1 read")
    assert both[0].reading.turns[0].part == first[0].reading.turns[0].part
    assert [c.text for c in both[0].reading.turns[0].cands] == [c.text for c in first[0].reading.turns[0].cands]
    saved = pickle.loads(cache.read_bytes())
    saved["index"] = [("corpus/other.txt", "0")]
    cache.write_bytes(pickle.dumps(saved))
    read_all(engine, [gpu], cache, said.append)
    assert "other indexed files" in said[-2] and said[-1].endswith(", 1 read")


class _Reversed:
    """A booster that ranks a part's candidates in the reverse of the order they come in."""

    def predict(self, x: Any, num_threads: int = 1) -> Any:
        return np.arange(len(x), dtype=np.float64)


def test_ranking_a_part_moves_its_labels_with_its_candidates(engine: Any) -> None:
    from evals.fit import rank
    from evals.labels import build

    cases = [_case("g", "msit_2025-09-30_ai_core_project_tf", question="과기부 GPU 확보 목표는 몇 장인가요?")]
    items = build(engine, cases)
    before = [(c.text, int(lab)) for c, lab in zip(items[0].reading.turns[0].cands, items[0].labels[0])]
    assert len(before) > 2 and 0 < sum(lab for _, lab in before) < len(before)
    rank(items, [0], _Reversed())
    after = [(c.text, int(lab)) for c, lab in zip(items[0].reading.turns[0].cands, items[0].labels[0])]
    assert after == before[::-1]
    g = items[0].golds[0]
    assert [label(g, c.text, c.source) for c in items[0].reading.turns[0].cands] == [lab for _, lab in after]
