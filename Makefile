# 정책 비서 — two commands: `make run` (chat on http://127.0.0.1:7860) and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 7860
INDEX  ?= $(or $(POLICY_INDEX_DIR),.index)
CHROMA_PORT ?= 8000

.PHONY: setup index run test check lint typecheck pytest browser-deps bench bench-scale chroma reliability load dialogues clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed  ## venv + project + dev tools

index: setup  ## ingest corpus/ into $(INDEX) (incremental: unchanged files cost nothing)
	$(PY) -m assistant ingest corpus --index $(INDEX)

run: setup  ## serve the Gradio chat at once; corpus/ is indexed beside it (answers come from what is indexed so far)
	$(PY) -m assistant serve --index $(INDEX) --host $(HOST) --port $(PORT) --ingest corpus

lint: setup
	$(PY) -m ruff check core assistant ingest evals tests

typecheck: setup
	$(PY) -m mypy --explicit-package-bases core assistant ingest evals tests

# Debian's Chromium, ChromeDriver and a Korean font for the browser test (no browser download).
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
		|| ! ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1; then \
		echo "installing chromium, chromium-driver, fonts-noto-cjk (Debian packages)"; \
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq chromium chromium-driver fonts-noto-cjk fonts-noto-color-emoji >/dev/null; \
	fi

pytest: setup browser-deps
	$(PY) -m pytest --durations=15

test: lint typecheck pytest  ## everything CI runs: ruff, mypy, every test (eval thresholds and the browser tests included)

check: lint typecheck  ## the fast tier: ruff, mypy, and the tests that need no corpus index or browser (≤ 5 min)
	$(PY) -m pytest -m "not corpus and not browser and not reliability" --durations=10

# The full counts of issue #10 (make test runs a reduced form of each): every bad input through a new
# process, a 200 MB PDF read with the size limit raised, kill -9 at 24 seeds (30 kills), and 50 simulated
# gradio_client users on loopback for 2 minutes (exit 1 on any error or any answer unlike the single-user one).
reliability: index  ## the full bad-input, crash and load runs
	$(PY) -m pytest -m reliability -s tests/test_bad_inputs.py tests/test_crash.py
	$(PY) -m evals.load --index $(INDEX) --users 50 --seconds 120

load: index  ## the load benchmark only (USERS, SECONDS, CONCURRENCY to vary it)
	$(PY) -m evals.load --index $(INDEX) --users $(or $(USERS),50) --seconds $(or $(SECONDS),120) --concurrency $(or $(CONCURRENCY),4)

dialogues: index  ## score the blind follow-up dialogues
	$(PY) -m evals.dialogues evals/blind/dialogues.jsonl --index $(INDEX)

bench: setup  ## a cold ingest by stage beside its embedding floor (docs/ingest.md); ask p50/p95 beside the naive pipeline
	$(PY) evals/bench.py

# 1k/10k/100k chunks, ours (embedded and server Chroma) beside the naive pipeline: hours at 100k.
# SIZES=1000,10000 for a shorter run; results and the report go to docs/scale/.
SIZES ?= 1000,10000,100000
bench-scale: index  ## the scale benchmark (docs/scale/)
	$(PY) -m evals.scale --sizes $(SIZES) --seed $(INDEX)

# A Chroma server on loopback for server mode: POLICY_CHROMA_URL=http://127.0.0.1:$(CHROMA_PORT) make run
chroma: setup  ## serve Chroma on 127.0.0.1:$(CHROMA_PORT), data in $(INDEX)/chroma-server
	$(VENV)/bin/chroma run --host 127.0.0.1 --port $(CHROMA_PORT) --path $(INDEX)/chroma-server

clean:
	rm -rf $(VENV) .index .pytest_cache .mypy_cache .ruff_cache
