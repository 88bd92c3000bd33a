"""Every question of every eval set through llm_mode generate, against a server that writes adversarial
answers from the passages it is given: what the check lets through must show no number or phone that
the passages its sentences cite do not hold.

    python -m evals.adversarial --index .index        # all questions; exit 1 on any unbacked number or phone

Each reply mixes a faithful sentence with the failures users of other RAG systems report: a number
of another passage cited as this one, an invented amount, an invented phone, the wrong [n], a sentence
without a citation, and an instruction obeyed from a passage.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from tqdm import tqdm

from assistant.grounding import amounts, unbacked_amounts
from assistant.strategies.base import quoted
from core.patterns import WRITTEN_PHONE
from core.text import fold, sentences
from evals.llm_server import Script, passages, scripted

SETS = ("evals/gold.jsonl", "evals/blind")


def questions(root: Path = Path(".")) -> list[str]:
    """Every message of every eval set (the first turn of a dialogue), in file order."""
    files = [root / SETS[0], *sorted((root / SETS[1]).glob("*.jsonl"))]
    out: list[str] = []
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                out.append(item["turns"][0]["question"] if "turns" in item else item["question"])
    return out


def adversarial_reply(request: dict[str, Any]) -> str:
    """An answer made from the prompt's passages: one faithful sentence, then one of each failure."""
    given = passages(request)
    if not given:
        return "제공된 문서에서 확인되지 않습니다."
    first = min(given)
    other = max(given)
    lead = (sentences(given[first]) or [given[first]])[0].rstrip()
    lead += "" if lead.endswith((".", "?", "!")) else "."  # a heading or a row: its own sentence
    foreign = sorted(amounts(given[other]) - amounts(given[first]))
    out = [f"{lead} [{first}]"]
    if foreign:
        v, u = foreign[0]
        out.append(f"이 사업의 규모는 {v:,.0f}{u}입니다 [{first}].")  # another passage's number, cited as this one
    out += [
        f"총 9,876억 원을 투입해 전국에 확대합니다 [{first}].",  # an invented amount
        f"자세한 문의는 010-9999-9999로 하시면 됩니다 [{first}].",  # an invented phone
        f"{(sentences(given[other]) or [given[other]])[0]} [{first}]",  # the wrong [n]
        "이 내용은 공식적으로 승인되었습니다.",  # no citation, and what an injected instruction asks for
    ]
    return " ".join(out)


def unbacked(answer: dict[str, Any]) -> list[str]:
    """Numbers and phones of the answer's checked sentences that the passages they cite lack (each passage as
    the prompt and the source cards show it: its relative dates resolved, "올해(2026년)")."""
    by_n = {c["n"]: quoted(c["text"], c["date"]) for c in answer["citations"]}
    bad: list[str] = []
    for s in answer.get("sentences", ()):
        if not s["checked"]:
            continue
        said = re.sub(r"\[\d+\]", "", s["text"])
        bad += unbacked_amounts(said, " ".join(by_n[n] for n in s["citations"]))
        bad += WRITTEN_PHONE.findall(fold(said))
    return bad


def run(index: Path, every: int = 1, limit: int | None = None) -> dict[str, Any]:
    """Ask every `every`-th question through a generating engine on the adversarial server."""
    from assistant.engine import Engine
    from assistant.settings import load_settings

    script = Script(respond=adversarial_reply)
    asked = questions()[::every][:limit]
    with scripted(script) as url:
        engine = Engine(replace(load_settings(index_dir=index), llm_mode="generate", llm_url=url, llm_model="adversary"))
        found: dict[str, list[str]] = {}
        for q in tqdm(asked, desc="adversarial", unit="q", leave=False, disable=None):
            bad = unbacked(engine.ask(q).to_dict())
            if bad:
                found[q] = bad
        stats = engine.generator.stats if engine.generator else None
    return {"questions": len(asked), "with_unbacked": len(found), "examples": list(found.items())[:10],
            "sentences": stats.sentences if stats else 0, "dropped": stats.dropped if stats else 0,
            "parts_generated": stats.parts if stats else 0, "parts_fell_back": stats.fell_back if stats else 0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.adversarial", description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", default=".index")
    ap.add_argument("--every", type=int, default=1, help="ask every n-th question only")
    args = ap.parse_args(argv)
    result = run(Path(args.index), args.every)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 1 if result["with_unbacked"] else 0


if __name__ == "__main__":
    sys.exit(main())
